"""Packing a sample for the model: uint8 CHW image tensor plus a metadata dict."""
from __future__ import annotations

import numpy as np
import torch

from mmpose.registry import TRANSFORMS

from .encoded_jpeg import EncodedJpeg
from .topdown_transforms import PIXEL_STD

META_KEYS = ('img_path', 'img_id', 'bbox_id', 'bbox_score', 'center', 'scale', 'category_id',
             'dataset_name', 'flip_indices', 'id', 'bbox', 'gt_keypoints', 'gt_keypoints_visible')


@TRANSFORMS.register_module()
class PackPoseInputs:
    """Output ``dict(inputs=uint8 (3, H, W) tensor, data_samples=dict)``.

    Normalisation happens on the device in the data preprocessor, so batches travel as uint8.
    The sample dict carries the metadata the model and metrics need (``META_KEYS`` plus the
    box ``area`` used by OKS) and, in training, ``heatmaps`` (K, H, W) and ``keypoint_weights``
    (K,) as tensors.
    """

    def __call__(self, results: dict) -> dict:
        img = results['img']
        if isinstance(img, EncodedJpeg):  # a pipeline without a warp: the whole image
            img = img.decode()
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = {k: results[k] for k in META_KEYS if k in results}
        sample['area'] = float(np.prod(results['scale'] * PIXEL_STD))
        if 'heatmaps' in results:
            sample['heatmaps'] = torch.from_numpy(results['heatmaps'])
            sample['keypoint_weights'] = torch.from_numpy(results['keypoint_weights'])
        return dict(inputs=inputs, data_samples=sample)
