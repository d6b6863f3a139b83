"""MPII PCKh with the official ground truth (``mpii_gt_val.mat``), mmpose 0.24 protocol.

0.24 ``TopDownMpiiDataset.evaluate`` moved out of the dataset:

1. predictions are sorted by ``bbox_id`` and repeated ``bbox_id`` dropped (distributed samplers
   pad the last batch), then shifted back to 1-based Matlab pixels (+1);
2. each prediction is compared with its column of the ``.mat`` file (``img_id`` is the entry
   index that :class:`~mmpose.datasets.MpiiDataset` records);
3. PCKh@0.5 with head size = 0.6 x head-box diagonal; pelvis and thorax are left out of the
   mean (see :func:`~mmpose.evaluation.functional.mpii_pckh_summary`).

The ``.mat`` file holds ``dataset_joints`` (1 x 16 cell of joint names), ``jnt_missing``
(16, N), ``pos_gt_src`` (16, 2, N) and ``headboxes_src`` (2, 2, N) (corner, xy, person).
"""
from __future__ import annotations

import logging
import os.path as osp
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmpose.registry import METRICS

from ..functional.keypoint_eval import mpii_head_sizes, mpii_pckh_summary

_NUM_JOINTS = 16
# Names in the official file's ``dataset_joints`` of the joints the PCKh table reads, with their
# index in the MPII order of our metainfo (0.x looks them up by these names).
_MAT_JOINT_INDEX = {'rank': 0, 'rkne': 1, 'rhip': 2, 'lhip': 3, 'lkne': 4, 'lank': 5, 'head': 9,
                    'rwri': 10, 'relb': 11, 'rsho': 12, 'lsho': 13, 'lelb': 14, 'lwri': 15}
_HOW_TO_GET = ('it is the official MPII validation ground truth, shipped with mmpose\'s MPII '
               'annotations (https://download.openmmlab.com/mmpose/datasets/'
               'mpii_annotations.tar); the synthetic MPII val split writes one too')


def default_mpii_gt_file(ann_file: str) -> str:
    """The ``.mat`` next to ``ann_file``: ``mpii_gt_val_fold{i}.mat`` for ``*_fold{i}*``
    annotation files, ``mpii_gt_val_multiocc.mat`` for ``*_multiocc*`` (PoseBH's splits),
    else ``mpii_gt_val.mat``."""
    name = osp.basename(ann_file)
    fold = re.search(r'_fold(\d+)', name)
    if fold:
        mat = f'mpii_gt_val_fold{fold.group(1)}.mat'
    elif '_multiocc' in name:
        mat = 'mpii_gt_val_multiocc.mat'
    else:
        mat = 'mpii_gt_val.mat'
    return osp.join(osp.dirname(ann_file), mat)


def _joint_name(cell: Any) -> str:
    """Unwrap a ``loadmat`` cell entry (nested object / string arrays) to its string."""
    while isinstance(cell, np.ndarray):
        if cell.size != 1:
            return ''
        cell = cell.reshape(-1)[0]
    return str(cell)


def _load_gt(gt_file: str) -> dict[str, np.ndarray]:
    """Read and check the ``.mat`` file.

    Returns:
        ``gt`` (N, 16, 2) 1-based, ``visible`` (N, 16) bool and ``head_sizes`` (N,).
    """
    from scipy.io import loadmat  # only PCKh needs scipy
    try:
        mat = loadmat(gt_file)
    except Exception as e:  # scipy raises several types for non-.mat input
        raise ValueError(f'MpiiPCKhMetric: cannot read {gt_file!r} as a .mat file: {e}') from None
    missing = [k for k in ('dataset_joints', 'jnt_missing', 'pos_gt_src', 'headboxes_src')
               if k not in mat]
    if missing:
        raise ValueError(f'MpiiPCKhMetric: {gt_file!r} lacks {missing}; {_HOW_TO_GET}')
    pos, jnt_missing, boxes = mat['pos_gt_src'], mat['jnt_missing'], mat['headboxes_src']
    num = pos.shape[-1] if pos.ndim == 3 else -1
    if (pos.shape != (_NUM_JOINTS, 2, num) or jnt_missing.shape != (_NUM_JOINTS, num)
            or boxes.shape != (2, 2, num)):
        raise ValueError(f'MpiiPCKhMetric: {gt_file!r} has pos_gt_src {pos.shape}, jnt_missing '
                         f'{jnt_missing.shape}, headboxes_src {boxes.shape}; expected '
                         f'(16, 2, N), (16, N), (2, 2, N)')
    names = [_joint_name(c) for c in np.asarray(mat['dataset_joints'], dtype=object).reshape(-1)]
    wrong = {n: i for n, i in _MAT_JOINT_INDEX.items()
             if i >= len(names) or names[i] != n}
    if wrong:
        raise ValueError(f'MpiiPCKhMetric: dataset_joints of {gt_file!r} is {names}; expected '
                         f'MPII order with {wrong} (name: index)')
    return dict(gt=pos.transpose(2, 0, 1).astype(np.float64),
                visible=(1 - jnt_missing).T > 0,
                head_sizes=mpii_head_sizes(boxes.transpose(2, 0, 1)))


