"""Models: layers, backbones, heads, losses, estimators and the data preprocessor."""
from . import backbones, heads, layers, losses  # noqa: F401  (register modules)
from .data_preprocessor import PoseDataPreprocessor
from .estimators import MultiDatasetTopdown

__all__ = ['PoseDataPreprocessor', 'MultiDatasetTopdown']
