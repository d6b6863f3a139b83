"""Gaussian heatmap encoding shared by the MSRA, DARK and UDP codecs (mmpose 0.x parity).

0.x generated targets with a Python loop over joints and numpy < 2. Where a float64 numpy
scalar met a float32 array, numpy < 2's value-based casting rounded the scalar to float32
and computed in float32; the explicit ``astype(np.float32)`` casts below reproduce that, so
the vectorised targets are bit-identical to what 0.x produced.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def check_codec_args(input_size: Sequence[int], heatmap_size: Sequence[int], sigma: float,
                     blur_kernel_size: int) -> None:
    """Validate the constructor arguments shared by the heatmap codecs.

    Args:
        input_size: input crop size (w, h).
        heatmap_size: heatmap size (w, h).
        sigma: Gaussian standard deviation in heatmap pixels.
        blur_kernel_size: kernel of the Gaussian blur used by the refinements.

    Raises:
        ValueError: naming the bad argument.
    """
    for name, size in (('input_size', input_size), ('heatmap_size', heatmap_size)):
        if len(size) != 2 or min(size) < 2:
            raise ValueError(f'{name} must be (w, h) with both >= 2, got {size!r}')
    if sigma <= 0:
        raise ValueError(f'sigma must be positive, got {sigma}')
    if blur_kernel_size <= 0 or blur_kernel_size % 2 != 1:
        raise ValueError(f'blur_kernel_size must be a positive odd integer, got '
                         f'{blur_kernel_size}')


def check_keypoints(keypoints: np.ndarray, keypoints_visible: np.ndarray) -> tuple:
    """Check the encoder inputs and bring them to 0.x's float32 storage.

    Args:
        keypoints: keypoints (K, 2) in input-crop pixels.
        keypoints_visible: visibility (K,).

    Returns:
        tuple: ``keypoints`` (K, 2) float32 and ``visible`` (K,) float32.
    """
    keypoints = np.asarray(keypoints, dtype=np.float32)
    visible = np.asarray(keypoints_visible, dtype=np.float32)
    if keypoints.ndim != 2 or keypoints.shape[1] != 2 or visible.shape != keypoints.shape[:1]:
        raise ValueError(f'expected keypoints (K, 2) and keypoints_visible (K,), got '
                         f'{keypoints.shape} and {visible.shape}')
    return keypoints, visible


def gaussian_windows(keypoints: np.ndarray, visible: np.ndarray, stride: np.ndarray,
                     sigma: float, heatmap_size: Sequence[int],
                     subpixel: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where :func:`windowed_gaussians` draws, without drawing: the cheap part of the target.

    Returns:
        tuple: ``windows`` (K, 4) int32 ``[x0, y0, x1, y1)`` in heatmap pixels (window cell
        ``(x - x0, y - y0)`` of the patch lands on ``(x, y)``; empty for keypoints that are not
        drawn), ``centers`` (K, 2) float32, the Gaussian centre inside the patch, and
        ``weights`` (K,) float32.
    """
    width, height = heatmap_size
    tmp_size = sigma * 3
    size = 2 * tmp_size + 1
    mu_exact = keypoints.astype(np.float64) / stride                 # (K, 2)
    mu = np.trunc(mu_exact + 0.5).astype(np.int64)                     # int(x / s + 0.5)
    upper_left = np.trunc(mu - tmp_size).astype(np.int64)
    bottom_right = np.trunc(mu + tmp_size + 1).astype(np.int64)
    out_of_bounds = ((upper_left[:, 0] >= width) | (upper_left[:, 1] >= height) |
                     (bottom_right[:, 0] < 0) | (bottom_right[:, 1] < 0))
    weights = np.where(out_of_bounds, np.float32(0), visible).astype(np.float32)
    # the patch has len(arange(0, size)) cells; 0.x pastes them inside [ul, br) and the map
    bottom_right = np.minimum(bottom_right, upper_left + len(np.arange(0, size, 1)))
    drawn = (weights > 0.5)[:, None]
    windows = np.where(drawn, np.concatenate([upper_left, bottom_right], 1), 0)
    center = size // 2 + ((mu_exact - mu) if subpixel else np.zeros_like(mu_exact))
    return windows.astype(np.int32), center.astype(np.float32), weights


