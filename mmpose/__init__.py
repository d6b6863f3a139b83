"""mmpose: multi-dataset 2D keypoint estimation (ViTPose, ViTPose+, PoseBH) on mmengine."""
from .version import __version__

__all__ = ['__version__']
