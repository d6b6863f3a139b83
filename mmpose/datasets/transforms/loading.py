"""Image loading."""
from __future__ import annotations

import os.path as osp

import cv2
import numpy as np

from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadImage:
    """Decode ``results['img_path']`` into ``results['img']`` (H, W, 3) uint8 RGB.

    An image already in ``results['img']`` is taken as BGR (OpenCV convention) and converted.
    """

    def __call__(self, results: dict) -> dict:
        if 'img' in results:
            img = cv2.cvtColor(results['img'], cv2.COLOR_BGR2RGB)
        else:
            path = results['img_path']
            img = cv2.imread(path, cv2.IMREAD_COLOR)
            if img is None:
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f"image not found: {path!r} (record img_id={results.get('img_id')}, "
                        f"dataset {results.get('dataset_name')!r}); check img_prefix")
                raise ValueError(f'cannot decode image {path!r} (corrupt or not an image)')
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        results['img'] = np.ascontiguousarray(img)
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}()'
