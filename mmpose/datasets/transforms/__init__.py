"""Data transforms (registered in ``mmpose.registry.TRANSFORMS``)."""
from .encoded_jpeg import EncodedJpeg, region_decoding_available
from .formatting import PackPoseInputs
from .loading import LoadImage
from .presets import TopdownTestPipeline, TopdownTrainPipeline
from .target import GenerateTarget
from .topdown_transforms import (
    TopdownAffine,
    TopdownHalfBody,
    TopdownRandomFlip,
    TopdownRandomScaleRotation,
    TopdownRandomShiftCenter,
)

__all__ = ['EncodedJpeg', 'region_decoding_available', 'LoadImage', 'TopdownRandomShiftCenter',
           'TopdownRandomFlip', 'TopdownHalfBody', 'TopdownRandomScaleRotation', 'TopdownAffine',
           'GenerateTarget', 'PackPoseInputs', 'TopdownTrainPipeline', 'TopdownTestPipeline']
