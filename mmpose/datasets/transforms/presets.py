"""The standard top-down pipelines as one configurable transform each.

Configs of every dataset use the same sequence of steps with a few dataset-specific switches
(UDP or classic warp and targets, half-body or not). Writing it once here keeps configs short
and lets any knob be overridden from the command line, e.g.
``--cfg-options train_dataloader.dataset.pipeline.0.rot_factor=30``. A config can always list
the individual transforms instead.
"""
from __future__ import annotations

from collections.abc import Sequence

from mmpose.registry import TRANSFORMS

from .formatting import PackPoseInputs
from .loading import LoadImage
from .target import GenerateTarget
from .topdown_transforms import (
    TopdownAffine,
    TopdownHalfBody,
    TopdownRandomFlip,
    TopdownRandomScaleRotation,
    TopdownRandomShiftCenter,
)


class _Sequence:
    def __init__(self, steps: list) -> None:
        self.steps = steps

    def __call__(self, results: dict) -> dict:
        for step in self.steps:
            results = step(results)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.steps})'


@TRANSFORMS.register_module()
class TopdownTrainPipeline(_Sequence):
    """Load → random centre shift → flip → half-body → scale/rotation → warp → targets → pack.

    Args:
        input_size: Network input (w, h).
        heatmap_size: Heatmap (w, h).
        udp: UDP warp and UDP Gaussian targets; otherwise classic warp and MSRA targets.
        sigma: Gaussian sigma of the targets (heatmap pixels).
        flip_prob: Horizontal flip probability.
        half_body: Use the half-body crop (``prob_half_body`` 0.3, more than 8 visible joints).
        rot_factor: Rotation factor (degrees).
        rot_prob: Probability of rotating.
        scale_factor: Scale factor.
        shift_prob: Probability of the random centre shift (factor 0.2 of the box).
        use_dataset_keypoint_weights: Weight targets by the dataset's joint weights.
        reduced_decode: Decode JPEGs at 1/2, 1/4 or 1/8 resolution when the final crop
            leaves at least that many source pixels per input pixel (see
            :class:`EncodedJpeg`). Either way only the region the crop reads is decoded.
        defer_decoding: Keep JPEGs encoded until the warp (region decoding); False decodes
            whole images first, the straightforward way (same crops, slower).
        targets_on_device: Ship each keypoint's Gaussian window instead of its heatmap; the
            data preprocessor draws the same heatmaps on the accelerator.
    """

    def __init__(self, input_size: Sequence[int] = (192, 256),
                 heatmap_size: Sequence[int] = (48, 64), udp: bool = True, sigma: float = 2.,
                 flip_prob: float = 0.5, half_body: bool = True, rot_factor: float = 40.,
                 rot_prob: float = 0.6, scale_factor: float = 0.5, shift_prob: float = 0.3,
                 use_dataset_keypoint_weights: bool = False, reduced_decode: bool = True,
                 defer_decoding: bool = True, targets_on_device: bool = True) -> None:
        codec = dict(type='UDPHeatmap' if udp else 'MSRAHeatmap', input_size=tuple(input_size),
                     heatmap_size=tuple(heatmap_size), sigma=sigma)
        load = LoadImage(8 if reduced_decode else 1, defer_decoding)
        steps = [load, TopdownRandomShiftCenter(0.2, shift_prob),
                 TopdownRandomFlip(flip_prob)]
        if half_body:
            steps.append(TopdownHalfBody(input_size, min_keypoints=8, prob=0.3))
        steps += [TopdownRandomScaleRotation(rot_factor, scale_factor, rot_prob),
                  TopdownAffine(input_size, use_udp=udp),
                  GenerateTarget(codec, use_dataset_keypoint_weights, targets_on_device),
                  PackPoseInputs()]
        super().__init__(steps)


@TRANSFORMS.register_module()
class TopdownTestPipeline(_Sequence):
    """Load → warp → pack. Deterministic. JPEGs are decoded region-wise at full resolution by
    default, which gives the same crops as decoding the whole image; ``reduced_decode=True``
    trades that for speed on large boxes; ``defer_decoding=False`` decodes whole images."""

    def __init__(self, input_size: Sequence[int] = (192, 256), udp: bool = True,
                 reduced_decode: bool = False, defer_decoding: bool = True) -> None:
        load = LoadImage(8 if reduced_decode else 1, defer_decoding)
        super().__init__([load, TopdownAffine(input_size, use_udp=udp), PackPoseInputs()])
