"""Evaluation time for N detection boxes: rescoring + OKS-NMS + results file + COCO AP.

    python tools/analysis/benchmark_eval.py [--images 5000] [--boxes 100000] [--json out.json]

Builds a COCO-val-sized synthetic problem (ground truth and noisy predictions with several
overlapping boxes per person), then times (1) the package's vectorised OKS-NMS against the
straightforward mmpose 0.x per-pair loop on the same inputs, and (2) the whole ``CocoMetric``
(NMS, writing the results JSON, xtcocotools evaluation). Single process.
"""
import argparse
import json
import os
import tempfile
import time

import numpy as np

from mmpose.checkpoint.io import atomic_write_json
from mmpose.datasets.metainfo import get_metainfo
from mmpose.evaluation import CocoMetric, oks_nms_arrays


def oks_nms_reference(kpts: np.ndarray, scores: np.ndarray, areas: np.ndarray, thr: float,
                      sigmas: np.ndarray) -> list[int]:
    """mmpose 0.x ``oks_nms``: one ``oks_iou`` call (a Python loop over poses) per pick."""
    variances = (sigmas * 2)**2
    order = scores.argsort()[::-1]
    keep = []
    while len(order) > 0:
        i = order[0]
        keep.append(i)
        ious = np.zeros(len(order) - 1, dtype=np.float32)
        for n, j in enumerate(order[1:]):
            d2 = ((kpts[j] - kpts[i])**2).sum(-1)
            e = d2 / variances / ((areas[i] + areas[j]) / 2 + np.spacing(1)) / 2
            ious[n] = np.exp(-e).mean()
        order = order[np.where(ious <= thr)[0] + 1]
    return keep


def make_problem(num_images: int, num_boxes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    images, anns, preds = [], [], []
    persons = rng.integers(1, 3, num_images)
    per_box = max(1, num_boxes // int(persons.sum()))
    for img_id in range(1, num_images + 1):
        images.append(dict(id=img_id, file_name=f'{img_id:012d}.jpg', width=640, height=480))
        for _ in range(persons[img_id - 1]):
            w, h = rng.uniform(60, 300, 2)
            x, y = rng.uniform(0, 640 - w), rng.uniform(0, 480 - h)
            kp = np.stack([rng.uniform(x, x + w, 17), rng.uniform(y, y + h, 17)], -1)
            vis = rng.integers(1, 3, 17)
            anns.append(dict(id=len(anns) + 1, image_id=img_id, category_id=1, iscrowd=0,
                             bbox=[x, y, w, h], area=w * h, num_keypoints=17,
                             keypoints=np.concatenate([kp, vis[:, None]], 1).ravel().tolist()))
            for _ in range(per_box):
                noise = rng.normal(0, rng.uniform(1, 15), (17, 2))
                preds.append(dict(img_id=img_id, bbox_id=len(preds), pred_keypoints=kp + noise,
                                  pred_scores=rng.uniform(0.1, 1, 17),
                                  bbox_score=rng.uniform(0.3, 1), area=w * h * 1.5))
    gt = dict(images=images, annotations=anns,
              categories=[dict(id=1, name='person', keypoints=[], skeleton=[])])
    return gt, preds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--images', type=int, default=5000)
    p.add_argument('--boxes', type=int, default=100000)
    p.add_argument('--json', help='write the figures here')
    args = p.parse_args()
    gt, preds = make_problem(args.images, args.boxes)
    sigmas = get_metainfo('coco').sigmas
    by_img = {}
    for r in preds:
        by_img.setdefault(r['img_id'], []).append(r)
    t = time.perf_counter()
    for rs in by_img.values():
        oks_nms_arrays(np.stack([r['pred_keypoints'] for r in rs]),
                       np.array([r['bbox_score'] for r in rs]),
                       np.array([r['area'] for r in rs]), 0.9, sigmas)
    fast = time.perf_counter() - t
    sample = list(by_img.values())[:max(1, len(by_img) // 10)]  # the loop is slow: 10 %
    t = time.perf_counter()
    for rs in sample:
        oks_nms_reference(np.stack([r['pred_keypoints'] for r in rs]),
                          np.array([r['bbox_score'] for r in rs]),
                          np.array([r['area'] for r in rs]), 0.9, sigmas)
    ref = (time.perf_counter() - t) * len(by_img) / len(sample)
    with tempfile.TemporaryDirectory() as tmp:
        ann = os.path.join(tmp, 'gt.json')
        with open(ann, 'w') as f:
            json.dump(gt, f)
        metric = CocoMetric(ann_file=ann, metainfo='coco', outfile_prefix=os.path.join(tmp, 'r'))
        t = time.perf_counter()
        metric.process(None, preds)
        stats = metric.compute_metrics(metric.results)
        total = time.perf_counter() - t
    out = dict(images=args.images, boxes=len(preds), nms_vectorised_s=fast,
               nms_reference_s_estimated=ref, nms_speedup=ref / fast, metric_total_s=total,
               AP=stats['AP'])
    print(f"boxes {len(preds)} on {args.images} images")
    print(f'OKS-NMS: vectorised {fast:.2f} s, mmpose 0.x loop ~{ref:.2f} s '
          f'(estimated from 10 %): {ref / fast:.1f}x')
    print(f"CocoMetric end to end (NMS + results file + xtcocotools): {total:.1f} s, "
          f"AP {stats['AP']:.3f}")
    if args.json:
        atomic_write_json(out, args.json)


if __name__ == '__main__':
    main()
