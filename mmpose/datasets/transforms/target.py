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
        on_device: Ship each keypoint's Gaussian window (``heatmap_windows``,
            ``heatmap_centers``, ``heatmap_spec``) instead of the (K, H, W) maps; the data
            preprocessor draws the same maps on the accelerator. Windowed codecs only (UDP,
            MSRA without DARK).
    """

    def __init__(self, encoder: dict, use_dataset_keypoint_weights: bool = False,
                 on_device: bool = False) -> None:
        self.encoder = KEYPOINT_CODECS.build(encoder)
        self.use_dataset_keypoint_weights = use_dataset_keypoint_weights
        self.on_device = on_device
        if on_device and not hasattr(self.encoder, 'encode_windows'):
            raise ValueError(f'{type(self.encoder).__name__} cannot draw its targets on the '
                             f'device; set on_device=False')

    def __call__(self, results: dict) -> dict:
        kpts, vis = results['keypoints'], results['keypoints_visible']
        if self.on_device:
            enc = self.encoder.encode_windows(kpts, vis)
            results['heatmap_windows'] = enc['heatmap_windows']
            results['heatmap_centers'] = enc['heatmap_centers']
            results['heatmap_spec'] = (*self.encoder.heatmap_size, self.encoder.sigma)
        else:
            enc = self.encoder.encode(kpts, vis)
            results['heatmaps'] = enc['heatmaps']
        weights = enc['keypoint_weights']
        if self.use_dataset_keypoint_weights:
            weights = weights * np.asarray(results['joint_weights'], np.float32)
        results['keypoint_weights'] = weights.astype(np.float32)
        return results
