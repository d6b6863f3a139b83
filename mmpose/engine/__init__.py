"""Training-loop extensions: optimizer constructors and hooks."""
from . import hooks  # noqa: F401
from .optim import LayerDecayOptimWrapperConstructor, get_layer_id

__all__ = ['LayerDecayOptimWrapperConstructor', 'get_layer_id']
