"""What the training and inference benchmarks share: their command line, the precision table,
autocast, and the model in the original's formulation."""
import argparse

import torch
from mmengine.config import Config, DictAction

from mmpose.registry import MODELS

PRECISIONS = {'none': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}


def model_bench_parser(doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--amp', choices=list(PRECISIONS), default='none',
                   help="this package's precision")
    p.add_argument('--original-amp', choices=list(PRECISIONS), default='none',
                   help="the original formulation's precision")
    p.add_argument('--peak-tflops', type=float,
                   help='device peak (dense bf16) for MFU; known GPUs are looked up by name')
    p.add_argument('--json', help='write the figures here')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    return p


def load_config(args: argparse.Namespace) -> Config:
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    return cfg


def autocast(device: str, dtype: torch.dtype | None):
    """``torch.autocast`` to ``dtype`` on ``device``'s type; a no-op context for None."""
    return torch.autocast(device.split(':')[0], dtype=dtype or torch.float32,
                          enabled=dtype is not None)


def build_original(cfg: Config, model, device: str):
    """``model``'s weights in the original's formulation: every expert and every head on
    every sample (dense routing), explicit attention, none of the speed switches."""
    original = MODELS.build(dict(cfg.model, routing='dense', pretrained=None,
                                 multihead_pretrained=None, channels_last=False,
                                 compile_backbone=False))
    original.load_state_dict(model.state_dict())
    for module in original.modules():
        if hasattr(module, 'fused'):
            module.fused = False
    return original.to(device).train(model.training)
