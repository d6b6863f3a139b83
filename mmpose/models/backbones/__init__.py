"""Backbones: the ViTPose ViT and its ViTPose+ mixture-of-experts variant."""
from ..layers import resize_pos_embed
from .vision_transformer import VisionTransformer
from .vit_moe import ViTMoE

__all__ = ['VisionTransformer', 'ViTMoE', 'resize_pos_embed']
