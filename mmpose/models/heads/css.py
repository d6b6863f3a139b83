"""Cross-type self-supervision (CSS) of PoseBH: pseudo keypoints where two predictors agree.

For an image from dataset A and the keypoint types of another dataset B, head B's heatmaps and
the prototype heatmaps of B's types are two independent guesses. A joint becomes a pseudo label
when both are confident and their peaks agree; its location is the confidence-weighted mean of
the two sub-pixel peaks, rendered as a UDP Gaussian. Everything runs batched on the heatmaps'
device (torch ports of mmpose 0.x ``post_dark_udp`` and the UDP Gaussian target).
"""
from __future__ import annotations

import torch
from torch import Tensor

from mmpose.codecs.torch_decode import refine_dark_udp


def render_udp_gaussians(coords: Tensor, size: tuple[int, int], sigma: float = 2.) -> Tensor:
    """UDP Gaussian targets drawn directly in heatmap coordinates (stride 1).

    As 0.x ``TopDownGenerateTarget`` (UDP, GaussianHeatmap): the Gaussian is centred on the exact
    location and truncated to the (6 sigma + 1)^2 window around ``int(x + 0.5)``.

    Args:
        coords: Keypoints (N, 2) as (x, y) in heatmap pixels.
        size: Heatmap size (H, W).
        sigma: Standard deviation in heatmap pixels (PoseBH: 2).

    Returns:
        Heatmaps (N, H, W).
    """
    h, w = size
    radius = int(sigma * 3)
    centre = torch.trunc(coords + 0.5)
    xs = torch.arange(w, device=coords.device, dtype=coords.dtype)
    ys = torch.arange(h, device=coords.device, dtype=coords.dtype)
    gx = torch.exp(-(xs[None] - coords[:, :1])**2 / (2 * sigma**2))
    gy = torch.exp(-(ys[None] - coords[:, 1:])**2 / (2 * sigma**2))
    gx = gx * ((xs[None] - centre[:, :1]).abs() <= radius)
    gy = gy * ((ys[None] - centre[:, 1:]).abs() <= radius)
    return gy[:, :, None] * gx[:, None, :]


def select_pseudo_joints(head_hm: Tensor, proto_hm: Tensor, conf_thr: float,
                         match_dist: float) -> Tensor:
    """Joints whose head and prototype heatmaps are both confident and agree in location.

    Args:
        head_hm: Head heatmaps A (N, K, H, W).
        proto_hm: Prototype heatmaps R of the same types (N, K, H, W).
        conf_thr: Both maxima must exceed it (PoseBH: 0.25).
        match_dist: Largest peak distance in heatmap pixels (PoseBH: 2.1).

    Returns:
        Boolean mask (N, K).
    """
    def peak(hm: Tensor) -> Tensor:
        # x from the column profile, y from the row profile (PoseBH's max-projections)
        return torch.stack([hm.amax(dim=-2).argmax(-1), hm.amax(dim=-1).argmax(-1)], dim=-1)

    confident = (head_hm.flatten(2).amax(-1) > conf_thr) & (proto_hm.flatten(2).amax(-1) >
                                                              conf_thr)
    dist = (peak(head_hm) - peak(proto_hm)).float().norm(dim=-1)
    return confident & (dist <= match_dist)


@torch.no_grad()
def make_pseudo_targets(head_hm: Tensor, proto_hm: Tensor, valid: Tensor, sigma: float = 2.,
                        kernel: int = 11) -> tuple[Tensor, Tensor]:
    """Pseudo heatmaps and weights for the ``valid`` joints.

    The pseudo keypoint is ``(sA * pA + sR * pR) / max(sA + sR, 1e-4)`` with ``p`` the DARK-UDP
    peak and ``s`` the raw maximum of the head (A) and prototype (R) heatmaps; its weight is
    ``min(sA, sR)``.

    Args:
        head_hm: Head heatmaps (N, K, H, W).
        proto_hm: Prototype heatmaps (N, K, H, W).
        valid: Joints to supervise (N, K), from :func:`select_pseudo_joints`.
        sigma: Gaussian sigma of the targets.
        kernel: DARK-UDP blur kernel.

    Returns:
        ``heatmaps`` (N, K, H, W) (zero where not valid) and ``weights`` (N, K).
    """
    n, k, h, w = head_hm.shape
    with torch.autocast(head_hm.device.type, enabled=False):  # the blur must stay fp32
        p_a, s_a = refine_dark_udp(head_hm[valid].float(), kernel)
        p_r, s_r = refine_dark_udp(proto_hm[valid].float(), kernel)
    pseudo = (s_a[:, None] * p_a + s_r[:, None] * p_r) / (s_a + s_r).clamp_min(1e-4)[:, None]
    heatmaps = head_hm.new_zeros(n, k, h, w, dtype=torch.float32)
    weights = head_hm.new_zeros(n, k, dtype=torch.float32)
    heatmaps[valid] = render_udp_gaussians(pseudo, (h, w), sigma)
    weights[valid] = torch.minimum(s_a, s_r).float()
    return heatmaps, weights

