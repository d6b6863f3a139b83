"""Plain ViT backbone of ViTPose; the FFN is injected (``ffn_layer``), so ViTPose+ reuses it."""
from __future__ import annotations

import torch
import torch.utils.checkpoint as cp
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpose.registry import MODELS

from ..layers import Block, PatchEmbed


@MODELS.register_module()
class VisionTransformer(BaseModule):
    """ViTPose ViT: patch embedding, absolute position embedding, pre-norm blocks, last norm.

    Argument names follow the ViTPose configs (registered also as ``ViT``). There is no cls
    token; slot 0 of ``pos_embed`` is a legacy cls slot that is broadcast-added to every patch,
    which keeps the state dict identical to the released checkpoints (spec Appendix A).

    Args:
        img_size: Input (H, W); sizes the position embedding.
        patch_size: Patch side.
        in_channels: Image channels.
        embed_dim: Token width C.
        depth: Number of blocks.
        num_heads: Attention heads.
        mlp_ratio: FFN hidden width over C.
        qkv_bias: Bias in the qkv projections.
        drop_rate: Dropout after attention projection and FFN.
        attn_drop_rate: Dropout on attention weights.
        drop_path_rate: Stochastic depth of the last block; block i gets
            ``linspace(0, drop_path_rate, depth)[i]``.
        ratio: Token oversampling of the patch embedding (stride ``patch_size // ratio``).
        use_checkpoint: Recompute each block in backward (activation checkpointing).
        channels_last: Return the feature map as a channels-last view of the tokens (no copy)
            instead of a contiguous NCHW tensor; for heads running in channels-last format.
        last_norm: Apply a final LayerNorm.
        ffn_layer: FFN config passed to every :class:`Block`; None is the plain ``Mlp``.
        init_cfg: mmengine init config (e.g. ``Pretrained``), applied after the default init.
    """

    def __init__(self,
                 img_size: tuple[int, int] = (256, 192),
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dim: int = 768,
                 depth: int = 12,
                 num_heads: int = 12,
                 mlp_ratio: float = 4.,
                 qkv_bias: bool = True,
                 drop_rate: float = 0.,
                 attn_drop_rate: float = 0.,
                 drop_path_rate: float = 0.,
                 ratio: int = 1,
                 use_checkpoint: bool = False,
                 channels_last: bool = False,
                 last_norm: bool = True,
                 ffn_layer: dict | None = None,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.embed_dim = embed_dim
        self.depth = depth
        self.use_checkpoint = use_checkpoint
        self.channels_last = channels_last
        self.patch_embed = PatchEmbed(img_size, patch_size, in_channels, embed_dim, ratio)
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, embed_dim))
        rates = torch.linspace(0, drop_path_rate, depth, device='cpu').tolist()
        self.blocks = nn.ModuleList(
            Block(embed_dim, num_heads, mlp_ratio, qkv_bias, drop_rate, attn_drop_rate, rate,
                  ffn_layer) for rate in rates)
        self.last_norm = nn.LayerNorm(embed_dim, eps=1e-6) if last_norm else nn.Identity()
        self._init_default_weights()

    def _init_default_weights(self) -> None:
        # ViTPose init_weights: trunc-normal(.02) linears and pos_embed, LayerNorm 1/0;
        # the patch-embedding conv keeps PyTorch's default init.
        nn.init.trunc_normal_(self.pos_embed, std=.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def init_weights(self) -> None:
        """Default ViTPose init, then ``init_cfg`` (e.g. a pretrained checkpoint) on top."""
        self._init_default_weights()
        if self.init_cfg:
            super().init_weights()
        # Without init_cfg, mmengine's BaseModule.init_weights would only log every
        # parameter as unchanged (it snapshots them after the default init above).
        self._is_init = True

    def forward(self, x: Tensor, expert_idx: Tensor | None = None) -> Tensor:
        """Args:
            x: Images, (B, 3, H, W) with (H, W) = ``img_size``.
            expert_idx: Expert of each sample, LongTensor (B,); required by MoE FFNs.

        Returns:
            Feature map (B, C, Hp, Wp), e.g. (B, 768, 16, 12) for ViT-B at 256x192.
        """
        x, (Hp, Wp) = self.patch_embed(x)
        if x.shape[1] != self.pos_embed.shape[1] - 1:
            raise ValueError(f'input {tuple(x.shape)} gives a {Hp}x{Wp} patch grid but pos_embed '
                             f'holds {self.pos_embed.shape[1] - 1} patches; check img_size')
        x = x + self.pos_embed[:, 1:] + self.pos_embed[:, :1]
        for block in self.blocks:
            if self.use_checkpoint and torch.is_grad_enabled():
                x = cp.checkpoint(block, x, expert_idx, use_reentrant=False)
            else:
                x = block(x, expert_idx)
        # tokens (B, Hp*Wp, C) are the channels-last layout of the feature map
        x = self.last_norm(x).reshape(x.shape[0], Hp, Wp, -1).permute(0, 3, 1, 2)
        return x if self.channels_last else x.contiguous()


# ViTPose configs name the backbone ``ViT``.
MODELS.register_module(name='ViT', module=VisionTransformer)
