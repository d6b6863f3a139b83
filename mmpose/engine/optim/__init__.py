from .layer_decay import LayerDecayOptimWrapperConstructor, get_layer_id, is_no_decay

__all__ = ['LayerDecayOptimWrapperConstructor', 'get_layer_id', 'is_no_decay']
