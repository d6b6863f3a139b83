import pytest
import torch
from torch import nn

import mmpose.models.heads as heads
from mmpose.models.heads import HeatmapHead, KptProtoHead, TopdownHeatmapSimpleHead
from mmpose.registry import MODELS

K = 5
# Tiny config of every registered head class; a new head must add one here.
TINY_CONFIGS = {
    HeatmapHead: dict(in_channels=16, out_channels=K, num_deconv_filters=(8, 8)),
    TopdownHeatmapSimpleHead: dict(in_channels=16, out_channels=K, num_deconv_layers=1,
                                   num_deconv_filters=(8, ), num_deconv_kernels=(4, ),
                                   extra=dict(final_conv_kernel=3)),
    # forward = the pixel embedding (K channels here); losses: test_kpt_proto_head.py
    KptProtoHead: dict(in_channels=16, datasets=('a', 'b'), num_keypoints=(3, 4), out_channels=K,
                       channels=8, num_deconv_filters=(8, 8), cp_size=4),
}


def _registered_heads():
    return sorted((name, cls) for name, cls in MODELS.module_dict.items()
                  if cls.__module__.startswith(heads.__name__ + '.'))


REGISTERED = [name for name, _ in _registered_heads()]


def test_every_registered_head_has_a_tiny_config():
    assert {'HeatmapHead', 'TopdownHeatmapSimpleHead'} <= set(REGISTERED)
    missing = {cls for _, cls in _registered_heads()} - set(TINY_CONFIGS)
    assert not missing, f'add a tiny config for {missing}'


@pytest.mark.parametrize('name', REGISTERED)
def test_forward_shape_and_every_param_gets_grad(name):
    torch.manual_seed(0)
    head = MODELS.build(dict(TINY_CONFIGS[MODELS.get(name)], type=name)).train()
    out = head(torch.randn(4, 16, 4, 3))
    num_deconv = sum(isinstance(m, nn.ConvTranspose2d) for m in head.modules())
    assert out.shape == (4, K, 4 * 2**num_deconv, 3 * 2**num_deconv)
    assert torch.isfinite(out).all()
    (out * torch.randn_like(out)).sum().backward()
    no_grad = [n for n, p in head.named_parameters()
               if p.grad is None or torch.count_nonzero(p.grad) == 0]
    assert not no_grad, f'parameters without gradient: {no_grad}'


def _bn(prefix, ch):
    return {f'{prefix}.{k}': (ch, ) for k in ('weight', 'bias', 'running_mean', 'running_var')
            } | {f'{prefix}.num_batches_tracked': ()}


def test_vitpose_classic_decoder_layout_and_shape():
    head = HeatmapHead(768, 17)
    shapes = {k: tuple(v.shape) for k, v in head.state_dict().items()}
    assert shapes == {
        'deconv_layers.0.weight': (768, 256, 4, 4),
        **_bn('deconv_layers.1', 256),
        'deconv_layers.3.weight': (256, 256, 4, 4),
        **_bn('deconv_layers.4', 256),
        'final_layer.weight': (17, 256, 1, 1),
        'final_layer.bias': (17, ),
    }
    assert [type(m) for m in head.deconv_layers] == [nn.ConvTranspose2d, nn.BatchNorm2d,
                                                     nn.ReLU] * 2
    assert head.deconv_layers[0].bias is None
    assert head(torch.randn(2, 768, 16, 12)).shape == (2, 17, 64, 48)


def test_vitpose_simple_decoder():
    head = HeatmapHead(768, 17, num_deconv_layers=0, num_deconv_filters=(),
                       num_deconv_kernels=(), final_conv_kernel=3, upsample=4)
    assert isinstance(head.deconv_layers, nn.Identity)
    shapes = {k: tuple(v.shape) for k, v in head.state_dict().items()}
    assert shapes == {'final_layer.weight': (17, 768, 3, 3), 'final_layer.bias': (17, )}
    assert head.final_layer.padding == (1, 1)
    x = torch.randn(2, 768, 16, 12)
    assert head(x).shape == (2, 17, 64, 48)
    # relu before upsampling (ViTPose simple head)
    torch.testing.assert_close(head(x), head(x.clamp(min=0)))


def test_topdown_simple_head_0x_defaults():
    head = TopdownHeatmapSimpleHead(32, K)
    assert head(torch.randn(1, 32, 32, 32)).shape == (1, K, 256, 256)
    assert head.final_layer.padding == (0, 0)
    flat = TopdownHeatmapSimpleHead(32, K, num_deconv_layers=0, num_deconv_filters=(),
                                    num_deconv_kernels=(), extra=dict(final_conv_kernel=3))
    assert flat(torch.randn(1, 32, 32, 32)).shape == (1, K, 32, 32)
    assert flat.final_layer.padding == (1, 1) and flat.final_layer.in_channels == 32


@pytest.mark.parametrize('kernel', [2, 3, 4])
def test_deconv_kernels_double_resolution(kernel):
    head = HeatmapHead(8, K, num_deconv_layers=1, num_deconv_filters=(4, ),
                       num_deconv_kernels=(kernel, ))
    assert head(torch.randn(1, 8, 5, 7)).shape == (1, K, 10, 14)


def test_invalid_configs_are_rejected():
    with pytest.raises(ValueError, match='valid: \\[final_conv_kernel\\]'):
        TopdownHeatmapSimpleHead(8, K, extra=dict(num_conv_layers=1))
    with pytest.raises(ValueError, match='must equal the lengths'):
        HeatmapHead(8, K, num_deconv_layers=3)
    with pytest.raises(ValueError, match='kernel 5 not supported'):
        HeatmapHead(8, K, num_deconv_layers=1, num_deconv_filters=(4, ),
                    num_deconv_kernels=(5, ))
    with pytest.raises(ValueError, match='final_conv_kernel'):
        HeatmapHead(8, K, final_conv_kernel=2)


def test_init_weights_follow_0x():
    head = HeatmapHead(64, K)
    head.init_weights()
    assert abs(head.deconv_layers[0].weight.std().item() - .001) < .0002
    assert abs(head.final_layer.weight.std().item() - .001) < .0003
    assert torch.count_nonzero(head.final_layer.bias) == 0
    assert torch.all(head.deconv_layers[1].weight == 1)
    assert torch.count_nonzero(head.deconv_layers[1].bias) == 0
