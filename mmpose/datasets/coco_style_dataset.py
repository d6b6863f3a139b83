"""Every COCO-format keypoint dataset: COCO, AIC, OCHuman, CrowdPose, AP-10K, APT-36K,
COCO-WholeBody, 3DPW (COCO-style export). What differs between them is data: the metainfo name,
which annotation fields hold keypoints, and how visibility flags are read.
"""
from __future__ import annotations

import logging
import os.path as osp
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from mmengine.logging import print_log

from mmpose.registry import DATASETS
from mmpose.utils.progress import progress

from .base_topdown_dataset import BadRecord, BaseTopdownDataset, load_json


@DATASETS.register_module()
class CocoStyleDataset(BaseTopdownDataset):
    """Top-down dataset for COCO-format keypoint annotations (mmpose 0.24 loading rules).

    Rules (identical to the reference loaders): crowd annotations are skipped; boxes are clipped
    to the image (``w`` and ``h`` each lose 1 px, COCO convention) and kept only when non-empty;
    instances with no labelled keypoint are skipped; ``bbox_id`` restarts at 0 in every image.

    Args:
        keypoint_fields: Annotation fields whose flat (x, y, v) lists are concatenated in this
            order into the dataset's keypoints (COCO-WholeBody: body, foot, face, hands). The first
            field decides whether an instance has keypoints.
        visibility: ``'clip'``: visibility = min(1, v) (COCO); ``'positive'``: 1 for any v > 0
            (COCO-WholeBody, whose hand flags are fractional confidences).
        **See** :class:`BaseTopdownDataset` for the remaining arguments.
    """

    def __init__(self,
                 ann_file: str,
                 img_prefix: str = '',
                 dataset_name: str = 'coco',
                 keypoint_fields: Sequence[str] = ('keypoints',),
                 visibility: str = 'clip',
                 image_size: Sequence[int] = (192, 256),
                 bbox_padding: float = 1.25,
                 use_gt_bbox: bool = True,
                 bbox_file: str | None = None,
                 det_bbox_thr: float = 0.0,
                 gt_bbox_only: bool = False,
                 pipeline: Sequence[dict] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False) -> None:
        if visibility not in ('clip', 'positive'):
            raise ValueError(f"visibility must be 'clip' or 'positive', got {visibility!r}")
        self.keypoint_fields = tuple(keypoint_fields)
        self.visibility = visibility
        super().__init__(ann_file=ann_file, img_prefix=img_prefix, dataset_name=dataset_name,
                         image_size=image_size, bbox_padding=bbox_padding,
                         use_gt_bbox=use_gt_bbox, bbox_file=bbox_file, det_bbox_thr=det_bbox_thr,
                         gt_bbox_only=gt_bbox_only, pipeline=pipeline, test_mode=test_mode,
                         lazy_init=lazy_init)

    def _load_records(self) -> tuple[list[dict], list[str]]:
        data = load_json(self.ann_file, f'{self.dataset_name} annotation file')
        # image-info files (COCO test-dev) have no annotations: fine with detection boxes
        if not isinstance(data, dict) or 'images' not in data or (
                'annotations' not in data and self.use_gt_bbox):
            raise ValueError(f'{self.ann_file!r} is not a COCO-format keypoint file '
                             "(expected a dict with 'images' and 'annotations')")
        self._images = {}
        for img in data['images']:
            self._images[img['id']] = img
        anns_by_image = defaultdict(list)
        bad: list[str] = []
        for ann in data.get('annotations', ()):
            if ann.get('image_id') not in self._images:
                bad.append(f"annotation {ann.get('id')}: unknown image_id {ann.get('image_id')}")
                continue
            anns_by_image[ann['image_id']].append(ann)
        records = []
        for img_id, img in progress(self._images.items(), len(self._images),
                                    f'indexing {self.dataset_name}'):
            bbox_id = 0
            for ann in anns_by_image.get(img_id, ()):
                try:
                    rec = self._parse_annotation(ann, img, bbox_id)
                except BadRecord as e:
                    bad.append(str(e))
                    continue
                if rec is not None:
                    records.append(rec)
                    bbox_id += 1
        return records, bad

    def _parse_annotation(self, ann: dict, img: dict, bbox_id: int) -> dict | None:
        """One annotation -> a record, ``None`` when the loading rules skip it."""
        where = f"annotation {ann.get('id')} (image {img['id']})"
        if ann.get('iscrowd', 0):
            return None
        box = ann.get('bbox')
        if box is None or len(box) != 4 or not np.isfinite(np.asarray(box, float)).all():
            raise BadRecord(f'{where}: bbox must be 4 finite numbers, got {box!r}')
        x, y, w, h = box
        if w < 0 or h < 0:
            raise BadRecord(f'{where}: negative box size {box!r}')
        width, height = img['width'], img['height']
        x1, y1 = max(0, x), max(0, y)
        x2 = min(width - 1, x1 + max(0, w - 1))
        y2 = min(height - 1, y1 + max(0, h - 1))
        if not (('area' not in ann or ann['area'] > 0) and x2 > x1 and y2 > y1):
            return None
        first = self.keypoint_fields[0]
        if first not in ann:
            return None
        parts = []
        for field in self.keypoint_fields:
            if field not in ann:
                raise BadRecord(f'{where}: missing keypoint field {field!r}')
            parts.extend(ann[field])
        kpts = self.check_keypoints(parts, where)
        if max(ann[first]) == 0 or ann.get('num_keypoints', 1) == 0:
            return None
        vis = kpts[:, 2]
        vis = np.minimum(1, vis) if self.visibility == 'clip' else (vis > 0).astype(np.float32)
        return self.make_record(
            img_path=osp.join(self.img_prefix, img['file_name']), img_id=img['id'],
            bbox_id=bbox_id, bbox=np.array([x1, y1, x2 - x1, y2 - y1], np.float64),
            keypoints=kpts[:, :2], keypoints_visible=vis, id=ann.get('id', -1),
            category_id=int(ann.get('category_id', 1)))

    def _load_detections(self) -> list[dict]:
        dets = load_json(self.bbox_file, f'{self.dataset_name} detection file (bbox_file)')
        if not isinstance(dets, list):
            raise ValueError(f'bbox_file {self.bbox_file!r} must hold a list of detections')
        k = self.meta.num_keypoints
        records, foreign = [], set()
        for i, det in enumerate(dets):
            if not isinstance(det, dict) or not {'image_id', 'bbox', 'score'} <= set(det):
                raise ValueError(f'bbox_file {self.bbox_file!r} entry {i}: expected a dict with '
                                 f"image_id, bbox, score; got {det!r:.100}")
            if det.get('category_id', 1) != 1 or det['score'] < self.det_bbox_thr:
                continue
            img = self._images.get(det['image_id'])
            if img is None:  # detections may cover more images than the annotation file
                foreign.add(det['image_id'])
                continue
            # bbox_id is a running index over detections (unique per image, as in mmpose 0.24)
            records.append(self.make_record(
                img_path=osp.join(self.img_prefix, img['file_name']), img_id=img['id'],
                bbox_id=len(records), bbox=np.asarray(det['bbox'][:4], np.float64),
                bbox_score=float(det['score']), keypoints=np.zeros((k, 2), np.float32),
                keypoints_visible=np.ones(k, np.float32), id=-1, category_id=1))
        if foreign:
            print_log(f'{self.dataset_name}: {len(foreign)} images of {self.bbox_file} are not '
                      f'in {self.ann_file}; their detections are ignored', logger='current',
                      level=logging.WARNING)
        if not records:
            raise ValueError(f'bbox_file {self.bbox_file!r} has no person detection on the images '
                             f'of {self.ann_file!r} with score >= {self.det_bbox_thr}')
        return records
