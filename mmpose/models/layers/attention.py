"""Multi-head self-attention of the ViT block."""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn


class Attention(nn.Module):
    """Multi-head self-attention computed with ``F.scaled_dot_product_attention``.

    Numerically the ViTPose attention (``softmax(q * head_dim**-0.5 @ k^T) @ v``), but SDPA
    picks a fused kernel where one is available.

    Args:
        dim: Token width C.
        num_heads: Number of heads; must divide ``dim``.
        qkv_bias: Bias in the fused qkv projection (True in all ViTPose configs).
        attn_drop: Dropout on the attention weights (training only).
        proj_drop: Dropout after the output projection.

    Set ``fused = False`` for the explicit formulation of the original (materialised attention
    matrix), which benchmarks compare against.
    """

    fused: bool = True

    def __init__(self,
                 dim: int,
                 num_heads: int = 8,
                 qkv_bias: bool = False,
                 attn_drop: float = 0.,
                 proj_drop: float = 0.) -> None:
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'dim={dim} is not divisible by num_heads={num_heads}')
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: Tensor) -> Tensor:
        """Args: x: Tokens, (B, N, C). Returns: (B, N, C)."""
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (B, heads, N, head_dim)
        drop = self.attn_drop if self.training else 0.
        if self.fused:
            x = F.scaled_dot_product_attention(q, k, v, dropout_p=drop)
        else:
            attn = ((q * q.shape[-1]**-0.5) @ k.transpose(-2, -1)).softmax(dim=-1)
            x = F.dropout(attn, drop, self.training) @ v
        return self.proj_drop(self.proj(x.transpose(1, 2).reshape(B, N, C)))
