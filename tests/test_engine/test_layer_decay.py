"""Layer-wise lr decay: groups, rates, weight-decay exclusions, strict paramwise_cfg."""
import pytest
from torch import nn

from mmpose.engine.optim import LayerDecayOptimWrapperConstructor, get_layer_id
from mmpose.registry import MODELS


def test_layer_ids():
    assert get_layer_id('backbone.pos_embed', 12) == 0
    assert get_layer_id('backbone.patch_embed.proj.weight', 12) == 0
    assert get_layer_id('backbone.blocks.0.attn.qkv.weight', 12) == 1
    assert get_layer_id('backbone.blocks.11.mlp.fc2.bias', 12) == 12
    assert get_layer_id('backbone.last_norm.weight', 12) == 13
    assert get_layer_id('heads.coco.final_layer.weight', 12) == 13


def _model():
    return MODELS.build(dict(type='TopDown', backbone=dict(type='ViT', img_size=(64, 48),
                                                              embed_dim=32, depth=2, num_heads=4),
                             keypoint_head=dict(type='HeatmapHead', in_channels=32,
                                                num_deconv_filters=(8, 8))))


def test_groups_and_rates():
    model = _model()
    model.heads['coco'].final_layer.bias.requires_grad_(False)
    ctor = LayerDecayOptimWrapperConstructor(
        dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1.0, weight_decay=0.1)),
        dict(num_layers=2, layer_decay_rate=0.5))
    opt = ctor(model).optimizer
    seen = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for g in opt.param_groups:
        for p in g['params']:
            seen[names[id(p)]] = (g['lr'], g['weight_decay'])
    assert seen['backbone.pos_embed'] == (0.5 ** 3, 0.)
    assert seen['backbone.patch_embed.proj.weight'] == (0.5 ** 3, 0.1)
    assert seen['backbone.blocks.1.attn.qkv.weight'] == (0.5, 0.1)
    assert seen['backbone.blocks.1.norm1.weight'] == (0.5, 0.)
    assert seen['heads.coco.final_layer.weight'] == (1.0, 0.1)
    assert 'heads.coco.final_layer.bias' not in seen  # frozen at build: left out


def test_unknown_paramwise_keys_fail_loudly():
    cfg = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1.0))
    with pytest.raises(ValueError, match=r"unknown \['custom_keys'\]"):
        LayerDecayOptimWrapperConstructor(cfg, dict(num_layers=2, layer_decay_rate=0.5,
                                                    custom_keys={'bias': dict(decay_multi=0.)}))
    with pytest.raises(ValueError, match='missing'):
        LayerDecayOptimWrapperConstructor(cfg, dict(num_layers=2))
    assert nn  # noqa
