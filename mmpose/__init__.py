"""mmpose: multi-dataset 2D keypoint estimation (ViTPose, ViTPose+, PoseBH) on mmengine."""
from . import checkpoint  # noqa: F401  (atomic checkpoint backend, weights_only allow-list)
from .version import __version__

__all__ = ['__version__']
