"""ViTPose+ backbone: the :class:`VisionTransformer` with a mixture-of-experts FFN."""
from __future__ import annotations

from mmpose.registry import MODELS

from .vision_transformer import VisionTransformer


@MODELS.register_module()
class ViTMoE(VisionTransformer):
    """Translates the ViTPose+ arguments into ``ffn_layer=dict(type='MoEMlp', ...)``.

    ``forward(x, expert_idx)`` requires ``expert_idx`` (B,); ``MoEMlp`` raises ValueError
    without it. All other arguments are those of :class:`VisionTransformer` (keyword-only here;
    a test checks that the defaults agree).

    Args:
        num_expert: Number of experts E (6 in ViTPose+: one per training dataset).
        part_features: Expert output width P (192 for ViT-B, 320 for ViT-H).
    """

    def __init__(self, num_expert: int, part_features: int, *,
                 img_size: tuple[int, int] = (256, 192), patch_size: int = 16,
                 in_channels: int = 3, embed_dim: int = 768, depth: int = 12,
                 num_heads: int = 12, mlp_ratio: float = 4., qkv_bias: bool = True,
                 drop_rate: float = 0., attn_drop_rate: float = 0., drop_path_rate: float = 0.,
                 ratio: int = 1, use_checkpoint: bool = False, channels_last: bool = False,
                 last_norm: bool = True,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(
            img_size=img_size, patch_size=patch_size, in_channels=in_channels,
            embed_dim=embed_dim, depth=depth, num_heads=num_heads, mlp_ratio=mlp_ratio,
            qkv_bias=qkv_bias, drop_rate=drop_rate, attn_drop_rate=attn_drop_rate,
            drop_path_rate=drop_path_rate, ratio=ratio, use_checkpoint=use_checkpoint,
            channels_last=channels_last, last_norm=last_norm, init_cfg=init_cfg,
            ffn_layer=dict(type='MoEMlp', num_experts=num_expert, part_features=part_features))
