"""Training-step throughput of a config: this package's step against the original's
formulation, side by side.

    python tools/analysis/benchmark_train.py CONFIG [--batch 32] [--steps 5] [--json out.json]
        [--cfg-options ...] [--device cuda] [--amp bf16] [--original-amp fp16]

Fast: grouped experts and heads (each on its own samples), SDPA attention, fused AdamW, plus
whatever the config or ``--cfg-options`` switch on (``model.channels_last=True``,
``model.compile_backbone=True``, ``model.backbone.use_checkpoint=True``) in the precision of
``--amp``. Original formulation (``dense``): every expert and every head on the whole batch
with masking, explicit attention, for-loop AdamW, in the precision of ``--original-amp``
(fp32 by default; the original's fp16 configs trained with autocast fp16 on the GPU). Both
start from the same weights and see the same batches (a mix of all the config's datasets,
random images and targets), alternating, so machine noise hits both alike. Prints images/s of
each and their ratio; peak memory of each on CUDA.
"""
import argparse
import json
import time

import torch
from mmengine.config import Config, DictAction

from mmpose.registry import MODELS
from mmpose.utils.flops import count_flops, peak_tflops, utilisation


def make_batch(model, batch: int, img_hw: tuple, device: str, seed: int) -> dict:
    from mmpose.datasets.metainfo import get_metainfo
    g = torch.Generator().manual_seed(seed)
    names = [model.datasets[i % len(model.datasets)] for i in range(batch)]
    hm = (img_hw[0] // 4, img_hw[1] // 4)
    samples = [dict(dataset_name=n, flip_indices=get_metainfo(n).flip_indices) for n in names]
    targets = {}
    for n in model.datasets:
        idx = [i for i, m in enumerate(names) if m == n]
        k = model.num_keypoints[n]
        targets[n] = dict(index=torch.tensor(idx, dtype=torch.long, device=device),
                          heatmaps=torch.rand(len(idx), k, *hm, generator=g).to(device),
                          keypoint_weights=torch.ones(len(idx), k, device=device))
    inputs = torch.randint(0, 256, (batch, 3, *img_hw), dtype=torch.uint8, generator=g)
    return dict(inputs=inputs.to(device), data_samples=samples, targets=targets)


def parse_args() -> tuple[argparse.Namespace, Config]:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--amp', choices=['none', 'bf16', 'fp16'], default='none')
    p.add_argument('--original-amp', choices=['none', 'bf16', 'fp16'], default='none')
    p.add_argument('--peak-tflops', type=float,
                   help='device peak (dense bf16) for MFU; known GPUs are looked up by name')
    p.add_argument('--json', help='write the figures here')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = p.parse_args()
    if args.warmup < 1:
        p.error('--warmup must be >= 1 (the first step counts FLOPs and is not timed)')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    if cfg.model.get('compile_backbone') and args.warmup < 2:
        p.error('--warmup must be >= 2 with model.compile_backbone (step 0 counts FLOPs, '
                'step 1 compiles)')
    return args, cfg


def build_models(cfg: Config, device: str) -> dict:
    """``grouped``: the config as given; ``dense``: the same weights in the original's
    formulation (dense routing, explicit attention, no speed switches)."""
    models = {}
    for routing in ('grouped', 'dense'):
        extra = {} if routing == 'grouped' else dict(channels_last=False, compile_backbone=False)
        m = MODELS.build(dict(cfg.model, routing=routing, pretrained=None,
                              multihead_pretrained=None, **extra)).to(device)
        if models:
            m.load_state_dict(models['grouped'].state_dict())
            for module in m.modules():  # the original's explicit attention
                if hasattr(module, 'fused'):
                    module.fused = False
        models[routing] = m.train()
    return models


def main() -> None:
    args, cfg = parse_args()
    models = build_models(cfg, args.device)
    img_hw = tuple(cfg.model.backbone.img_size)
    opts = {k: torch.optim.AdamW(m.parameters(), lr=1e-4, fused=k == 'grouped' or None,
                                 foreach=False if k == 'dense' else None)
            for k, m in models.items()}
    dtypes = {'grouped': args.amp, 'dense': args.original_amp}
    dtypes = {k: {'bf16': torch.bfloat16, 'fp16': torch.float16}.get(v) for k, v in dtypes.items()}
    times = {k: 0. for k in models}
    peak = {}
    for step in range(args.warmup + args.steps):
        data = make_batch(models['grouped'], args.batch, img_hw, args.device, step)
        for k, m in models.items():
            batch = m.data_preprocessor(dict(data), True)
            dtype = dtypes[k]
            if args.device.startswith('cuda'):
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            t = time.perf_counter()

            def step_fn(m=m, batch=batch, dtype=dtype):
                with torch.autocast(args.device.split(':')[0], dtype=dtype or torch.float32,
                                    enabled=dtype is not None):
                    loss = sum(m(**batch, mode='loss').values())
                loss.backward()

            if step == 0 and k == 'grouped':  # model FLOPs of a step, counted once (warm-up)
                flops_per_image = count_flops(torch.compiler.disable(step_fn)) / args.batch
                # code run under the FLOP counter is marked "skip" by dynamo: forget that, so
                # that a compiled backbone compiles at the next (untimed) warm-up step
                torch._dynamo.reset()
            else:
                step_fn()
            opts[k].step()
            opts[k].zero_grad(set_to_none=True)
            if args.device.startswith('cuda'):
                torch.cuda.synchronize()
            if step >= args.warmup:
                times[k] += time.perf_counter() - t
            if args.device.startswith('cuda'):
                peak[k] = max(peak.get(k, 0.), torch.cuda.max_memory_allocated() / 2**30)
    ips = {k: args.batch * args.steps / v for k, v in times.items()}
    out = dict(config=args.config, batch=args.batch, steps=args.steps, device=args.device,
               amp=args.amp, original_amp=args.original_amp, images_per_s=ips,
               ratio_grouped_over_dense=ips['grouped'] / ips['dense'])
    if peak:
        out['peak_memory_gb'] = peak
    if cfg.model.get('compile_backbone'):  # proof that the timed steps ran compiled code
        from torch._dynamo.utils import counters
        out['compiled_graphs'] = int(counters['stats']['unique_graphs'])
        print(f"compiled backbone: {out['compiled_graphs']} graphs")
    out['fast_utilisation'] = utilisation(flops_per_image, ips['grouped'],
                                          args.peak_tflops or peak_tflops(args.device))
    for k, v in ips.items():
        mem = f'  peak {peak[k]:.1f} GiB' if k in peak else ''
        print(f'{k:<8} {v:8.2f} images/s{mem}')
    print(f"grouped / dense: {out['ratio_grouped_over_dense']:.2f}x")
    u = out['fast_utilisation']
    mfu = f", MFU {u['mfu']:.1%}" if u['mfu'] is not None else ''
    print(f"model FLOPs {u['gflop_per_image']:.1f} GFLOP/image (forward + backward); "
          f"grouped path {u['achieved_tflops']:.3f} TFLOP/s{mfu}")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
