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
import time

import numpy as np
import torch
from _model_bench import PRECISIONS, autocast, build_original, load_config, model_bench_parser

from mmpose.checkpoint.io import atomic_write_json
from mmpose.datasets.metainfo import get_metainfo
from mmpose.registry import MODELS
from mmpose.structures import flip_heatmaps, transform_preds
from mmpose.utils.flops import count_flops, peak_tflops, utilisation


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
    args = model_bench_parser(__doc__).parse_args()
    cfg = load_config(args)
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

    def run(fn, dtype):
        total = 0.
        out = None
        for step in range(args.steps + 1):  # step 0 warms up
            if args.device.startswith('cuda'):
                torch.cuda.synchronize()
            t = time.perf_counter()
            inputs = model.data_preprocessor(dict(inputs=x, data_samples=samples))['inputs']
            with autocast(args.device, dtype):
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
            PRECISIONS[args.original_amp])
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
        atomic_write_json(out, args.json)


if __name__ == '__main__':
    main()
