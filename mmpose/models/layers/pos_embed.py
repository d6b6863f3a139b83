"""Resizing of absolute position embeddings (e.g. MAE 14x14 -> ViTPose 16x12)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor


def resize_pos_embed(pos_embed: Tensor,
                     src_grid: tuple[int, int] | None,
                     dst_grid: tuple[int, int],
                     num_extra_tokens: int = 1) -> Tensor:
    """Bicubically resizes the grid part of a position embedding, keeping extra tokens.

    Matches ViTPose's checkpoint loader (bicubic, ``align_corners=False``).

    Args:
        pos_embed: (1, num_extra_tokens + h * w, C).
        src_grid: Source grid (h, w); a square grid of side ``sqrt(L)`` when None (MAE).
        dst_grid: Target grid (h', w').
        num_extra_tokens: Leading tokens (cls slot) copied unchanged.

    Returns:
        (1, num_extra_tokens + h' * w', C).
    """
    extra, grid = pos_embed[:, :num_extra_tokens], pos_embed[:, num_extra_tokens:]
    length = grid.shape[1]
    if src_grid is None:
        side = math.isqrt(length)
        if side * side != length:
            raise ValueError(f'{length} grid tokens do not form a square grid; pass src_grid')
        src_grid = (side, side)
    if src_grid[0] * src_grid[1] != length:
        raise ValueError(f'src_grid {tuple(src_grid)} does not match {length} grid tokens')
    if tuple(src_grid) == tuple(dst_grid):
        return pos_embed
    C = grid.shape[-1]
    grid = grid.reshape(1, src_grid[0], src_grid[1], C).permute(0, 3, 1, 2)
    grid = F.interpolate(
        grid.float(), size=tuple(dst_grid), mode='bicubic', align_corners=False).to(grid.dtype)
    return torch.cat([extra, grid.flatten(2).transpose(1, 2)], dim=1)
