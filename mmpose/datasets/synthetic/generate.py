"""``generate_dataset``: write a synthetic dataset in one native format."""
from __future__ import annotations

import logging
import zlib
from pathlib import Path

import numpy as np

from .coco_style import CocoStyleWriter
from .interhand import InterHandWriter
from .layout import FORMATS, SPLITS
from .mpii import MpiiWriter
from .writer import SyntheticWriter

logger = logging.getLogger(__name__)

_WRITERS: dict[str, type[SyntheticWriter]] = {
    'coco': CocoStyleWriter, 'coco_wholebody': CocoStyleWriter, 'aic': CocoStyleWriter,
    'crowdpose': CocoStyleWriter, 'ochuman': CocoStyleWriter, 'ap10k': CocoStyleWriter,
    'apt36k': CocoStyleWriter, 'pw3d': CocoStyleWriter, 'mpii': MpiiWriter,
    'interhand2d': InterHandWriter,
}
assert set(_WRITERS) == set(FORMATS)


def generate_dataset(format: str, out_dir: str | Path, num_images: int = 16,
                     split: str = 'val', seed: int = 0,
                     image_size: tuple[int, int] = (256, 192)) -> dict[str, Path]:
    """Render ``num_images`` images of stick figures and write them in a native format.

    Image ``i`` depends only on (``seed``, ``split``, ``format``, ``i``), so the same call
    always writes the same bytes, and a different seed or split gives different data.

    Args:
        format: One of :data:`~.layout.FORMATS` (``'coco'``, ``'mpii'``, ...).
        out_dir: Dataset root, e.g. ``data/coco``; the format's standard layout goes below it.
        num_images: Number of images.
        split: ``'train'``, ``'val'`` or ``'test'``.
        seed: Random seed.
        image_size: (W, H) of the images.

    Returns:
        The paths written, by role: ``'annotation'`` (or InterHand's ``'data'``, ``'camera'``,
        ``'joint_3d'``), ``'images'`` (the image folder), and where the format has them
        ``'detections'`` and ``'gt_mat'``.
    """
    if format not in _WRITERS:
        raise KeyError(f'unknown synthetic format {format!r}; known: {list(FORMATS)}')
    if split not in SPLITS:
        raise ValueError(f'unknown split {split!r}; known: {list(SPLITS)}')
    if num_images < 1:
        raise ValueError(f'num_images must be >= 1, got {num_images}')
    writer = _WRITERS[format](format, out_dir, split, image_size)
    salt = [zlib.crc32(split.encode()), zlib.crc32(format.encode())]
    for index in range(num_images):
        writer.add(index, np.random.default_rng([seed, *salt, index]))
    paths = writer.finish()
    logger.info('synthetic %s/%s: %d images -> %s', format, split, num_images, out_dir)
    return paths
