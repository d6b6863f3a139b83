"""Image loading: JPEGs stay encoded until the crop warp, other images are decoded here."""
from __future__ import annotations

import os.path as osp

import cv2
import numpy as np

from mmpose.registry import TRANSFORMS

from .encoded_jpeg import EncodedJpeg


@TRANSFORMS.register_module()
class LoadImage:
    """Put the image of ``results['img_path']`` into ``results['img']``.

    A JPEG (without EXIF rotation) becomes an :class:`EncodedJpeg`, which
    :class:`TopdownAffine` decodes region-wise at the resolution its warp needs; anything else
    is decoded whole (RGB uint8). ``results['img_shape']`` is the full-resolution (H, W) either
    way. An image already in ``results['img']`` (an array) is taken as BGR.

    Args:
        max_reduction: Largest JPEG decoding reduction (1, 2, 4 or 8) the warp may use when the
            crop has at least that many source pixels per input pixel. 1 keeps crops
            identical to warping the fully decoded image (the test-time default).
        defer_decoding: Keep JPEGs encoded for region decoding. False decodes every image
            whole here (the straightforward path; transforms that need the full image array
            before the warp require it).
    """

    def __init__(self, max_reduction: int = 1, defer_decoding: bool = True) -> None:
        if max_reduction not in (1, 2, 4, 8):
            raise ValueError(f'max_reduction must be 1, 2, 4 or 8, got {max_reduction}')
        self.max_reduction = max_reduction
        self.defer_decoding = defer_decoding

    def __call__(self, results: dict) -> dict:
        if isinstance(results.get('img'), np.ndarray):
            img = cv2.cvtColor(results['img'], cv2.COLOR_BGR2RGB)
        else:
            path = results['img_path']
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f"image not found: {path!r} (record img_id={results.get('img_id')}, "
                    f"dataset {results.get('dataset_name')!r}); check img_prefix")
            jpeg = EncodedJpeg.from_file(path, self.max_reduction) \
                if self.defer_decoding else None
            if jpeg is not None:
                results['img'] = jpeg
                results['img_shape'] = jpeg.shape
                return results
            img = cv2.imread(path, cv2.IMREAD_COLOR)
            if img is None:
                raise ValueError(f'cannot decode image {path!r} (corrupt or not an image)')
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(max_reduction={self.max_reduction}, '
                f'defer_decoding={self.defer_decoding})')
