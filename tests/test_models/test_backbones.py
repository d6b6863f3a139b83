import copy
import inspect

import pytest
import torch

import mmpose.models.backbones as backbones
from mmpose.models.backbones import VisionTransformer, ViTMoE
from mmpose.models.layers import Mlp, MoEMlp
from mmpose.registry import MODELS

NUM_EXPERTS = 3
IMG = (64, 48)  # 4x3 patch grid
_TINY_VIT = dict(img_size=IMG, embed_dim=64, depth=2, num_heads=4, drop_path_rate=0.1)

# Tiny config of every registered backbone class; a new backbone must add one here.
TINY_CONFIGS = {
    VisionTransformer: _TINY_VIT,
    ViTMoE: dict(_TINY_VIT, num_expert=NUM_EXPERTS, part_features=16),
}


def _registered_backbones():
    return sorted((name, cls) for name, cls in MODELS.module_dict.items()
                  if cls.__module__.startswith(backbones.__name__ + '.'))


def _build(name, **overrides):
    return MODELS.build(dict(TINY_CONFIGS[MODELS.get(name)], type=name, **overrides))


def _batch():
    torch.manual_seed(0)
    # every expert index appears, so a dead expert shows up as a missing gradient
    expert_idx = torch.arange(2 * NUM_EXPERTS) % NUM_EXPERTS
    return torch.randn(len(expert_idx), 3, *IMG), expert_idx


REGISTERED = [name for name, _ in _registered_backbones()]


def test_registry_names():
    assert {'VisionTransformer', 'ViT', 'ViTMoE'} <= set(REGISTERED)
    assert MODELS.get('ViT') is VisionTransformer
    missing = {cls.__name__ for _, cls in _registered_backbones()} - {
        cls.__name__ for cls in TINY_CONFIGS}
    assert not missing, f'add a tiny config for {missing}'


@pytest.mark.parametrize('name', REGISTERED)
def test_forward_shape_and_every_param_gets_grad(name):
    model = _build(name).train()
    x, expert_idx = _batch()
    out = model(x, expert_idx)
    assert out.shape == (len(x), 64, 4, 3)
    assert torch.isfinite(out).all()
    (out * torch.randn_like(out)).sum().backward()
    no_grad = [n for n, p in model.named_parameters()
               if p.grad is None or torch.count_nonzero(p.grad) == 0]
    assert not no_grad, f'parameters without gradient: {no_grad}'


@pytest.mark.parametrize('name', REGISTERED)
def test_grad_checkpointing_is_transparent(name):
    model = _build(name).train()
    ckpt_model = copy.deepcopy(model)
    ckpt_model.use_checkpoint = True
    x, expert_idx = _batch()
    results = []
    for m in (model, ckpt_model):
        torch.manual_seed(1)  # same drop-path masks; checkpoint replays the RNG state
        out = m(x, expert_idx)
        (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum().backward()
        results.append((out, {n: p.grad for n, p in m.named_parameters()}))
    (out, grads), (ckpt_out, ckpt_grads) = results
    torch.testing.assert_close(ckpt_out, out, atol=0, rtol=0)
    for n, g in grads.items():
        torch.testing.assert_close(ckpt_grads[n], g, atol=1e-6, rtol=1e-5, msg=n)


def test_vit_moe_requires_expert_idx():
    model = _build('ViTMoE')
    x, _ = _batch()
    with pytest.raises(ValueError, match='expert_idx'):
        model(x)
    with pytest.raises(ValueError, match=r'\[3\] out of range'):
        model(x, torch.full((len(x), ), NUM_EXPERTS))


def test_vit_moe_defaults_match_vision_transformer():
    vit = inspect.signature(VisionTransformer).parameters
    moe = inspect.signature(ViTMoE).parameters
    assert set(moe) - set(vit) == {'num_expert', 'part_features'}
    assert set(vit) - set(moe) == {'ffn_layer'}
    for name in set(moe) & set(vit):
        assert moe[name].default == vit[name].default, name


def test_wrong_input_size_is_reported():
    with pytest.raises(ValueError, match='img_size'):
        _build('ViT')(torch.randn(1, 3, 32, 48))


def test_drop_path_linspace_and_default_init():
    model = _build('ViT', depth=3, drop_path_rate=0.2)
    assert [b.drop_path.drop_prob for b in model.blocks] == pytest.approx([0., .1, .2])
    model.init_weights()
    block = model.blocks[0]
    assert torch.count_nonzero(block.attn.qkv.bias) == 0
    assert torch.all(block.norm1.weight == 1) and torch.all(model.last_norm.bias == 0)
    # timm/ViTPose trunc_normal_(std=.02) truncates at +-2 absolute, i.e. practically never
    assert abs(block.mlp.fc1.weight.std().item() - .02) < .002
    assert abs(model.pos_embed.std().item() - .02) < .005


def test_init_cfg_is_applied_after_default_init(tmp_path):
    source = _build('ViTMoE')
    torch.save(source.state_dict(), tmp_path / 'vit.pth')
    model = _build('ViTMoE', init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'vit.pth')))
    model.init_weights()
    for k, v in source.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k


