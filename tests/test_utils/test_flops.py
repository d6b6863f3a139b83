"""Model FLOPs for the benchmarks' MFU: counted on the real step, equal to the analytic count."""
import pytest
import torch

from mmpose.models.backbones import VisionTransformer
from mmpose.utils.flops import count_flops, peak_tflops, utilisation


def test_vit_forward_flops_match_the_formula():
    n, c, depth, r = 12, 32, 2, 4  # 64x48 image / 16 px patches = 12 tokens
    vit = VisionTransformer(img_size=(64, 48), embed_dim=c, depth=depth, num_heads=4,
                            mlp_ratio=r).eval()
    x = torch.randn(3, 3, 64, 48)
    with torch.no_grad():
        flops = count_flops(lambda: vit(x))
    per_block = 2 * (n * c * 3 * c + n * c * c + 2 * n * c * r * c) + 2 * 2 * n * n * c
    expected = 3 * (2 * n * c * 3 * 16 * 16 + depth * per_block)  # batch 3, MAC = 2 FLOPs
    assert flops == expected


def test_attention_backward_counted_on_cpu():
    q, k, v = (torch.randn(2, 4, 12, 8, requires_grad=True) for _ in range(3))
    fwd = count_flops(lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v))
    assert fwd == 2 * 2 * (2 * 4 * 12 * 12 * 8)  # QK^T and AV
    both = count_flops(
        lambda: torch.nn.functional.scaled_dot_product_attention(q, k, v).sum().backward())
    assert both == fwd * 3.5  # PyTorch's formula: backward recomputes QK^T (5 matmuls)


def test_backward_counts_twice_the_forward():
    lin = torch.nn.Linear(64, 32)
    x = torch.randn(10, 64, requires_grad=True)
    fwd = count_flops(lambda: lin(x))
    assert fwd == 2 * 10 * 64 * 32
    assert count_flops(lambda: lin(x).sum().backward()) == 3 * fwd


def test_utilisation():
    assert peak_tflops('cpu') is None
    u = utilisation(100e9, 2000., 800.)
    assert u['achieved_tflops'] == pytest.approx(200.) and u['mfu'] == pytest.approx(0.25)
    assert utilisation(1e9, 1., None)['mfu'] is None
