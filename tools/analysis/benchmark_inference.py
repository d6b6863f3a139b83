"""Inference throughput of a config, with and without flip test: this package's path (original
and mirrored crops in one forward pass, SDPA attention, only the sample's expert, decoding on the
device) against the original's formulation (two passes, explicit attention, every expert on
every sample, numpy decoding).

    python tools/analysis/benchmark_inference.py CONFIG [--batch 32] [--steps 5]
        [--device cuda] [--amp bf16] [--original-amp fp16] [--json out.json] [--cfg-options ...]

``--amp`` sets the precision of this package's path, ``--original-amp`` that of the original's
(fp32 by default; its fp16 configs ran autocast fp16 on the GPU). In the same precision both
produce the same keypoints up to float rounding (the largest difference is printed).
"""
import argparse
import json
import time

import numpy as np
import torch
from mmengine.config import Config, DictAction

from mmpose.datasets.metainfo import get_metainfo
from mmpose.registry import MODELS
from mmpose.structures import flip_heatmaps, transform_preds
from mmpose.utils.flops import count_flops, peak_tflops, utilisation


def build_original(cfg, model, device: str):
    """The same weights in the original's formulation: explicit attention, every expert on
    every sample, none of the speed switches."""
    original = MODELS.build(dict(cfg.model, pretrained=None, multihead_pretrained=None,
                                 channels_last=False, compile_backbone=False))
    original.load_state_dict(model.state_dict())
    for module in original.modules():
        if hasattr(module, 'fused'):
            module.fused = False
        if hasattr(module, 'dense'):
            module.dense = True
    return original.to(device).eval()


@torch.no_grad()
def original_predict(model, inputs, samples, flip: bool):
    """The original's test step: backbone + head, for the flip test again on the mirrored images
    (a second pass), heatmaps decoded with numpy on the host."""
    names = [s['dataset_name'] for s in samples]
    expert = model._expert_idx(names, inputs.device)
    name = names[0]
    hm = model.heads[name](model.backbone(inputs, expert))
    if flip:
        hm_f = model.heads[name](model.backbone(inputs.flip(-1), expert))
        hm = (hm + flip_heatmaps(hm_f, samples[0]['flip_indices'])) * 0.5
    coords, scores = model._decoder.decode(hm.float().cpu().numpy())
    centers = np.stack([s['center'] for s in samples])
    scales = np.stack([s['scale'] for s in samples])
    return transform_preds(coords, centers, scales, hm.shape[-1:-3:-1],
                           use_udp=model.test_cfg['use_udp'])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--amp', choices=['none', 'bf16', 'fp16'], default='none')
    p.add_argument('--original-amp', choices=['none', 'bf16', 'fp16'], default='none')
    p.add_argument('--peak-tflops', type=float,
                   help='device peak (dense bf16) for MFU; known GPUs are looked up by name')
    p.add_argument('--json')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = p.parse_args()
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    model = MODELS.build(dict(cfg.model, pretrained=None, multihead_pretrained=None))
    model = model.to(args.device).eval()
    original = build_original(cfg, model, args.device)
    name = model.datasets[0]
    h, w = cfg.model.backbone.img_size
    samples = [dict(dataset_name=name, flip_indices=get_metainfo(name).flip_indices,
                    center=np.array([w / 2, h / 2], np.float32),
                    scale=np.array([w / 200, h / 200], np.float32), img_id=i, bbox_id=0,
                    bbox_score=1., area=1.) for i in range(args.batch)]
    x = torch.randint(0, 256, (args.batch, 3, h, w), dtype=torch.uint8)
    dtypes = {'none': None, 'bf16': torch.bfloat16, 'fp16': torch.float16}

    def run(fn, dtype):
        total = 0.
        out = None
        for step in range(args.steps + 1):  # step 0 warms up
            if args.device.startswith('cuda'):
                torch.cuda.synchronize()
            t = time.perf_counter()
            inputs = model.data_preprocessor(dict(inputs=x, data_samples=samples))['inputs']
            with torch.autocast(args.device.split(':')[0], dtype=dtype or torch.float32,
                                enabled=dtype is not None):
                out = fn(inputs)
            if args.device.startswith('cuda'):
                torch.cuda.synchronize()
            if step:
                total += time.perf_counter() - t
        return args.batch * args.steps / total, out

    # model FLOPs per image, counted eagerly before anything is timed; code run under the
    # counter is marked "skip" by dynamo, so forget that before a compiled backbone compiles
    inputs = model.data_preprocessor(dict(inputs=x, data_samples=samples))['inputs']
    flops = {}
    for flip in (True, False):
        model.test_cfg['flip_test'] = flip
        predict = torch.compiler.disable(lambda: model(inputs, samples, mode='predict'))
        flops['flip' if flip else 'no_flip'] = count_flops(predict) / args.batch
    torch._dynamo.reset()
    # this package's path: the precision switch users set (model.test_cfg.amp_dtype)
    model.test_cfg['amp_dtype'] = {'bf16': 'bfloat16', 'fp16': 'float16'}.get(args.amp)
    res, preds = {}, {}
    for flip in (True, False):
        key = 'flip' if flip else 'no_flip'
        model.test_cfg['flip_test'] = flip
        res[f'{key}_fast'], fast = run(lambda i: model(i, samples, mode='predict'), None)
        res[f'{key}_original'], slow = run(
            lambda i, f=flip: original_predict(original, i, samples, f),
            dtypes[args.original_amp])
        preds[key] = np.abs(np.stack([f['pred_keypoints'] for f in fast]) - slow).max()
    ratios = {k: res[f'{k}_fast'] / res[f'{k}_original'] for k in ('flip', 'no_flip')}
    peak = args.peak_tflops or peak_tflops(args.device)
    diff = float(max(preds.values()))
    out = dict(config=args.config, batch=args.batch, device=args.device, amp=args.amp,
               original_amp=args.original_amp,
               images_per_s=res, ratio_fast_over_original=ratios,
               fast_utilisation={k: utilisation(flops[k], res[f'{k}_fast'], peak) for k in flops},
               max_keypoint_difference_px=diff)
    for k, v in res.items():
        print(f'{k:<18} {v:8.2f} images/s')
    for k, v in ratios.items():
        print(f'fast / original ({k}): {v:.2f}x')
    for k, u in out['fast_utilisation'].items():
        mfu = f", MFU {u['mfu']:.1%}" if u['mfu'] is not None else ''
        print(f"fast path ({k}): {u['gflop_per_image']:.1f} GFLOP/image, "
              f"{u['achieved_tflops']:.3f} TFLOP/s{mfu}")
    print(f'max keypoint difference between the two: {diff:.2e} px'
          + (' (different precisions: not comparable with untrained weights)'
             if args.amp != args.original_amp else ''))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
