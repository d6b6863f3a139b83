"""High-level inference API: build a model from a config and estimate poses in images."""
from .inference import inference_topdown, init_model

__all__ = ['init_model', 'inference_topdown']
