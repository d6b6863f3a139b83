"""Pre-norm ViT block whose FFN is injected by config (plain MLP or mixture of experts)."""
from __future__ import annotations

from torch import Tensor, nn

from mmpose.registry import MODELS

from .attention import Attention
from .drop_path import DropPath

# Arguments the block passes to every FFN; a ffn_layer config must not set them itself.
_FFN_OWNED_KEYS = ('in_features', 'hidden_features', 'drop')


class Block(nn.Module):
    """``x + DropPath(Attn(LN(x)))`` then ``x + DropPath(FFN(LN(x), expert_idx))``.

    Args:
        dim: Token width C.
        num_heads: Attention heads.
        mlp_ratio: FFN hidden width is ``int(dim * mlp_ratio)``.
        qkv_bias: Bias in the qkv projection.
        drop: Dropout after the attention projection and in the FFN.
        attn_drop: Dropout on the attention weights.
        drop_path: Stochastic-depth rate of both residual branches.
        ffn_layer: Config of the FFN, built through ``MODELS`` with ``in_features``,
            ``hidden_features`` and ``drop`` filled in by the block, e.g.
            ``dict(type='MoEMlp', num_experts=6, part_features=192)``. ``None`` means
            ``dict(type='Mlp')``.
    """

    def __init__(self,
                 dim: int,
                 num_heads: int,
                 mlp_ratio: float = 4.,
                 qkv_bias: bool = False,
                 drop: float = 0.,
                 attn_drop: float = 0.,
                 drop_path: float = 0.,
                 ffn_layer: dict | None = None) -> None:
        super().__init__()
        ffn_cfg = dict(ffn_layer) if ffn_layer is not None else dict(type='Mlp')
        owned = [key for key in _FFN_OWNED_KEYS if key in ffn_cfg]
        if owned:
            raise ValueError(f'ffn_layer must not set {owned}: the block derives them from '
                             'dim, mlp_ratio and drop_rate')
        # LayerNorm eps 1e-6 as in ViTPose (timm ViT default).
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, qkv_bias, attn_drop, proj_drop=drop)
        self.drop_path = DropPath(drop_path)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = MODELS.build(
            dict(ffn_cfg, in_features=dim, hidden_features=int(dim * mlp_ratio), drop=drop))

    def forward(self, x: Tensor, expert_idx: Tensor | None = None) -> Tensor:
        """Args:
            x: Tokens, (B, N, C).
            expert_idx: Expert of each sample, (B,); only MoE FFNs use it.

        Returns:
            (B, N, C).
        """
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x), expert_idx=expert_idx))
