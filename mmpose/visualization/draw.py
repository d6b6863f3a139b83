"""Drawing poses on images with OpenCV: skeleton links, keypoints and boxes.

Colours come from the dataset metadata (``DatasetMeta.colors``, one RGB colour per keypoint);
a limb takes the mean colour of its two endpoints. Sizes scale with the image so that drawings
read the same on a 200-px crop and on a 4K frame.
"""
from __future__ import annotations

import cv2
import numpy as np

from mmpose.datasets.metainfo import DatasetMeta

_SHIFT = 4  # sub-pixel precision of OpenCV drawing: coordinates in 1/16 px
_SCALE = 1 << _SHIFT


def default_sizes(img_shape: tuple[int, ...]) -> tuple[int, int]:
    """Keypoint radius and line thickness (px) for an image of ``img_shape`` (H, W, ...).

    About 1/150 (radius) and 1/300 (thickness) of sqrt(H * W), at least 2 and 1 px: 4 and 2
    on a 640x480 image, 10 and 5 on 1920x1080.
    """
    side = float(np.sqrt(img_shape[0] * img_shape[1]))
    return max(2, round(side / 150)), max(1, round(side / 300))


def _check_image(img: np.ndarray) -> None:
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3 \
            or img.shape[2] != 3:
        shape = getattr(img, 'shape', None)
        dtype = getattr(img, 'dtype', type(img).__name__)
        raise ValueError(f'img must be an (H, W, 3) uint8 RGB array, got {shape} {dtype}')


def _point(xy: np.ndarray) -> tuple[int, int]:
    return int(round(float(xy[0]) * _SCALE)), int(round(float(xy[1]) * _SCALE))


def draw_keypoints(img: np.ndarray, keypoints: np.ndarray, scores: np.ndarray | None,
                   meta: DatasetMeta, score_thr: float = 0.3, radius: int | None = None,
                   thickness: int | None = None) -> np.ndarray:
    """Draw the skeletons and keypoints of several instances.

    A keypoint is drawn when its score is at least ``score_thr`` and its coordinates are
    finite; a link when both of its endpoints are drawn. Links go under keypoints.

    Args:
        img: Image (H, W, 3), uint8 RGB. Not modified.
        keypoints: Keypoints (N, K, 2) in image pixels; (K, 2) is taken as one instance.
        scores: Keypoint scores (N, K) (or (K,)); None draws every keypoint.
        meta: Keypoint definition of the dataset (skeleton and colours; K must match).
        score_thr: Minimum score of a drawn keypoint.
        radius: Keypoint radius in px; default from :func:`default_sizes`.
        thickness: Link thickness in px; default from :func:`default_sizes`.

    Returns:
        A drawn copy of ``img``, (H, W, 3) uint8 RGB.
    """
    _check_image(img)
    kpts = np.asarray(keypoints, dtype=np.float64)
    if kpts.ndim == 2:
        kpts = kpts[None]
    k = meta.num_keypoints
    if kpts.size == 0:
        kpts = kpts.reshape(0, k, 2)
    if kpts.ndim != 3 or kpts.shape[1:] != (k, 2):
        raise ValueError(f'keypoints must be (N, {k}, 2) for {meta.name!r}, got {kpts.shape}')
    if scores is None:
        visible = np.ones(kpts.shape[:2], dtype=bool)
    else:
        sc = np.asarray(scores, dtype=np.float64)
        sc = sc.reshape(0, k) if sc.size == 0 else sc[None] if sc.ndim == 1 else sc
        if sc.shape != kpts.shape[:2]:
            raise ValueError(f'scores must be (N, K) = {kpts.shape[:2]}, got {np.shape(scores)}')
        visible = sc >= score_thr
    visible &= np.isfinite(kpts).all(-1)
    default_radius, default_thickness = default_sizes(img.shape)
    radius = default_radius if radius is None else int(radius)
    thickness = default_thickness if thickness is None else int(thickness)
    colors = [tuple(int(c) for c in rgb) for rgb in meta.colors]
    limb_colors = [tuple(int(c) for c in (meta.colors[a].astype(np.float32)
                                          + meta.colors[b]) / 2) for a, b in meta.skeleton]
    out = np.ascontiguousarray(img.copy())
    for pts, vis in zip(kpts, visible):
        for (a, b), color in zip(meta.skeleton, limb_colors):
            if vis[a] and vis[b]:
                cv2.line(out, _point(pts[a]), _point(pts[b]), color, thickness, cv2.LINE_AA,
                         _SHIFT)
        for j in np.flatnonzero(vis):
            cv2.circle(out, _point(pts[j]), radius * _SCALE, colors[j], -1, cv2.LINE_AA, _SHIFT)
    return out


def draw_bboxes(img: np.ndarray, bboxes: np.ndarray, color: tuple[int, int, int] = (0, 255, 0),
                thickness: int | None = None) -> np.ndarray:
    """Draw boxes.

    Args:
        img: Image (H, W, 3), uint8 RGB. Not modified.
        bboxes: Boxes (N, 4) as xyxy in image pixels.
        color: RGB colour.
        thickness: Line thickness in px; default from :func:`default_sizes`.

    Returns:
        A drawn copy of ``img``.
    """
    _check_image(img)
    boxes = np.asarray(bboxes, dtype=np.float64).reshape(-1, 4)
    thickness = default_sizes(img.shape)[1] if thickness is None else int(thickness)
    out = np.ascontiguousarray(img.copy())
    for box in boxes[np.isfinite(boxes).all(1)]:
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        cv2.rectangle(out, (x1, y1), (x2, y2), tuple(int(c) for c in color), thickness)
    return out
