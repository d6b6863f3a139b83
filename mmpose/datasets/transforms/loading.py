"""Image loading, optionally at reduced resolution.

When a person box is much larger than the network input, most decoded pixels are thrown away
by the warp. JPEG can be decoded directly at 1/2, 1/4 or 1/8 resolution (libjpeg's scaled
inverse DCT), which is several times cheaper; :class:`TopdownAffine` then maps from the
reduced image exactly: reduced pixel ``i`` covers original pixels ``f*i .. f*i+f-1``, centred at
``f*i + (f-1)/2``.
"""
from __future__ import annotations

import os.path as osp
import struct
from collections.abc import Sequence

import cv2
import numpy as np

from mmpose.registry import TRANSFORMS

_REDUCED = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
            8: cv2.IMREAD_REDUCED_COLOR_8}
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_size(path: str) -> tuple[int, int] | None:
    """(height, width) from a JPEG's frame header without decoding; None if not a JPEG."""
    with open(path, 'rb') as f:
        if f.read(2) != b'\xff\xd8':
            return None
        while True:
            marker = f.read(2)
            if len(marker) < 2 or marker[0] != 0xFF:
                return None
            if marker[1] in _SOF:
                f.read(3)  # segment length, sample precision
                h, w = struct.unpack('>HH', f.read(4))
                return h, w
            (length,) = struct.unpack('>H', f.read(2))
            f.seek(length - 2, 1)


@TRANSFORMS.register_module()
class LoadImage:
    """Decode ``results['img_path']`` into ``results['img']`` (RGB uint8).

    ``results['img_shape']`` is always the full-resolution (H, W); ``results['img_reduction']``
    the decoding factor f (1, 2, 4 or 8). An image already in ``results['img']`` is taken as BGR.

    Args:
        input_size: Network input (w, h). With it, JPEGs are decoded at the largest reduction
            that still leaves at least one source pixel per input pixel for the box.
        min_zoom: Smallest box scale factor the later augmentation may apply (e.g. 0.5 for
            a scale factor of 0.5), so zooming in never meets an under-resolved image.
        max_reduction: Largest reduction factor (1 disables reduced decoding).
    """

    def __init__(self, input_size: Sequence[int] | None = None, min_zoom: float = 1.0,
                 max_reduction: int = 8) -> None:
        if max_reduction not in (1, 2, 4, 8):
            raise ValueError(f'max_reduction must be 1, 2, 4 or 8, got {max_reduction}')
        self.input_size = None if input_size is None else tuple(input_size)
        self.min_zoom = min_zoom
        self.max_reduction = max_reduction

    def _reduction(self, results: dict) -> int:
        if self.input_size is None or self.max_reduction == 1 or 'scale' not in results:
            return 1
        # source pixels per input pixel, after the strongest zoom-in of the augmentation
        ratio = float(results['scale'][0]) * 200. * self.min_zoom / self.input_size[0]
        f = 1
        while f * 2 <= min(ratio, self.max_reduction):
            f *= 2
        return f

    def __call__(self, results: dict) -> dict:
        f = 1
        if 'img' in results:
            img = cv2.cvtColor(results['img'], cv2.COLOR_BGR2RGB)
            shape = img.shape[:2]
        else:
            path = results['img_path']
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f"image not found: {path!r} (record img_id={results.get('img_id')}, "
                    f"dataset {results.get('dataset_name')!r}); check img_prefix")
            f = self._reduction(results)
            shape = jpeg_size(path) if f > 1 else None
            if shape is None:
                f = 1
            img = cv2.imread(path, _REDUCED[f] if f > 1 else cv2.IMREAD_COLOR)
            if img is None:
                raise ValueError(f'cannot decode image {path!r} (corrupt or not an image)')
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
            shape = shape or img.shape[:2]
        results['img'] = np.ascontiguousarray(img)
        results['img_shape'] = tuple(shape)
        results['img_reduction'] = f
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(input_size={self.input_size}, min_zoom={self.min_zoom}, '
                f'max_reduction={self.max_reduction})')
