"""Draw a test run's keypoint predictions on their images, one PNG per image.

    python tools/test.py CONFIG CHECKPOINT --out preds.json
    python tools/visualize.py --pred preds.json \
        --ann data/coco/annotations/person_keypoints_val2017.json \
        --img-prefix data/coco/val2017/ --dataset coco --out-dir vis/ --max-images 20

``--pred`` is the COCO keypoint results file (``image_id``, ``keypoints`` as flat
``[x, y, score] * K``, ``score``); COCO-WholeBody results (split into ``foot_kpts``,
``face_kpts``, ... fields) are joined back in the metric's part order.
"""
import argparse
import os.path as osp
from collections import defaultdict

import cv2
import numpy as np

from mmpose.checkpoint import atomic_write_bytes
from mmpose.datasets.base_topdown_dataset import load_json
from mmpose.datasets.metainfo import DatasetMeta, available_metainfo, get_metainfo
from mmpose.evaluation.metrics.coco_wholebody_metric import CocoWholeBodyMetric
from mmpose.utils import run_cli
from mmpose.visualization import draw_keypoints

# result fields holding keypoints, in the order they concatenate to the dataset's keypoints
_FIELDS = tuple(field for _, _, field, _ in CocoWholeBodyMetric.PARTS)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--pred', required=True, help='keypoint results (tools/test.py --out)')
    p.add_argument('--ann', required=True, help='COCO-style annotation file (image file names)')
    p.add_argument('--img-prefix', required=True, help='folder of the images')
    p.add_argument('--dataset', default='coco', help='keypoint definition (metainfo name)')
    p.add_argument('--out-dir', required=True, help='where the PNGs go')
    p.add_argument('--max-images', type=int, default=20, help='draw at most this many images')
    p.add_argument('--score-thr', type=float, default=0.3, help='draw keypoints above this score')
    p.add_argument('--pose-score-thr', type=float, default=0.0,
                   help='skip poses whose score is below this')
    return p.parse_args()


def group_poses(preds: list, meta: DatasetMeta, pose_score_thr: float) -> dict[int, np.ndarray]:
    """Poses (M, K, 3) as (x, y, score) per image id."""
    grouped: dict[int, list] = defaultdict(list)
    k = meta.num_keypoints
    for i, entry in enumerate(preds):
        if not isinstance(entry, dict) or 'image_id' not in entry or 'keypoints' not in entry:
            raise ValueError(f'--pred entry {i} is not a keypoint result (needs image_id and '
                             'keypoints); is this the file written by tools/test.py --out?')
        if entry.get('score', 1.0) < pose_score_thr:
            continue
        flat = sum((list(entry[f]) for f in _FIELDS if f in entry), [])
        if len(flat) != 3 * k:
            raise ValueError(f'--pred entry {i} has {len(flat) // 3} keypoints but --dataset '
                             f'{meta.name!r} has {k}; pass the dataset the results are of')
        grouped[int(entry['image_id'])].append(np.asarray(flat, np.float32).reshape(k, 3))
    return {img_id: np.stack(poses) for img_id, poses in grouped.items()}


def main() -> None:
    args = parse_args()
    if args.dataset not in available_metainfo():
        raise ValueError(f'unknown --dataset {args.dataset!r}; known: {available_metainfo()}')
    meta = get_metainfo(args.dataset)
    preds = load_json(args.pred, 'predictions file')
    if not isinstance(preds, list):
        raise ValueError(f'{args.pred!r} must hold a list of keypoint results')
    ann = load_json(args.ann, 'annotation file')
    if not isinstance(ann, dict) or 'images' not in ann:
        raise ValueError(f'{args.ann!r} is not a COCO-style annotation file (no "images")')
    poses = group_poses(preds, meta, args.pose_score_thr)
    images = [im for im in ann['images'] if im['id'] in poses][:max(args.max_images, 0)]
    missing = sorted(set(poses) - {im['id'] for im in ann['images']})
    if missing:
        raise ValueError(f'{len(missing)} predicted image ids are not in {args.ann!r} '
                         f'(first: {missing[:5]}); is it the annotation file of the test run?')
    for im in images:
        path = osp.join(args.img_prefix, im['file_name'])
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            raise FileNotFoundError(f'image not found or unreadable: {path!r}; check --img-prefix')
        rgb = draw_keypoints(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), poses[im['id']][..., :2],
                             poses[im['id']][..., 2], meta, score_thr=args.score_thr)
        ok, buf = cv2.imencode('.png', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        out = osp.join(args.out_dir, osp.splitext(osp.basename(im['file_name']))[0] + '.png')
        atomic_write_bytes(buf.tobytes(), out)
    print(f'{len(images)} images ({sum(len(poses[im["id"]]) for im in images)} poses) '
          f'-> {args.out_dir}')


if __name__ == '__main__':
    run_cli(main)
