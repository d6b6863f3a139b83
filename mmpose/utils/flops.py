"""Model FLOPs and model-FLOPs utilisation (MFU) for the benchmarks.

FLOPs are counted by PyTorch's dispatcher-level counter (matmuls, convolutions, SDPA; a
multiply-add counts as two), on the actual step, so routed experts and per-dataset heads count
what they compute. MFU = achieved model FLOP/s over the device's peak dense bf16 FLOP/s.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
from torch.utils.flop_counter import (
    FlopCounterMode,
    flop_registry,
    register_flop_formula,
    sdpa_backward_flop_count,
    sdpa_flop_count,
)

# Dense bf16 tensor-core peaks (vendor figures, TFLOP/s), by device-name substring.
_PEAK_BF16_TFLOPS = {'H200': 989., 'H100 SXM': 989., 'H100 PCIe': 756., 'H100': 989.,
                     'A100': 312., 'L40S': 362., 'A10G': 70.}


# PyTorch counts the CUDA attention kernels but not the CPU one: register the same formulas
_CPU_SDPA = getattr(torch.ops.aten, '_scaled_dot_product_flash_attention_for_cpu', None)
if _CPU_SDPA is not None and _CPU_SDPA not in flop_registry:
    @register_flop_formula(_CPU_SDPA)
    def _cpu_sdpa_flops(query, key, value, *args, out_shape=None, **kwargs) -> int:
        return sdpa_flop_count(query, key, value)

    @register_flop_formula(torch.ops.aten._scaled_dot_product_flash_attention_for_cpu_backward)
    def _cpu_sdpa_backward_flops(grad_out, query, key, value, *args, out_shape=None,
                                 **kwargs) -> int:
        return sdpa_backward_flop_count(grad_out, query, key, value)


def count_flops(fn: Callable[[], object]) -> int:
    """FLOPs of running ``fn()`` once (forward, and backward if ``fn`` runs it)."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def peak_tflops(device: str) -> float | None:
    """Peak dense bf16 TFLOP/s of a CUDA device from its name; None when unknown (or CPU)."""
    if not device.startswith('cuda') or not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name(torch.device(device))
    return next((v for k, v in _PEAK_BF16_TFLOPS.items() if k in name), None)


def utilisation(flops_per_image: float, images_per_s: float, peak: float | None) -> dict:
    """Achieved TFLOP/s and MFU (None without a known peak)."""
    achieved = flops_per_image * images_per_s / 1e12
    return dict(gflop_per_image=flops_per_image / 1e9, achieved_tflops=achieved,
                mfu=achieved / peak if peak else None)