@pytest.mark.parametrize('e', range(NUM_EXPERTS))
def test_vit_moe_equals_vit_with_expert_merged(e):
    """Exporting expert e (fc2 := rows-concat(fc2, experts[e])) gives a plain ViT."""
    moe = _build('ViTMoE').eval()
    vit = _build('ViT').eval()
    state = moe.state_dict()
    for i in range(len(moe.blocks)):
        for kind in ('weight', 'bias'):
            fc2 = f'blocks.{i}.mlp.fc2.{kind}'
            state[fc2] = torch.cat([state[fc2], state[f'blocks.{i}.mlp.experts.{e}.{kind}']])
    state = {k: v for k, v in state.items() if '.experts.' not in k}
    vit.load_state_dict(state, strict=True)
    x, _ = _batch()
    torch.testing.assert_close(
        moe(x, torch.full((len(x), ), e)), vit(x), atol=1e-5, rtol=1e-5)


def _appendix_a_layout(C, depth, num_experts=0, P=0):
    """Backbone keys and shapes of spec Appendix A (ViTPose / ViTPose+ checkpoints)."""
    layout = {
        'pos_embed': (1, 193, C),
        'patch_embed.proj.weight': (C, 3, 16, 16),
        'patch_embed.proj.bias': (C, ),
        'last_norm.weight': (C, ),
        'last_norm.bias': (C, ),
    }
    fc2_out = C - P if num_experts else C
    for i in range(depth):
        b = f'blocks.{i}.'
        layout.update({
            b + 'norm1.weight': (C, ), b + 'norm1.bias': (C, ),
            b + 'attn.qkv.weight': (3 * C, C), b + 'attn.qkv.bias': (3 * C, ),
            b + 'attn.proj.weight': (C, C), b + 'attn.proj.bias': (C, ),
            b + 'norm2.weight': (C, ), b + 'norm2.bias': (C, ),
            b + 'mlp.fc1.weight': (4 * C, C), b + 'mlp.fc1.bias': (4 * C, ),
            b + 'mlp.fc2.weight': (fc2_out, 4 * C), b + 'mlp.fc2.bias': (fc2_out, ),
        })
        for e in range(num_experts):
            layout[b + f'mlp.experts.{e}.weight'] = (P, 4 * C)
            layout[b + f'mlp.experts.{e}.bias'] = (P, )
    return layout


# (embed_dim, depth, num_heads, part_features) of ViT-B and ViT-H (spec §1.1)
SIZES = {'B': (768, 12, 12, 192), 'H': (1280, 32, 16, 320)}


@pytest.mark.parametrize('size', SIZES)
@pytest.mark.parametrize('moe', [False, True])
def test_state_dict_layout_matches_released_checkpoints(size, moe):
    C, depth, heads, P = SIZES[size]
    cfg = dict(img_size=(256, 192), embed_dim=C, depth=depth, num_heads=heads, qkv_bias=True)
    with torch.device('meta'):  # layout only; no memory or init time
        model = ViTMoE(6, P, **cfg) if moe else VisionTransformer(**cfg)
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert shapes == _appendix_a_layout(C, depth, 6 if moe else 0, P)
    assert isinstance(model.blocks[0].mlp, MoEMlp if moe else Mlp)
