"""MPII Human Pose in mmpose's JSON-list format, loaded with the mmpose 0.24 rules.

Each entry is ``{image, center [x, y], scale, joints 16 x [x, y], joints_vis 16}`` with 1-based
(Matlab) coordinates and no box. The annotated center/scale are used directly
(reference_expectations §1.3 / §7.3):

* ``scale = [s, s]``; if ``center_x != -1``: ``center_y += 15 s``, then ``scale *= 1.25``;
* ``center -= 1`` and ``joints -= 1`` (1-based -> 0-based);
* visibility is ``joints_vis``; in test mode joints and visibility stay zero (0.24 does not read
  them: PCKh takes its ground truth from ``mpii_gt_val.mat``);
* no random center shift.

MPII has no image ids; ``img_id`` is the entry's index in the file, which is the column of the
entry in ``mpii_gt_val.mat`` that :class:`~mmpose.evaluation.MpiiPCKhMetric` compares with.
"""
from __future__ import annotations

import os.path as osp
from collections.abc import Sequence

import numpy as np

from mmpose.registry import DATASETS

from .base_topdown_dataset import BadRecord, BaseTopdownDataset, load_json

# 0.24 ``TopDownMpiiDataset._get_db``: move the center down by 15 x scale px and pad the box by
# 1.25 "to avoid cropping limbs" (inherited from the HRNet MPII loader).
_CENTER_SHIFT_Y = 15.0
_SCALE_PADDING = 1.25
_PIXEL_STD = 200.0


def _array(entry: dict, key: str, shape: tuple[int, ...], where: str) -> np.ndarray:
    """``entry[key]`` as a finite float32 array of ``shape``, else :class:`BadRecord`."""
    if key not in entry:
        raise BadRecord(f'{where}: missing {key!r}')
    try:
        arr = np.asarray(entry[key], dtype=np.float32)
    except (TypeError, ValueError):
        raise BadRecord(f'{where}: {key!r} is not numeric') from None
    if arr.shape != shape:
        raise BadRecord(f'{where}: {key!r} has shape {arr.shape}, expected {shape}')
    if not np.isfinite(arr).all():
        raise BadRecord(f'{where}: non-finite values in {key!r}')
    return arr


@DATASETS.register_module()
class MpiiDataset(BaseTopdownDataset):
    """Top-down MPII dataset (16 keypoints, mmpose 0.24 loading rules).

    Records: ``img_id`` = entry index, ``bbox_id`` = running index, ``bbox`` = the unpadded
    ``200 s`` square around the (shifted) center, for transforms that need a box size.

    Args:
        ann_file: MPII JSON list (``mpii_{train,val}.json``).
        img_prefix: Image folder.
        dataset_name: Metainfo name.
        image_size: Network input size (w, h); MPII's scale ignores it (0.24 does too).
        pipeline: Transforms applied to each record.
        test_mode: Evaluation mode: keypoints are not read.
        lazy_init: Defer loading the annotations.
    """

    def __init__(self,
                 ann_file: str,
                 img_prefix: str = '',
                 dataset_name: str = 'mpii',
                 image_size: Sequence[int] = (192, 256),
                 pipeline: Sequence[dict] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False) -> None:
        super().__init__(ann_file=ann_file, img_prefix=img_prefix, dataset_name=dataset_name,
                         image_size=image_size, bbox_padding=_SCALE_PADDING, pipeline=pipeline,
                         test_mode=test_mode, lazy_init=lazy_init)

    def _load_records(self) -> tuple[list[dict], list[str]]:
        entries = load_json(self.ann_file, f'{self.dataset_name} annotation file')
        if not isinstance(entries, list):
            raise ValueError(f'{self.ann_file!r} is not an MPII annotation file (expected a JSON '
                             'list of {image, center, scale, joints, joints_vis} entries)')
        records, bad = [], []
        for index, entry in enumerate(entries):
            try:
                records.append(self._parse_entry(entry, index, len(records)))
            except BadRecord as e:
                bad.append(str(e))
        return records, bad

    def _parse_entry(self, entry: dict, index: int, bbox_id: int) -> dict:
        if not isinstance(entry, dict):
            raise BadRecord(f'{self.ann_file}: entry {index} is not a dict')
        where = f"{self.ann_file}: entry {index} ({entry.get('image')!r})"
        if not isinstance(entry.get('image'), str):
            raise BadRecord(f'{where}: missing image file name')
        k = self.meta.num_keypoints
        center = _array(entry, 'center', (2, ), where)
        raw_scale = _array(entry, 'scale', (), where)
        if raw_scale <= 0:
            raise BadRecord(f'{where}: scale must be positive, got {float(raw_scale)}')
        scale = np.full(2, raw_scale, dtype=np.float32)
        if center[0] != -1:
            center[1] = center[1] + _CENTER_SHIFT_Y * scale[1]
            scale = scale * _SCALE_PADDING
        center = center - 1
        keypoints = np.zeros((k, 2), np.float32)
        visible = np.zeros(k, np.float32)
        if not self.test_mode:
            keypoints = _array(entry, 'joints', (k, 2), where) - 1
            visible = _array(entry, 'joints_vis', (k, ), where)
        side = float(raw_scale) * _PIXEL_STD
        bbox = np.array([center[0] - side / 2, center[1] - side / 2, side, side], np.float64)
        return self.make_record(
            img_path=osp.join(self.img_prefix, entry['image']), img_id=index, bbox_id=bbox_id,
            bbox=bbox, keypoints=keypoints, keypoints_visible=visible,
            center_scale=(center, scale), id=index, category_id=1)
