"""Heatmap argmax and sub-pixel refinements, vectorised ports of mmpose 0.x post-processing.

All functions work on batches (N, K, H, W) and return heatmap-pixel coordinates; mapping to
the image is :func:`mmpose.structures.transform_preds`. Each one gives the same numbers as
the 0.x per-joint loop it replaces (``_get_max_preds``, the +/-0.25 shift, ``_gaussian_blur``
+ ``_taylor`` and ``post_dark_udp`` in ``mmpose/core/evaluation/top_down_eval.py``).
"""
from __future__ import annotations

import cv2
import numpy as np

# The maps are blurred as channels of one cv2 image; OpenCV 5 caps images at 128 channels
# (CV_CN_MAX; 512 in OpenCV 4).
_CV_MAX_CHANNELS = 128


def get_max_preds(heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Locate the maximum of each heatmap.

    Args:
        heatmaps: heatmaps (N, K, H, W).

    Returns:
        tuple: ``preds`` (N, K, 2) float32 as (x, y) = (idx % W, idx // W), set to -1 where
        the maximum is <= 0, and ``maxvals`` (N, K) with the dtype of ``heatmaps``.
    """
    n, k, _, w = heatmaps.shape
    flat = heatmaps.reshape(n, k, -1)
    idx = np.argmax(flat, axis=2).astype(np.float32)
    maxvals = np.amax(flat, axis=2)
    preds = np.stack([idx % w, idx // w], axis=-1)
    preds = np.where(maxvals[..., None] > 0.0, preds, np.float32(-1))
    return preds, maxvals


def _blur_maps(maps: np.ndarray, kernel: int) -> np.ndarray:
    """``cv2.GaussianBlur(map, (kernel, kernel), 0)`` on every map (default border).

    The maps are stacked as channels of one cv2 image, which gives bit-identical results to
    blurring them one at a time.

    Args:
        maps: maps (M, H, W).
        kernel: odd kernel size; sigma follows from it as in OpenCV.

    Returns:
        Blurred maps (M, H, W).
    """
    out = np.empty_like(maps)
    for start in range(0, len(maps), _CV_MAX_CHANNELS):
        chunk = np.ascontiguousarray(maps[start:start + _CV_MAX_CHANNELS].transpose(1, 2, 0))
        blurred = cv2.GaussianBlur(chunk, (kernel, kernel), 0)
        out[start:start + _CV_MAX_CHANNELS] = blurred.reshape(chunk.shape).transpose(2, 0, 1)
    return out


def gaussian_blur(heatmaps: np.ndarray, kernel: int = 11) -> np.ndarray:
    """Zero-padded Gaussian blur that keeps each map's maximum (0.x ``_gaussian_blur``).

    Args:
        heatmaps: heatmaps (N, K, H, W).
        kernel: odd kernel size.

    Returns:
        Blurred heatmaps (N, K, H, W) with the dtype of ``heatmaps`` (a new array).
    """
    if kernel % 2 != 1:
        raise ValueError(f'kernel must be odd, got {kernel}')
    n, k, h, w = heatmaps.shape
    border = (kernel - 1) // 2
    maps = heatmaps.reshape(n * k, h, w)
    padded = np.zeros((n * k, h + 2 * border, w + 2 * border), dtype=np.float32)
    padded[:, border:border + h, border:border + w] = maps
    blurred = _blur_maps(padded, kernel)[:, border:border + h, border:border + w]
    blurred = blurred.astype(heatmaps.dtype)
    with np.errstate(divide='ignore', invalid='ignore'):
        blurred *= (maps.max(axis=(1, 2)) / blurred.max(axis=(1, 2)))[:, None, None]
    return blurred.reshape(n, k, h, w)


def _gather(maps: np.ndarray, px: np.ndarray, py: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Read ``maps[m, py + dy, px + dx]`` for every map m (indices clipped to the map).

    Args:
        maps: maps (M, H, W).
        px: x indices (M,).
        py: y indices (M,).
        dx: x offset.
        dy: y offset.

    Returns:
        The values (M,).
    """
    _, h, w = maps.shape
    rows = np.clip(py + dy, 0, h - 1)
    cols = np.clip(px + dx, 0, w - 1)
    return maps[np.arange(len(maps)), rows, cols]


def refine_quarter_offset(preds: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
    """Move each peak a quarter pixel toward its higher neighbour (0.x 'default').

    Applied only where ``1 < px < W - 1`` and ``1 < py < H - 1`` (both strict).

    Args:
        preds: integer peak locations (N, K, 2) from :func:`get_max_preds`.
        heatmaps: heatmaps (N, K, H, W).

    Returns:
        Refined locations (N, K, 2) float32 (a new array).
    """
    n, k, h, w = heatmaps.shape
    maps = heatmaps.reshape(n * k, h, w)
    px, py = np.trunc(preds.reshape(-1, 2)).astype(np.int64).T
    valid = (1 < px) & (px < w - 1) & (1 < py) & (py < h - 1)
    diff = np.stack([
        _gather(maps, px, py, 1, 0) - _gather(maps, px, py, -1, 0),
        _gather(maps, px, py, 0, 1) - _gather(maps, px, py, 0, -1)
    ], axis=-1)
    refined = preds.reshape(-1, 2).copy()
    refined[valid] += np.sign(diff[valid]) * .25
    return refined.reshape(n, k, 2)


def refine_dark(preds: np.ndarray, heatmaps: np.ndarray, kernel: int = 11) -> np.ndarray:
    """DARK refinement (0.x 'unbiased'): blur, log, then one Newton step per peak.

    Zhang et al., "Distribution-Aware Coordinate Representation for Human Pose Estimation",
    CVPR 2020.

    Args:
        preds: integer peak locations (N, K, 2) from :func:`get_max_preds`.
        heatmaps: heatmaps (N, K, H, W).
        kernel: odd blur kernel size.

    Returns:
        Refined locations (N, K, 2) float32 (a new array).
    """
    n, k, h, w = heatmaps.shape
    with np.errstate(divide='ignore', invalid='ignore'):
        maps = np.log(np.maximum(gaussian_blur(heatmaps, kernel), 1e-10))
    return taylor_step(preds.reshape(-1, 2), maps.reshape(n * k, h, w)).reshape(n, k, 2)


def taylor_step(coords: np.ndarray, maps: np.ndarray) -> np.ndarray:
    """One Newton step on log-heatmaps (0.x ``_taylor``), for all maps at once.

    Uses second-order central differences; applied only where ``1 < px < W - 2``,
    ``1 < py < H - 2`` and the Hessian determinant is non-zero. 0.x ran this per joint on
    numpy < 2, where multiplying a float32 scalar by a Python number gave float64; the
    ``float64`` casts below reproduce that promotion exactly.

    Args:
        coords: integer peak locations (M, 2).
        maps: log-heatmaps (M, H, W).

    Returns:
        Refined locations (M, 2) float32 (a new array).
    """
    _, h, w = maps.shape
    px, py = np.trunc(coords).astype(np.int64).T
    valid = (1 < px) & (px < w - 2) & (1 < py) & (py < h - 2)
    px, py, maps = px[valid], py[valid], maps[valid]

    def at(dx: int, dy: int) -> np.ndarray:
        return _gather(maps, px, py, dx, dy)

    f64 = np.float64
    twice_center = 2 * at(0, 0).astype(f64)
    dx = 0.5 * (at(1, 0) - at(-1, 0)).astype(f64)
    dy = 0.5 * (at(0, 1) - at(0, -1)).astype(f64)
    dxx = 0.25 * (at(2, 0).astype(f64) - twice_center + at(-2, 0))
    dxy = 0.25 * (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)).astype(f64)
    dyy = 0.25 * (at(0, 2).astype(f64) - twice_center + at(0, -2))
    step = dxx * dyy - dxy**2 != 0
    hessian = np.stack([dxx, dxy, dxy, dyy], axis=-1).reshape(-1, 2, 2)[step]
    derivative = np.stack([dx, dy], axis=-1)[step][..., None]
    refined = coords.copy()
    rows = np.flatnonzero(valid)[step]
    refined[rows] += (-np.linalg.inv(hessian) @ derivative)[..., 0]
    return refined


def refine_dark_udp(preds: np.ndarray, heatmaps: np.ndarray, kernel: int = 3) -> np.ndarray:
    """DARK refinement for UDP heatmaps (0.x ``post_dark_udp``), fully vectorised.

    Blur each map (OpenCV default border), clip to [0.001, 50], take the log, pad one pixel
    by edge replication and take one Newton step with a float32-eps-regularised Hessian.
    Applied to every keypoint, as in 0.x, including those at (-1, -1) (maximum <= 0), whose
    neighbours are then read across map boundaries of the flattened batch; their scores are
    <= 0, so callers should ignore them.

    Args:
        preds: integer peak locations (N, K, 2) from :func:`get_max_preds`.
        heatmaps: heatmaps (N, K, H, W).
        kernel: odd blur kernel size.

    Returns:
        Refined locations (N, K, 2) float32 (a new array).
    """
    n, k, h, w = heatmaps.shape
    maps = _blur_maps(np.array(heatmaps).reshape(n * k, h, w), kernel)
    np.clip(maps, 0.001, 50, maps)
    np.log(maps, maps)
    padded = np.pad(maps, ((0, 0), (1, 1), (1, 1)), mode='edge').ravel()

    # Flat indices as in 0.x (which computed them in float32: exact below 2**24 elements).
    coords = np.trunc(preds.reshape(-1, 2)).astype(np.int64)
    index = coords[:, 0] + 1 + (coords[:, 1] + 1) * (w + 2) + (w + 2) * (h + 2) * np.arange(
        n * k)
    i_ = padded[index]
    ix1 = padded[index + 1]
    iy1 = padded[index + w + 2]
    ix1y1 = padded[index + w + 3]
    ix1_y1_ = padded[index - w - 3]
    ix1_ = padded[index - 1]
    iy1_ = padded[index - 2 - w]

    dx = 0.5 * (ix1 - ix1_)
    dy = 0.5 * (iy1 - iy1_)
    derivative = np.stack([dx, dy], axis=-1).reshape(n, k, 2, 1)
    dxx = ix1 - 2 * i_ + ix1_
    dyy = iy1 - 2 * i_ + iy1_
    dxy = 0.5 * (ix1y1 - ix1 - iy1 + i_ + i_ - ix1_ - iy1_ + ix1_y1_)
    hessian = np.stack([dxx, dxy, dxy, dyy], axis=-1).reshape(n, k, 2, 2)
    hessian = np.linalg.inv(hessian + np.finfo(np.float32).eps * np.eye(2))
    refined = preds.copy()
    refined -= np.einsum('ijmn,ijnk->ijmk', hessian, derivative)[..., 0]
    return refined
