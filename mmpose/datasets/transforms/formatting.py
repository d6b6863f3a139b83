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
    box ``area`` used by OKS) and, in training, ``keypoint_weights`` (K,) with either
    ``heatmaps`` (K, H, W) or their windows (``heatmap_windows`` (K, 4), ``heatmap_centers``
    (K, 2), ``heatmap_spec`` (w, h, sigma)) to be drawn on the device.
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
        elif 'heatmap_windows' in results:  # drawn on the device (GenerateTarget(on_device))
            sample['heatmap_windows'] = torch.from_numpy(results['heatmap_windows'])
            sample['heatmap_centers'] = torch.from_numpy(results['heatmap_centers'])
            sample['heatmap_spec'] = results['heatmap_spec']
        if 'keypoint_weights' in results:
            sample['keypoint_weights'] = torch.from_numpy(results['keypoint_weights'])
        return dict(inputs=inputs, data_samples=sample)