@METRICS.register_module()
class MpiiPCKhMetric(BaseMetric):
    """PCKh of MPII predictions against ``mpii_gt_val.mat``.

    Args:
        gt_file: The ``.mat`` ground truth. If None, derived from ``ann_file`` with
            :func:`default_mpii_gt_file`.
        ann_file: The evaluated MPII JSON (used only to find ``gt_file``).
        collect_device: Device for gathering results across ranks.
        prefix: Prefix of the metric names (defaults to ``'mpii'``).
    """

    default_prefix: str | None = 'mpii'

    def __init__(self,
                 gt_file: str | None = None,
                 ann_file: str | None = None,
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if gt_file is None:
            if ann_file is None:
                raise ValueError('MpiiPCKhMetric needs gt_file (mpii_gt_val.mat) or the '
                                 'ann_file it sits next to')
            gt_file = default_mpii_gt_file(ann_file)
        if not osp.isfile(gt_file):
            raise FileNotFoundError(f'MpiiPCKhMetric: PCKh ground truth not found: {gt_file!r}; '
                                    f'{_HOW_TO_GET}')
        self.gt_file = gt_file
        self._gt = _load_gt(gt_file)

    def process(self, data_batch: Any, data_samples: Sequence[Mapping]) -> None:
        """Store the predictions of one batch.

        Args:
            data_batch: Unused.
            data_samples: One dict per person with ``img_id`` (entry index in the annotation
                file = column of the ``.mat``), ``bbox_id`` and ``pred_keypoints`` (16, 2) in
                0-based image pixels.
        """
        for sample in data_samples:
            missing = [k for k in ('img_id', 'bbox_id', 'pred_keypoints') if k not in sample]
            if missing:
                raise KeyError(f'MpiiPCKhMetric.process: data sample lacks {missing}')
            pred = sample['pred_keypoints']
            if isinstance(pred, torch.Tensor):
                pred = pred.detach().cpu().numpy()
            pred = np.asarray(pred, dtype=np.float32).reshape(-1, 2)
            if len(pred) != _NUM_JOINTS:
                raise ValueError(f'MpiiPCKhMetric.process: {len(pred)} keypoints, expected '
                                 f"{_NUM_JOINTS} (img_id {sample['img_id']})")
            self.results.append(dict(img_id=int(sample['img_id']),
                                     bbox_id=int(sample['bbox_id']), pred=pred))

    def compute_metrics(self, results: list) -> OrderedDict:
        """PCKh table (percent): ``Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, PCKh,
        PCKh@0.1``. Ground-truth persons without a prediction count as misses."""
        unique: dict[int, dict] = {}
        for r in sorted(results, key=lambda r: r['bbox_id']):
            unique.setdefault(r['bbox_id'], r)
        if len(unique) != len(results):
            print_log(f'MpiiPCKhMetric: dropped {len(results) - len(unique)} repeated bbox_id '
                      'predictions', logger='current')
        gt = self._gt['gt']
        num = len(gt)
        pred = np.full((num, _NUM_JOINTS, 2), np.inf, dtype=np.float32)
        seen = np.zeros(num, dtype=bool)
        for r in unique.values():
            idx = r['img_id']
            if not 0 <= idx < num:
                raise ValueError(f'MpiiPCKhMetric: prediction for entry {idx} but {self.gt_file} '
                                 f'has {num} persons; is it the ground truth of this split?')
            if seen[idx]:
                raise ValueError(f'MpiiPCKhMetric: two predictions (different bbox_id) for '
                                 f'entry {idx}')
            seen[idx] = True
            pred[idx] = r['pred'] + np.float32(1.0)  # back to 1-based Matlab pixels, as 0.x
        if not seen.all():
            print_log(f'MpiiPCKhMetric: {num - seen.sum()} of {num} persons in {self.gt_file} '
                      'have no prediction and count as misses', logger='current',
                      level=logging.WARNING)
        return mpii_pckh_summary(pred, gt, self._gt['visible'], self._gt['head_sizes'])
