"""Abstract top-down dataset: one record per person box, loaded once, validated once.

Concrete datasets only parse their native annotation format into records
(:meth:`_load_records`); box handling, detection-file loading, bad-record accounting and the
pipeline are shared here.
"""
from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os.path as osp
import random
import zlib
from collections.abc import Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from mmpose.registry import TRANSFORMS
from mmpose.structures import bbox_xywh2cs

from .metainfo import DatasetMeta, get_metainfo


class BadRecord(ValueError):
    """A malformed annotation record; carries what was wrong with it."""


class BaseTopdownDataset(BaseDataset):
    """Top-down keypoint dataset base.

    Args:
        ann_file: Annotation file of the dataset's native format.
        img_prefix: Folder the annotation's image file names are relative to.
        dataset_name: Name of the dataset (``'coco'``, ``'aic'``, ``'apt36k'``, ...). It selects the
            keypoint metadata and is the dataset's identity in multi-dataset models.
        image_size: Network input size (w, h); sets the box aspect ratio.
        bbox_padding: Box enlargement factor when turning a box into center/scale.
        use_gt_bbox: Use ground-truth boxes; otherwise the detections of ``bbox_file``
            (test mode only: training always uses ground truth).
        bbox_file: Person detection results (COCO results format).
        det_bbox_thr: Detections with a lower score are dropped.
        gt_bbox_only: The dataset's protocol uses GT boxes only; asking for detections is an error.
        pipeline: Transforms applied to each record.
        test_mode: Evaluation mode (no random augmentation; keypoints not needed).
        lazy_init: Defer loading the annotations.
    """

    def __init__(self,
                 ann_file: str,
                 img_prefix: str = '',
                 dataset_name: str = 'coco',
                 image_size: Sequence[int] = (192, 256),
                 bbox_padding: float = 1.25,
                 use_gt_bbox: bool = True,
                 bbox_file: str | None = None,
                 det_bbox_thr: float = 0.0,
                 gt_bbox_only: bool = False,
                 pipeline: Sequence[dict] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False) -> None:
        self.meta: DatasetMeta = get_metainfo(dataset_name)
        self.dataset_name = dataset_name
        self.img_prefix = img_prefix
        self.image_size = np.asarray(image_size, dtype=np.float32)
        if self.image_size.shape != (2,):
            raise ValueError(f'image_size must be (w, h), got {image_size!r}')
        self.bbox_padding = bbox_padding
        if gt_bbox_only and not use_gt_bbox:
            raise ValueError(f'{dataset_name}: the evaluation protocol uses ground-truth boxes only; '
                             'set use_gt_bbox=True')
        self.use_gt_bbox = use_gt_bbox or not test_mode
        if not self.use_gt_bbox and not bbox_file:
            raise ValueError(f'{dataset_name}: use_gt_bbox=False needs a bbox_file with detections')
        self.bbox_file = bbox_file
        self.det_bbox_thr = det_bbox_thr
        self.num_bad_records = 0
        # (seed, epoch, enabled) in shared memory: data workers forked before an epoch starts,
        # persistent ones included, see the values the main process sets (set_sample_seeding)
        self._sample_seeding = mp.RawArray('q', 3)
        # built from this package's registry (mmengine's Compose would need a default scope)
        transforms = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
        super().__init__(ann_file=ann_file, metainfo=None, data_root='', data_prefix=dict(),
                         pipeline=transforms, test_mode=test_mode, lazy_init=lazy_init,
                         serialize_data=True)
        self._metainfo = self.meta.to_dict()

    # ---- loading -------------------------------------------------------------------------
    def load_data_list(self) -> list[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'{self.dataset_name}: annotation file not found: '
                                    f'{self.ann_file!r} (see data/README.md for the layout)')
        records, bad = self._load_records()
        self.num_bad_records = len(bad)
        if bad:
            shown = '; '.join(bad[:3])
            print_log(f'{self.dataset_name}: skipped {len(bad)} unusable records in '
                      f'{self.ann_file} (first: {shown})', logger='current',
                      level=logging.WARNING)
        if not self.use_gt_bbox:
            records = self._load_detections()
        if not records:
            raise ValueError(f'{self.dataset_name}: no usable records in {self.ann_file}')
        return records

    def _load_records(self) -> tuple[list[dict], list[str]]:
        """Parse the annotation file.

        Returns:
            The records (see :meth:`make_record`) and one message per skipped bad record.
        """
        raise NotImplementedError

    def _load_detections(self) -> list[dict]:
        """Records from a person-detection results file (test mode)."""
        raise NotImplementedError(f'{type(self).__name__} has no detection-box support')

    def make_record(self, *, img_path: str, img_id: int, bbox_id: int, bbox: np.ndarray,
                    keypoints: np.ndarray, keypoints_visible: np.ndarray, bbox_score: float = 1.,
                    padding: float | None = None,
                    center_scale: tuple[np.ndarray, np.ndarray] | None = None,
                    **extra) -> dict:
        """One person record with the box turned into center/scale (0.x conventions).

        Args:
            bbox: Clean box (x, y, w, h) in image pixels.
            keypoints: (K, 2) image pixels.
            keypoints_visible: (K,) in [0, 1].
            padding: Box padding; the dataset default when None.
            center_scale: ``(center (2,), scale (2,))`` given by the annotation (MPII), used
                as is instead of being derived from ``bbox``.
        """
        if center_scale is None:
            aspect = float(self.image_size[0] / self.image_size[1])
            center, scale = bbox_xywh2cs(np.asarray(bbox, np.float64), aspect,
                                         self.bbox_padding if padding is None else padding)
        else:
            center, scale = (np.asarray(v, np.float32) for v in center_scale)
        return dict(img_path=img_path, img_id=int(img_id), bbox_id=int(bbox_id),
                    bbox=np.asarray(bbox, np.float32), bbox_score=float(bbox_score),
                    center=center.astype(np.float32), scale=scale.astype(np.float32),
                    keypoints=np.asarray(keypoints, np.float32),
                    keypoints_visible=np.asarray(keypoints_visible, np.float32), **extra)

    def check_keypoints(self, values: Sequence, where: str) -> np.ndarray:
        """Reshape a flat (x, y, v) list to (K, 3), raising :class:`BadRecord` when malformed."""
        arr = np.asarray(values, dtype=np.float32)
        k = self.meta.num_keypoints
        if arr.size != 3 * k:
            raise BadRecord(f'{where}: {arr.size} keypoint values, expected {3 * k} '
                            f'({k} keypoints of {self.dataset_name})')
        if not np.isfinite(arr).all():
            raise BadRecord(f'{where}: non-finite keypoint values')
        return arr.reshape(k, 3)

    # ---- access --------------------------------------------------------------------------
    def set_sample_seeding(self, seed: int, epoch: int) -> None:
        """Draw each training sample's augmentation from (seed, epoch, dataset, index) alone.

        The random streams then do not depend on which worker loads a sample, how many workers
        there are, or whether the run was resumed.
        """
        self._sample_seeding[:] = [seed % 2**32, epoch, 1]

    def prepare_data(self, idx: int) -> dict:
        seed, epoch, enabled = self._sample_seeding[:]
        if enabled and not self.test_mode:
            key = zlib.crc32(self.dataset_name.encode())
            state = np.random.SeedSequence([seed, epoch, key, idx]).generate_state(1)[0]
            np.random.seed(state)
            random.seed(int(state))
        return super().prepare_data(idx)

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        info.update(dataset_name=self.dataset_name, flip_indices=self.meta.flip_indices,
                    upper_body_ids=self.meta.upper_body_ids,
                    joint_weights=self.meta.joint_weights)
        return info


def load_json(path: str, what: str) -> object:
    """Read a JSON file, with errors that name the file and what it should hold."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path!r}')
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{what} {path!r} is not valid JSON: {e}') from None
