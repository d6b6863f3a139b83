"""Top-down pose estimation on one image, with given boxes (or the whole image as one box).

    python demo/top_down_img_demo.py --config configs/demo/vitpose_tiny_synthetic_coco.py \
        --checkpoint work_dirs/vitpose_tiny_synthetic_coco/epoch_30.pth --img person.jpg \
        --bboxes boxes.json --out-img vis.png --out-json preds.json

``--bboxes`` is a JSON file (or an inline JSON string) holding a list of boxes: ``[x1, y1, x2,
y2]`` (``--bbox-format xyxy``, default) or COCO ``[x, y, w, h]`` (``--bbox-format xywh``); a
list of COCO-style dicts with a ``bbox`` key (detection results) is read as ``xywh``.
"""
import argparse
import json
import logging
import os.path as osp

import cv2
import numpy as np

from mmpose.apis import inference_topdown, init_model
from mmpose.checkpoint import atomic_write_bytes
from mmpose.datasets.metainfo import get_metainfo
from mmpose.utils import run_cli
from mmpose.visualization import draw_bboxes, draw_keypoints

IMAGE_EXTS = ('.png', '.jpg', '.jpeg')
logger = logging.getLogger('top_down_img_demo')


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', required=True, help='model config')
    p.add_argument('--checkpoint', required=True, help='model checkpoint')
    p.add_argument('--img', required=True, help='input image')
    p.add_argument('--bboxes', help='JSON file or inline JSON list of boxes (default: the '
                                    'whole image)')
    p.add_argument('--bbox-format', choices=('xyxy', 'xywh'), default='xyxy')
    p.add_argument('--dataset', help="keypoint set / head to use (default: the model's first)")
    p.add_argument('--out-img', help='drawn image (.png / .jpg)')
    p.add_argument('--out-json', help='keypoints and scores (JSON)')
    p.add_argument('--device', default='cpu', help='e.g. cpu, cuda, cuda:1')
    p.add_argument('--score-thr', type=float, default=0.3, help='draw keypoints above this score')
    return p.parse_args()


def read_bboxes(arg: str, bbox_format: str) -> tuple[np.ndarray, str]:
    """Boxes (N, 4) and their format from a JSON file or an inline JSON string."""
    if osp.isfile(arg):
        with open(arg) as f:
            text, source = f.read(), f'bboxes file {arg!r}'
    elif arg.lstrip().startswith('['):
        text, source = arg, '--bboxes'
    else:
        raise FileNotFoundError(f'bboxes file not found: {arg!r}')
    try:
        boxes = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f'{source} is not valid JSON: {e}') from None
    if not isinstance(boxes, list):
        raise ValueError(f'{source} must hold a list of boxes, got {type(boxes).__name__}')
    if boxes and all(isinstance(b, dict) for b in boxes):
        if not all('bbox' in b for b in boxes):
            raise ValueError(f'{source}: every box dict needs a "bbox" key ([x, y, w, h])')
        boxes, bbox_format = [b['bbox'] for b in boxes], 'xywh'
    for i, box in enumerate(boxes):
        if not (isinstance(box, list) and len(box) in (4, 5)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)):
            raise ValueError(f'{source}: box {i} is {box!r}; expected [x1, y1, x2, y2] (or '
                             '[x, y, w, h] with --bbox-format xywh), optionally with a score')
    arr = np.asarray([box[:4] for box in boxes], dtype=np.float64).reshape(-1, 4)
    return arr, bbox_format


def check_outputs(out_img: str | None, out_json: str | None) -> None:
    if out_img and osp.splitext(out_img)[1].lower() not in IMAGE_EXTS:
        raise ValueError(f'--out-img must end in one of {IMAGE_EXTS}, got {out_img!r}')
    if not out_img and not out_json:
        raise ValueError('nothing to write: give --out-img and/or --out-json')


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    check_outputs(args.out_img, args.out_json)
    for what, path in (('config', args.config), ('checkpoint', args.checkpoint),
                       ('image', args.img)):
        if not osp.isfile(path):
            raise FileNotFoundError(f'{what} not found: {path!r}')
    image = cv2.imread(args.img, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f'cannot decode image {args.img!r} (corrupt or not an image)')
    bboxes, bbox_format = None, args.bbox_format
    if args.bboxes:
        bboxes, bbox_format = read_bboxes(args.bboxes, args.bbox_format)
    model = init_model(args.config, args.checkpoint, device=args.device)
    results = inference_topdown(model, image, bboxes, bbox_format, dataset=args.dataset)
    name = results[0]['dataset'] if results else args.dataset or model.datasets[0]
    meta = get_metainfo(name)
    if args.out_json:
        payload = dict(image=args.img, dataset=name, keypoint_names=list(meta.keypoint_names),
                       predictions=[dict(bbox=r['bbox'].tolist(), keypoints=r['keypoints'].tolist(),
                                         keypoint_scores=r['keypoint_scores'].tolist())
                                    for r in results])
        atomic_write_bytes(json.dumps(payload).encode(), args.out_json)
    if args.out_img:
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        rgb = draw_bboxes(rgb, np.stack([r['bbox'] for r in results]) if results else [])
        rgb = draw_keypoints(rgb, np.stack([r['keypoints'] for r in results]) if results else [],
                             np.stack([r['keypoint_scores'] for r in results]) if results else None,
                             meta, score_thr=args.score_thr)
        ok, buf = cv2.imencode(osp.splitext(args.out_img)[1], cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        if not ok:
            raise ValueError(f'cannot encode {args.out_img!r}')
        atomic_write_bytes(buf.tobytes(), args.out_img)
    logger.info(f'{len(results)} poses ({name}, {meta.num_keypoints} keypoints)'
          + (f' -> {args.out_img}' if args.out_img else '')
          + (f' -> {args.out_json}' if args.out_json else ''))


if __name__ == '__main__':
    run_cli(main)
