"""PCK / AUC / EPE against per-sample ground truth (InterHand2.6M, mmpose 0.24 protocol).

0.24 ``Kpt2dSviewRgbImgTopDownDataset._report_metric`` with its defaults:

* PCK: a keypoint is correct when its distance is *strictly below* ``0.2 x max(bbox w, h)``,
  the box being the instance's tight keypoint box;
* AUC: mean PCK over the thresholds ``0, 1/20, ..., 19/20`` of 30 px (a zero distance fails at
  threshold 0, so a perfect prediction scores 0.95);
* EPE: mean pixel distance.

Only keypoints with ground-truth visibility > 0 count. The ground truth travels with the
prediction (``gt_keypoints``, ``gt_keypoints_visible``, ``bbox``, put there by the dataset), so
the metric never reads annotation files.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmpose.registry import METRICS

from ..functional.keypoint_eval import keypoint_auc, keypoint_epe, keypoint_pck_accuracy


def _to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float32)


@METRICS.register_module()
class PCKAccuracyMetric(BaseMetric):
    """PCK (box-normalised), AUC and EPE of top-down predictions.

    Args:
        metric_names: Which of ``'PCK'``, ``'AUC'``, ``'EPE'`` to report (not ``metrics``:
            mmengine reads a ``metrics`` key as an ``Evaluator`` config).
        pck_thr: PCK threshold as a fraction of the longer side of the instance box.
        auc_normalize: AUC threshold range in pixels (thresholds are fractions of it).
        auc_num_steps: Number of AUC thresholds.
        collect_device: Device for gathering results across ranks.
        prefix: Prefix of the metric names (defaults to ``'pck'``).
    """

    default_prefix: str | None = 'pck'
    METRICS: ClassVar[tuple[str, ...]] = ('PCK', 'AUC', 'EPE')

    def __init__(self,
                 metric_names: str | Sequence[str] = ('PCK', 'AUC', 'EPE'),
                 pck_thr: float = 0.2,
                 auc_normalize: float = 30.,
                 auc_num_steps: int = 20,
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        metrics = [metric_names] if isinstance(metric_names, str) else list(metric_names)
        if not metrics:
            raise ValueError(f'PCKAccuracyMetric: metric_names is empty; choose from {self.METRICS}')
        for name in metrics:
            if name not in self.METRICS:
                raise KeyError(f'PCKAccuracyMetric: metric {name!r} is not supported; valid '
                               f'metrics: {list(self.METRICS)}')
        self.metrics = tuple(metrics)
        self.pck_thr = pck_thr
        self.auc_normalize = auc_normalize
        self.auc_num_steps = auc_num_steps

    def process(self, data_batch: Any, data_samples: Sequence[Mapping]) -> None:
        """Store predictions with their ground truth.

        Args:
            data_batch: Unused.
            data_samples: One dict per instance with ``img_id``, ``bbox_id``,
                ``pred_keypoints`` (K, 2), ``gt_keypoints`` (K, 2) and ``gt_keypoints_visible``
                (K,) in image pixels, and ``bbox`` (4,) xywh for PCK.
        """
        required = ['img_id', 'bbox_id', 'pred_keypoints', 'gt_keypoints',
                    'gt_keypoints_visible'] + (['bbox'] if 'PCK' in self.metrics else [])
        for sample in data_samples:
            missing = [k for k in required if k not in sample]
            if missing:
                raise KeyError(f'PCKAccuracyMetric.process: data sample lacks {missing} '
                               f"(dataset {sample.get('dataset_name')!r}); the dataset must "
                               'put the ground truth in its records (as InterHand2DDataset does)')
            pred = _to_numpy(sample['pred_keypoints']).reshape(-1, 2)
            gt = _to_numpy(sample['gt_keypoints']).reshape(-1, 2)
            visible = _to_numpy(sample['gt_keypoints_visible']).reshape(-1)
            if not len(pred) == len(gt) == len(visible):
                raise ValueError(f'PCKAccuracyMetric.process: {len(pred)} predicted, {len(gt)} '
                                 f'ground-truth keypoints and {len(visible)} visibility flags '
                                 f"(img_id {sample['img_id']}, bbox_id {sample['bbox_id']})")
            bbox = _to_numpy(sample['bbox']).reshape(4) if 'bbox' in sample else None
            self.results.append(dict(img_id=int(sample['img_id']),
                                     bbox_id=int(sample['bbox_id']), pred=pred, gt=gt,
                                     visible=visible, bbox=bbox))

    def compute_metrics(self, results: list) -> OrderedDict:
        """Sort by (img_id, bbox_id), drop repeated instances, and compute the metrics.

        Args:
            results: Entries stored by :meth:`process`, gathered from all ranks.

        Returns:
            ``PCK``, ``AUC``, ``EPE`` (those asked for).
        """
        if not results:
            raise ValueError('PCKAccuracyMetric: no predictions to evaluate')
        unique = {}
        for r in sorted(results, key=lambda r: (r['img_id'], r['bbox_id'])):
            unique.setdefault((r['img_id'], r['bbox_id']), r)
        if len(unique) != len(results):
            print_log(f'PCKAccuracyMetric: dropped {len(results) - len(unique)} repeated '
                      '(img_id, bbox_id) predictions', logger='current')
        kept = list(unique.values())
        if len({len(r['gt']) for r in kept}) != 1:
            raise ValueError('PCKAccuracyMetric: instances have different numbers of keypoints')
        pred = np.stack([r['pred'] for r in kept])
        gt = np.stack([r['gt'] for r in kept])
        mask = np.stack([r['visible'] for r in kept]) > 0
        out: OrderedDict = OrderedDict()
        for name in self.metrics:
            if name == 'PCK':
                box_size = np.stack([r['bbox'][2:].max() for r in kept])
                normalize = np.tile(box_size[:, None], (1, 2))
                out['PCK'] = float(keypoint_pck_accuracy(pred, gt, mask, self.pck_thr,
                                                         normalize)[1])
            elif name == 'AUC':
                out['AUC'] = float(keypoint_auc(pred, gt, mask, self.auc_normalize,
                                                self.auc_num_steps))
            else:
                out['EPE'] = float(keypoint_epe(pred, gt, mask))
        return out
