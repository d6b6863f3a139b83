"""Shared fixtures: the real sample annotations and a GT-as-prediction builder.

The builder mirrors the mmpose 0.24 top-down COCO-style loader (test mode, image 192x256) so
the metric tests do not depend on the dataset classes: COCO box sanitising, ``num_keypoints``
filtering, center/scale with aspect-ratio fix and padding 1.25, per-image ``bbox_id``.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

SAMPLES_DIR = Path(__file__).resolve().parents[2].parent / 'shared' / 'data' / 'samples'

# Model input size (w, h) of every ViTPose+/PoseBH dataset config, and the box padding.
_IMAGE_SIZE = (192, 256)
_PADDING = 1.25


@pytest.fixture(scope='session')
def samples_dir() -> Path:
    if not SAMPLES_DIR.is_dir():
        pytest.skip(f'sample data not found at {SAMPLES_DIR}')
    return SAMPLES_DIR


def _xywh2cs(x: float, y: float, w: float, h: float) -> tuple[np.ndarray, np.ndarray]:
    """0.24 ``_xywh2cs`` in test mode (no random center shift)."""
    aspect_ratio = _IMAGE_SIZE[0] / _IMAGE_SIZE[1]
    center = np.array([x + w * 0.5, y + h * 0.5], dtype=np.float32)
    if w > aspect_ratio * h:
        h = w * 1.0 / aspect_ratio
    elif w < aspect_ratio * h:
        w = h * aspect_ratio
    scale = np.array([w / 200.0, h / 200.0], dtype=np.float32) * _PADDING
    return center, scale


def _clean_bbox(ann: dict, width: int, height: int) -> list[float] | None:
    x, y, w, h = ann['bbox']
    x1, y1 = max(0, x), max(0, y)
    x2 = min(width - 1, x1 + max(0, w - 1))
    y2 = min(height - 1, y1 + max(0, h - 1))
    if ('area' not in ann or ann['area'] > 0) and x2 > x1 and y2 > y1:
        return [x1, y1, x2 - x1, y2 - y1]
    return None


def gt_as_predictions(ann_file: Path, shift_x: float = 0.0) -> list[dict]:
    """One ``CocoMetric.process`` sample per loadable GT person, GT keypoints as prediction.

    Args:
        ann_file: COCO-style annotation file.
        shift_x: Added to the x of every keypoint (labelled or not).

    Returns:
        Sample dicts with keypoint scores = visibility (0/1) and box score 1.
    """
    data = json.loads(Path(ann_file).read_text())
    anns_by_img: dict[int, list[dict]] = {img['id']: [] for img in data['images']}
    for ann in data['annotations']:
        anns_by_img[ann['image_id']].append(ann)
    samples = []
    for img in data['images']:
        bbox_id = 0
        for ann in anns_by_img[img['id']]:
            if ann.get('iscrowd', 0):
                continue
            bbox = _clean_bbox(ann, img['width'], img['height'])
            if bbox is None or max(ann.get('keypoints', [0])) == 0 or ann.get(
                    'num_keypoints', 1) == 0:
                continue
            kpts = np.array(ann['keypoints'], dtype=np.float32).reshape(-1, 3)
            center, scale = _xywh2cs(*bbox)
            samples.append(dict(
                img_id=img['id'], bbox_id=bbox_id, category_id=ann.get('category_id', 1),
                pred_keypoints=kpts[:, :2] + np.float32([shift_x, 0]),
                pred_scores=np.minimum(1, kpts[:, 2]), bbox_score=1.0,
                area=float(np.prod(scale * 200)), center=center, scale=scale))
            bbox_id += 1
    return samples


@pytest.fixture(scope='session')
def make_gt_predictions() -> Callable[..., list[dict]]:
    return gt_as_predictions
