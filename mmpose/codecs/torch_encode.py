"""Heatmap targets drawn on the accelerator from their windows.

The data pipeline computes, per keypoint, only where its truncated Gaussian goes
(:func:`mmpose.codecs._gaussian.gaussian_windows`: four integers and a centre) and ships that
instead of (K, H, W) float maps (133 WholeBody keypoints: 1.6 MB per sample). This draws the
maps on the device, with the same float32 arithmetic as the numpy codec (equal up to the last
bit of ``exp``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor


def render_gaussian_windows(windows: Tensor, centers: Tensor, sigma: float,
                            heatmap_size: Sequence[int]) -> Tensor:
    """Draw truncated Gaussians into their windows.

    Only the (6 sigma + 1)^2 window cells are computed and scattered, as in the numpy codec, so
    the cost does not grow with the map size (133 keypoints cost ~133 small patches).

    Args:
        windows: (..., 4) integer ``[x0, y0, x1, y1)`` windows in heatmap pixels; cell
            ``(x - x0, y - y0)`` of the Gaussian patch lands on ``(x, y)``.
        centers: (..., 2) float32 Gaussian centres in patch cells.
        sigma: Gaussian standard deviation in heatmap pixels.
        heatmap_size: (w, h).

    Returns:
        Heatmaps (..., h, w) float32, zero outside the windows.
    """
    width, height = heatmap_size
    lead = windows.shape[:-1]
    windows = windows.reshape(-1, 4).long()
    centers = centers.reshape(-1, 2).float()
    cells = torch.arange(math.ceil(2 * (sigma * 3) + 1), device=windows.device)   # (S,)
    sq_x = (cells.float() - centers[:, 0:1])**2                                    # (n, S)
    sq_y = (cells.float() - centers[:, 1:2])**2
    patches = torch.exp(-(sq_y[:, :, None] + sq_x[:, None, :]) / (2 * sigma**2))  # (n, S, S)
    xs = windows[:, 0:1] + cells
    ys = windows[:, 1:2] + cells
    in_x = (xs >= 0) & (xs < width) & (xs < windows[:, 2:3])
    in_y = (ys >= 0) & (ys < height) & (ys < windows[:, 3:4])
    valid = in_y[:, :, None] & in_x[:, None, :]
    rows = torch.arange(len(windows), device=windows.device)[:, None, None] * height + ys[:, :, None]
    # cells outside the map or the window write to one spare slot past the end (no
    # data-dependent shapes, no host sync on an accelerator); it is dropped afterwards
    size = len(windows) * height * width
    flat = torch.where(valid, rows * width + xs[:, None, :], size)
    out = patches.new_zeros(size + 1)
    out[flat.reshape(-1)] = patches.reshape(-1)
    return out[:size].view(*lead, height, width)
