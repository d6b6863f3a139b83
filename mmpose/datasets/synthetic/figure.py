"""Sampling and drawing one articulated stick figure of a dataset's keypoint definition.

A figure is the dataset's :class:`~.template.Template` with random joint rotations and bone
lengths, then mirrored (seen from the back), stretched, rotated in-plane, scaled and placed.
Every keypoint index is drawn with its own saturated colour, and with its own marker shape once
the colours run out, so a model can tell keypoints apart without flip augmentation; limbs are
thick lines in a neutral grey.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from .template import Template

# per-template-kind priors: in-plane rotation (degrees), P(mirror), horizontal stretch range
_PRIORS = {
    'human': dict(rot_std=12.0, rot_max=35.0, mirror=0.2, stretch=(0.85, 1.15)),
    'quadruped': dict(rot_std=8.0, rot_max=20.0, mirror=0.5, stretch=(0.8, 1.25)),
    'hand': dict(rot_std=70.0, rot_max=180.0, mirror=0.0, stretch=(0.85, 1.15)),
    'generic': dict(rot_std=20.0, rot_max=45.0, mirror=0.3, stretch=(0.85, 1.15)),
}
_MAX_HUES = 18  # up to this many keypoints each gets its own evenly spaced hue
_SHAPES = ('circle', 'square', 'triangle', 'diamond', 'ring', 'cross')


@dataclass(frozen=True)
class Figure:
    """One placed figure.

    Attributes:
        keypoints: Pixel coordinates as drawn, integer-valued, (K, 2); may lie off the image.
        radius: Marker radius per keypoint in pixels, (K,).
        mirrored: Whether the figure is seen from the back (its left side at image left).
    """

    keypoints: np.ndarray
    radius: np.ndarray
    mirrored: bool


@lru_cache(maxsize=None)
def keypoint_style(num_keypoints: int) -> tuple[np.ndarray, np.ndarray]:
    """Colour (BGR) and marker shape of each keypoint index, ((K, 3) uint8, (K,) int).

    Up to 18 keypoints get evenly spaced hues, visited with a stride near K/2.6 so that
    neighbouring indices (often left/right partners) get very different hues. Beyond that,
    24 colours (12 hues x bright/dark) are combined with the shapes of ``_SHAPES``.
    """
    k = np.arange(num_keypoints)
    if num_keypoints <= _MAX_HUES:
        n_col, tiers = max(num_keypoints, 1), 1
    else:
        n_col, tiers = 24, 2
    n_hue = n_col // tiers
    stride = next(s for s in range(max(1, round(n_hue / 2.6)), n_hue + 1)
                  if np.gcd(s, n_hue) == 1)
    col = k % n_col
    hue = ((col % n_hue) * stride % n_hue) * 180.0 / n_hue
    value = np.where(col // n_hue == 0, 255, 150)
    hsv = np.stack([hue, np.full_like(hue, 255), value], -1).astype(np.uint8)[None]
    colors = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0]
    shapes = (k // n_col) % len(_SHAPES)
    if num_keypoints > n_col * len(_SHAPES):
        raise ValueError(f'{num_keypoints} keypoints exceed the {n_col * len(_SHAPES)} '
                         'distinct colour/shape styles')
    return colors, shapes


def pose_template(template: Template, rng: np.random.Generator) -> np.ndarray:
    """Rest pose with random joint rotations (within each node's swing) and bone lengths
    (+-10%), (N, 2); a node's rotation turns its whole subtree."""
    parents, rest = template.parents, template.rest
    angle = rng.uniform(-1.0, 1.0, len(parents)) * template.swing
    length = rng.uniform(0.9, 1.1, len(parents))
    out = rest.copy()
    acc = np.zeros(len(parents))
    for j, p in enumerate(parents):
        if p < 0:
            continue
        acc[j] = acc[p] + angle[j]
        c, s = np.cos(acc[j]), np.sin(acc[j])
        dx, dy = (rest[j] - rest[p]) * length[j]
        out[j] = out[p] + (c * dx - s * dy, s * dx + c * dy)
    return out


def sample_figure(template: Template, rng: np.random.Generator, size: float,
                  center: tuple[float, float], aspect: float = 1.0,
                  mirror: bool | None = None) -> Figure:
    """Pose, orient, scale and place a figure.

    Args:
        template: The dataset's template.
        rng: Random generator.
        size: Target extent in pixels: the keypoints' height, or their width times ``aspect``
            (image H / W) when that is larger, so wide animals fit like tall people.
        center: Pixel position of the keypoints' box centre.
        aspect: Image height / width.
        mirror: Force a mirrored (True) or plain (False) figure; None samples the kind's prior.
    """
    prior = _PRIORS[template.kind]
    kpts = pose_template(template, rng)[template.keypoint_nodes]
    if mirror is None:
        mirror = bool(rng.random() < prior['mirror'])
    kpts[:, 0] *= rng.uniform(*prior['stretch']) * (-1.0 if mirror else 1.0)
    theta = np.deg2rad(np.clip(rng.normal(0.0, prior['rot_std']), -prior['rot_max'],
                               prior['rot_max']))
    c, s = np.cos(theta), np.sin(theta)
    kpts = kpts @ np.array([[c, s], [-s, c]])
    lo, hi = kpts.min(0), kpts.max(0)
    extent = max(hi[1] - lo[1], (hi[0] - lo[0]) * aspect, 1e-6)
    scale = size / extent
    kpts = np.round((kpts - (lo + hi) / 2) * scale + np.asarray(center, float))
    radius = np.clip(0.45 * template.nn_dist * scale, 1.0, max(1.5, 0.03 * size))
    return Figure(keypoints=kpts, radius=radius, mirrored=mirror)


def draw_figure(image: np.ndarray, idmap: np.ndarray | None, figure: Figure,
                limbs: tuple[tuple[int, int], ...], limb_color: tuple[int, int, int],
                id_value: int = 0) -> None:
    """Draw limbs, then markers (largest first), in place.

    Args:
        image: BGR image, (H, W, 3) uint8.
        idmap: Optional (H, W) uint8 map that receives ``id_value`` wherever the figure is drawn,
            used to decide which joints a later figure or occluder hides.
        figure: The figure.
        limbs: Keypoint index pairs.
        limb_color: BGR colour of the limbs.
        id_value: Value written into ``idmap``.
    """
    colors, shapes = keypoint_style(len(figure.keypoints))
    pts = figure.keypoints.astype(np.int64)
    for a, b in limbs:
        width = max(1, int(round(0.7 * min(figure.radius[a], figure.radius[b]))))
        cv2.line(image, tuple(pts[a]), tuple(pts[b]), limb_color, width, cv2.LINE_AA)
        if idmap is not None:
            cv2.line(idmap, tuple(pts[a]), tuple(pts[b]), id_value, width)
    for k in np.argsort(-figure.radius, kind='stable'):
        color = tuple(int(c) for c in colors[k])
        _draw_marker(image, pts[k], figure.radius[k], color, int(shapes[k]), cv2.LINE_AA)
        if idmap is not None:
            _draw_marker(idmap, pts[k], figure.radius[k], id_value, int(shapes[k]), cv2.LINE_8)


def _draw_marker(img: np.ndarray, center: np.ndarray, radius: float, color, shape: int,
                 line_type: int) -> None:
    shift = 4  # sub-pixel marker geometry, 1/16 px
    one = 1 << shift
    cx, cy = int(center[0]) * one, int(center[1]) * one
    r = radius * one
    name = _SHAPES[shape]
    if name == 'circle' or name == 'ring':
        thickness = -1 if name == 'circle' else max(1, int(radius / 2.5))
        cv2.circle(img, (cx, cy), int(r), color, thickness, line_type, shift)
    elif name == 'cross':
        d, thickness = int(r * 0.8), max(1, int(radius / 2.5))
        cv2.line(img, (cx - d, cy - d), (cx + d, cy + d), color, thickness, line_type, shift)
        cv2.line(img, (cx - d, cy + d), (cx + d, cy - d), color, thickness, line_type, shift)
    else:
        if name == 'square':
            corners = [(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]
        elif name == 'triangle':
            corners = [(0.0, -1.15), (1.0, 0.6), (-1.0, 0.6)]
        else:  # diamond
            corners = [(0.0, -1.15), (1.15, 0.0), (0.0, 1.15), (-1.15, 0.0)]
        poly = np.array([(cx + x * r, cy + y * r) for x, y in corners], np.int32)
        cv2.fillConvexPoly(img, poly, color, line_type, shift)
