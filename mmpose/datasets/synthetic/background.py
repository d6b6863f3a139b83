"""Random image backgrounds and occluders in muted colours.

Everything here has low saturation so that the saturated keypoint markers of the figures stay
the only strongly coloured things in an image: the variety is in texture, not in colour.
"""
from __future__ import annotations

import cv2
import numpy as np

BACKGROUND_STYLES = ('gradient', 'blobs', 'shapes', 'stripes')


def muted_color(rng: np.random.Generator, max_saturation: int = 80) -> tuple[int, int, int]:
    """A random BGR colour with HSV saturation <= ``max_saturation`` (of 255)."""
    hsv = np.array([[[rng.integers(0, 180), rng.integers(0, max_saturation + 1),
                      rng.integers(50, 236)]]], np.uint8)
    return tuple(int(c) for c in cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0])


def draw_background(rng: np.random.Generator, width: int, height: int) -> tuple[np.ndarray, int]:
    """A (H, W, 3) uint8 BGR background and its 1-based style id (see ``BACKGROUND_STYLES``)."""
    style = int(rng.integers(len(BACKGROUND_STYLES)))
    name = BACKGROUND_STYLES[style]
    if name == 'gradient':
        a, b = np.array(muted_color(rng), float), np.array(muted_color(rng), float)
        angle = rng.uniform(0, 2 * np.pi)
        yy, xx = np.mgrid[0:height, 0:width]
        t = xx * np.cos(angle) + yy * np.sin(angle)
        t = (t - t.min()) / max(np.ptp(t), 1.0)
        img = a * (1 - t[..., None]) + b * t[..., None]
    elif name == 'blobs':
        gh, gw = rng.integers(2, 6, size=2)
        grid = np.array([[muted_color(rng) for _ in range(gw)] for _ in range(gh)], np.uint8)
        img = cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC).astype(float)
    elif name == 'shapes':
        img = np.empty((height, width, 3), np.uint8)
        img[:] = muted_color(rng)
        for _ in range(rng.integers(4, 14)):
            _random_shape(img, rng)
        img = img.astype(float)
    else:  # stripes
        img = np.empty((height, width, 3), np.uint8)
        img[:] = muted_color(rng)
        period = int(rng.integers(8, 40))
        other = muted_color(rng)
        for x in range(int(rng.integers(0, period)), width + height, period):
            cv2.line(img, (x, 0), (x - height, height), other, max(1, period // 3))
        img = img.astype(float)
    img += rng.normal(0.0, rng.uniform(2.0, 10.0), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), style + 1


def _random_shape(img: np.ndarray, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    color = muted_color(rng)
    x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
    size = int(rng.integers(max(2, min(h, w) // 20), max(3, min(h, w) // 3)))
    kind = rng.integers(4)
    if kind == 0:
        cv2.circle(img, (x, y), size, color, -1, cv2.LINE_AA)
    elif kind == 1:
        cv2.rectangle(img, (x, y), (x + size, y + int(size * rng.uniform(0.3, 2))), color, -1)
    elif kind == 2:
        end = (x + int(rng.integers(-w, w) // 2), y + int(rng.integers(-h, h) // 2))
        cv2.line(img, (x, y), end, color, int(rng.integers(1, 6)), cv2.LINE_AA)
    else:
        pts = np.stack([x + rng.integers(-size, size + 1, 5), y + rng.integers(-size, size + 1, 5)],
                       1).astype(np.int32)
        cv2.fillPoly(img, [cv2.convexHull(pts)], color, cv2.LINE_AA)


def draw_occluder(img: np.ndarray, idmap: np.ndarray, rng: np.random.Generator,
                  center: tuple[float, float], size: tuple[float, float]) -> None:
    """An opaque rectangle (flat colour or noise texture), also written as 255 into ``idmap``."""
    h, w = img.shape[:2]
    x0 = int(np.clip(center[0] - size[0] / 2, 0, w - 1))
    y0 = int(np.clip(center[1] - size[1] / 2, 0, h - 1))
    x1 = int(np.clip(center[0] + size[0] / 2, x0 + 1, w))
    y1 = int(np.clip(center[1] + size[1] / 2, y0 + 1, h))
    patch = np.empty((y1 - y0, x1 - x0, 3), float)
    patch[:] = muted_color(rng, max_saturation=60)
    if rng.random() < 0.5:
        patch += rng.normal(0.0, 25.0, patch.shape[:2])[..., None]
    img[y0:y1, x0:x1] = np.clip(patch, 0, 255).astype(np.uint8)
    idmap[y0:y1, x0:x1] = 255
