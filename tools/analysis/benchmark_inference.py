"""Inference throughput of a config, with and without flip test: this package's path (original
and mirrored crops in one forward pass, SDPA attention) against the original's formulation (two
passes, explicit attention, numpy decoding).

    python tools/analysis/benchmark_inference.py CONFIG [--batch 32] [--steps 5]
        [--device cuda] [--amp bf16] [--json out.json] [--cfg-options ...]

Both produce the same keypoints (checked); images/s printed side by side with the ratio.
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


def set_fused_attention(model, fused: bool) -> None:
    for module in model.modules():
        if hasattr(module, 'fused'):
            module.fused = fused


@torch.no_grad()
def two_pass_predict(model, inputs, samples):
    """The original's flip test: backbone + head on the images, again on the mirrored images."""
    names = [s['dataset_name'] for s in samples]
    expert = model._expert_idx(names, inputs.device)
    name = names[0]
    hm = model.heads[name](model.backbone(inputs, expert))
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
    p.add_argument('--amp', choices=['none', 'bf16'], default='none')
    p.add_argument('--json')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = p.parse_args()
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    model = MODELS.build(dict(cfg.model, pretrained=None, multihead_pretrained=None))
    model = model.to(args.device).eval()
    name = model.datasets[0]
    h, w = cfg.model.backbone.img_size
    samples = [dict(dataset_name=name, flip_indices=get_metainfo(name).flip_indices,
                    center=np.array([w / 2, h / 2], np.float32),
                    scale=np.array([w / 200, h / 200], np.float32), img_id=i, bbox_id=0,
                    bbox_score=1., area=1.) for i in range(args.batch)]
    x = torch.randint(0, 256, (args.batch, 3, h, w), dtype=torch.uint8)
    dtype = torch.bfloat16 if args.amp == 'bf16' else None

    def run(fn):
        total = 0.
        out = None
        for step in range(args.steps + 1):
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

    res = {}
    model.test_cfg['flip_test'] = True
    res['batched_flip'], fast = run(lambda i: model(i, samples, mode='predict'))
    set_fused_attention(model, False)
    res['two_pass_flip'], slow = run(lambda i: two_pass_predict(model, i, samples))
    set_fused_attention(model, True)
    model.test_cfg['flip_test'] = False
    res['no_flip'], _ = run(lambda i: model(i, samples, mode='predict'))
    # explicit vs fused attention differ in float rounding only
    diff = np.abs(np.stack([f['pred_keypoints'] for f in fast]) - slow).max()
    out = dict(config=args.config, batch=args.batch, device=args.device, amp=args.amp,
               images_per_s=res, ratio_batched_over_two_pass=res['batched_flip'] /
               res['two_pass_flip'], max_keypoint_difference_px=float(diff))
    for k, v in res.items():
        print(f'{k:<14} {v:8.2f} images/s')
    print(f"batched flip / two-pass flip: {out['ratio_batched_over_two_pass']:.2f}x "
          f'(max keypoint difference {diff:.2e} px)')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
