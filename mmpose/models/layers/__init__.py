"""Building blocks of the backbones: attention, FFNs (plain and mixture of experts), etc."""
from .attention import Attention
from .drop_path import DropPath, drop_path
from .mlp import Mlp
from .moe_mlp import MoEMlp
from .patch_embed import PatchEmbed
from .pos_embed import resize_pos_embed
from .transformer_block import Block

__all__ = [
    'Attention', 'Block', 'DropPath', 'Mlp', 'MoEMlp', 'PatchEmbed', 'drop_path',
    'resize_pos_embed'
]
