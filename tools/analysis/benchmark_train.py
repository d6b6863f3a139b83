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
import time

import torch
from _model_bench import PRECISIONS, autocast, build_original, load_config, model_bench_parser
from mmengine.config import Config

from mmpose.checkpoint.io import atomic_write_json
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
    p = model_bench_parser(__doc__)
    p.add_argument('--warmup', type=int, default=1)
    args = p.parse_args()
    if args.warmup < 1:
        p.error('--warmup must be >= 1 (the first step counts FLOPs and is not timed)')
    cfg = load_config(args)
    if cfg.model.get('compile_backbone') and args.warmup < 2:
        p.error('--warmup must be >= 2 with model.compile_backbone (step 0 counts FLOPs, '
                'step 1 compiles)')
    return args, cfg


def main() -> None:
    args, cfg = parse_args()
    fast = MODELS.build(dict(cfg.model, routing='grouped', pretrained=None,
                             multihead_pretrained=None))
    fast = fast.to(args.device).train()
    models = dict(grouped=fast, dense=build_original(cfg, fast, args.device))
    img_hw = tuple(cfg.model.backbone.img_size)
    opts = {k: torch.optim.AdamW(m.parameters(), lr=1e-4, fused=k == 'grouped' or None,
                                 foreach=False if k == 'dense' else None)
            for k, m in models.items()}
    dtypes = dict(grouped=PRECISIONS[args.amp], dense=PRECISIONS[args.original_amp])
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
                with autocast(args.device, dtype):
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
        atomic_write_json(out, args.json)


if __name__ == '__main__':
    main()
