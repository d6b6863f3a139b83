"""Training target generation through a keypoint codec."""
from __future__ import annotations

import numpy as np

from mmpose.registry import KEYPOINT_CODECS, TRANSFORMS


@TRANSFORMS.register_module()
class GenerateTarget:
    """Encode the warped keypoints into heatmaps and per-keypoint weights.

    Args:
        encoder: Codec config, e.g. ``dict(type='UDPHeatmap', input_size=(192, 256),
            heatmap_size=(48, 64), sigma=2)``.
        use_dataset_keypoint_weights: Multiply the weights by the dataset's joint weights.
    """

    def __init__(self, encoder: dict, use_dataset_keypoint_weights: bool = False) -> None:
        self.encoder = KEYPOINT_CODECS.build(encoder)
        self.use_dataset_keypoint_weights = use_dataset_keypoint_weights

    def __call__(self, results: dict) -> dict:
        enc = self.encoder.encode(results['keypoints'], results['keypoints_visible'])
        weights = enc['keypoint_weights']
        if self.use_dataset_keypoint_weights:
            weights = weights * np.asarray(results['joint_weights'], np.float32)
        results['heatmaps'] = enc['heatmaps']
        results['keypoint_weights'] = weights.astype(np.float32)
        return results