def windowed_gaussians(keypoints: np.ndarray, visible: np.ndarray, stride: np.ndarray,
                       sigma: float, heatmap_size: Sequence[int],
                       subpixel: bool) -> tuple[np.ndarray, np.ndarray]:
    """Truncated Gaussians on a (6 sigma + 1)^2 window around the rounded keypoint.

    This is the vectorised 0.x MSRA target (``subpixel=False``) and the 0.x UDP
    ``GaussianHeatmap`` target (``subpixel=True``: the Gaussian inside the window is centred
    on the exact sub-pixel location). 0.x quirks kept on purpose:

    * the window corners use ``int()``, which truncates toward zero, so a keypoint at
      (-30, -30) is "in bounds" (``br == 0`` is not < 0): weight stays 1, heatmap all zero;
    * a keypoint is drawn only when its weight is > 0.5; weights in (0, 0.5] are kept with an
      empty heatmap.

    :func:`mmpose.codecs.torch_encode.render_gaussian_windows` draws the same maps from
    :func:`gaussian_windows` on the accelerator.

    Args:
        keypoints: keypoints (K, 2) in input-crop pixels, float32.
        visible: visibility (K,), float32.
        stride: input pixels per heatmap pixel (2,), float64.
        sigma: Gaussian standard deviation in heatmap pixels.
        heatmap_size: heatmap size (w, h).
        subpixel: centre the Gaussian on the exact location (UDP) instead of the window
            center (MSRA).

    Returns:
        tuple: ``heatmaps`` (K, H, W) float32 and ``weights`` (K,) float32.
    """
    width, height = heatmap_size
    windows, patch_center, weights = gaussian_windows(keypoints, visible, stride, sigma,
                                                      heatmap_size, subpixel)
    # One (S, S) patch per keypoint, exactly as 0.x builds it.
    grid = np.arange(0, 2 * sigma * 3 + 1, 1, dtype=np.float32)       # (S,)
    sq_x = (grid[None, :] - patch_center[:, 0:1])**2                   # (K, S)
    sq_y = (grid[None, :] - patch_center[:, 1:2])**2                   # (K, S)
    patches = np.exp(-(sq_y[:, :, None] + sq_x[:, None, :]) / (2 * sigma**2))

    # Paste: target[y, x] = patch[y - y0, x - x0] inside the window and the map. Only the
    # (K, S, S) window cells are touched (a full-map gather would read K * H * W cells).
    cells = np.arange(len(grid))
    xs = windows[:, 0:1].astype(np.int64) + cells                      # (K, S)
    ys = windows[:, 1:2].astype(np.int64) + cells                      # (K, S)
    in_x = (xs >= 0) & (xs < width) & (xs < windows[:, 2:3])
    in_y = (ys >= 0) & (ys < height) & (ys < windows[:, 3:4])
    k, i, j = np.nonzero(in_y[:, :, None] & in_x[:, None, :])
    heatmaps = np.zeros((len(keypoints), height, width), dtype=np.float32)
    heatmaps[k, ys[k, i], xs[k, j]] = patches[k, i, j]
    return heatmaps, weights


def full_gaussians(keypoints: np.ndarray, visible: np.ndarray, stride: np.ndarray,
                   sigma: float, heatmap_size: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Untruncated Gaussians at the exact location (0.x ``unbiased_encoding``, DARK).

    Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose Estimation",
    CVPR 2020. The bounds check uses the same 3-sigma window as :func:`windowed_gaussians`
    but without rounding.

    Args:
        keypoints: keypoints (K, 2) in input-crop pixels, float32.
        visible: visibility (K,), float32.
        stride: input pixels per heatmap pixel (2,), float64.
        sigma: Gaussian standard deviation in heatmap pixels.
        heatmap_size: heatmap size (w, h).

    Returns:
        tuple: ``heatmaps`` (K, H, W) float32 and ``weights`` (K,) float32.
    """
    width, height = heatmap_size
    tmp_size = sigma * 3
    mu = keypoints.astype(np.float64) / stride                        # (K, 2)
    out_of_bounds = ((mu[:, 0] - tmp_size >= width) | (mu[:, 1] - tmp_size >= height) |
                     (mu[:, 0] + tmp_size + 1 < 0) | (mu[:, 1] + tmp_size + 1 < 0))
    weights = np.where(out_of_bounds, np.float32(0), visible).astype(np.float32)
    mu32 = mu.astype(np.float32)
    sq_x = (np.arange(0, width, 1, dtype=np.float32)[None, :] - mu32[:, 0:1])**2     # (K, W)
    sq_y = (np.arange(0, height, 1, dtype=np.float32)[None, :] - mu32[:, 1:2])**2    # (K, H)
    heatmaps = np.exp(-(sq_x[:, None, :] + sq_y[:, :, None]) / (2 * sigma**2))
    return np.where((weights > 0.5)[:, None, None], heatmaps, np.float32(0)), weights
