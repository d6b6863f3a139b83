"""Heatmap decoding in torch, on the heatmaps' device (the accelerator at test time).

Ports of mmpose 0.x ``_get_max_preds`` and ``post_dark_udp`` (UDP decoding): the numpy codec
(:class:`~mmpose.codecs.UDPHeatmap`) stays the reference; these agree with it to float32
rounding and avoid copying heatmaps to the host.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def heatmap_peaks(heatmaps: Tensor) -> tuple[Tensor, Tensor]:
    """Integer argmax (x, y) (..., 2) and maximum (...) of heatmaps (..., H, W)."""
    w = heatmaps.shape[-1]
    maxval, idx = heatmaps.flatten(-2).max(dim=-1)
    return torch.stack([idx % w, idx // w], dim=-1), maxval


def _gaussian_blur(maps: Tensor, kernel: int) -> Tensor:
    """``cv2.GaussianBlur(map, (k, k), 0)`` with OpenCV's default (reflect-101) border.

    Args:
        maps: (N, H, W).
        kernel: Odd kernel size; sigma = 0.3 * ((k - 1) / 2 - 1) + 0.8 as in OpenCV.
    """
    sigma = 0.3 * ((kernel - 1) * 0.5 - 1) + 0.8
    r = kernel // 2
    x = torch.arange(kernel, dtype=torch.float64, device=maps.device) - r
    g = torch.exp(-x**2 / (2 * sigma**2))
    g = (g / g.sum()).to(maps.dtype)
    out = F.pad(maps[:, None], (r, r, r, r), mode='reflect')
    out = F.conv2d(out, g.view(1, 1, 1, kernel))
    return F.conv2d(out, g.view(1, 1, kernel, 1))[:, 0]


def refine_dark_udp(heatmaps: Tensor, kernel: int = 11) -> tuple[Tensor, Tensor]:
    """Sub-pixel peaks: integer argmax + one DARK-UDP Newton step (0.x ``post_dark_udp``).

    Args:
        heatmaps: (N, H, W); every map should have a positive maximum.
        kernel: Odd blur kernel (PoseBH: 11, the test-time ``modulate_kernel``).

    Returns:
        ``coords`` (N, 2) as (x, y) in heatmap pixels and ``maxvals`` (N,) of the raw maps.
    """
    n = len(heatmaps)
    coords, maxvals = heatmap_peaks(heatmaps)
    if n == 0:
        return coords.float(), maxvals
    logs = _gaussian_blur(heatmaps.float(), kernel).clamp(0.001, 50).log()
    padded = F.pad(logs[:, None], (1, 1, 1, 1), mode='replicate')[:, 0]       # (N, H+2, W+2)
    rows = torch.arange(n, device=heatmaps.device)
    px, py = coords[:, 0] + 1, coords[:, 1] + 1

    def at(dx: int, dy: int) -> Tensor:
        return padded[rows, py + dy, px + dx]

    center = at(0, 0)
    dx = 0.5 * (at(1, 0) - at(-1, 0))
    dy = 0.5 * (at(0, 1) - at(0, -1))
    dxx = at(1, 0) - 2 * center + at(-1, 0)
    dyy = at(0, 1) - 2 * center + at(0, -1)
    dxy = 0.5 * (at(1, 1) - at(1, 0) - at(0, 1) + 2 * center - at(-1, 0) - at(0, -1)
                 + at(-1, -1))
    hessian = torch.stack([dxx, dxy, dxy, dyy], dim=-1).view(n, 2, 2)
    hessian = hessian + torch.finfo(torch.float32).eps * torch.eye(2, device=hessian.device)
    step, info = torch.linalg.solve_ex(hessian, torch.stack([dx, dy], dim=-1)[..., None])
    step = torch.where((info == 0)[:, None], step[..., 0], 0.)  # singular: keep the argmax
    return coords.float() - step, maxvals


def decode_udp(heatmaps: Tensor, kernel: int = 11) -> tuple[Tensor, Tensor]:
    """UDP decoding of a batch: argmax + DARK-UDP refinement.

    Args:
        heatmaps: (N, K, H, W).
        kernel: Blur kernel (``test_cfg.modulate_kernel``).

    Returns:
        Keypoints (N, K, 2) in heatmap pixels and scores (N, K) (raw heatmap maxima).
    """
    n, k, h, w = heatmaps.shape
    coords, scores = refine_dark_udp(heatmaps.reshape(n * k, h, w), kernel)
    return coords.view(n, k, 2), scores.view(n, k)
