"""The abstract writer every native format implements, and shared file helpers."""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path

import cv2
import numpy as np

from ..metainfo import get_metainfo
from .layout import get_layout
from .scene import SceneConfig

JPEG_QUALITY = 90


class SyntheticWriter(ABC):
    """Renders images one at a time and writes one native annotation format.

    Subclasses implement :meth:`add` (render image ``index`` from ``rng``, save it, keep its
    records) and :meth:`finish` (write the annotation files).

    Args:
        fmt: Format name, a key of :data:`~.layout.LAYOUTS`.
        root: Dataset root (``data/<name>``).
        split: ``'train'``, ``'val'`` or ``'test'``.
        image_size: (W, H) of the images.
    """

    scene_cfg = SceneConfig()

    def __init__(self, fmt: str, root: str | Path, split: str,
                 image_size: tuple[int, int]) -> None:
        self.fmt = fmt
        self.layout = get_layout(fmt)
        self.meta = get_metainfo(self.layout.dataset)
        self.split = split
        self.image_size = (int(image_size[0]), int(image_size[1]))
        self.paths = self.layout.paths(root, split)

    @abstractmethod
    def add(self, index: int, rng: np.random.Generator) -> None:
        """Render, save and record image number ``index``."""

    @abstractmethod
    def finish(self) -> dict[str, Path]:
        """Write the annotation files; return every path written, by role."""

    def image_id(self, index: int) -> int:
        return self.layout.id_offset + index + 1

    def save_image(self, image: np.ndarray, **name_fields) -> str:
        """Save a BGR image as JPEG under the image folder; return its file name there."""
        name = self.layout.image_name.format(**name_fields)
        path = self.paths['images'] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        ok, buf = cv2.imencode('.jpg', image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        assert ok, 'JPEG encoding failed'
        path.write_bytes(buf.tobytes())
        return name


def dump_json(obj, path: Path) -> Path:
    """Write JSON deterministically (same object -> same bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj))
    return path


def box_xywh(box: np.ndarray, as_int: bool = False) -> list:
    """A [x, y, w, h] box as JSON numbers: ints grown outwards, or floats to 0.01 px."""
    if as_int:
        x0, y0 = np.floor(box[:2])
        x1, y1 = np.ceil(box[:2] + box[2:])
        return [int(x0), int(y0), int(x1 - x0), int(y1 - y0)]
    return [round(float(v), 2) for v in box]
