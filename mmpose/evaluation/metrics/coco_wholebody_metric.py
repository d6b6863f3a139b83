"""COCO-WholeBody AP/AR: body, foot, face, hands and whole body (mmpose 0.24 protocol).

Rescoring and OKS-NMS run on all 133 keypoints as in :class:`CocoMetric`. The results file splits
each pose into the annotation fields ``keypoints``, ``foot_kpts``, ``face_kpts``,
``lefthand_kpts`` and ``righthand_kpts``, and six xtcocotools passes evaluate it
(``keypoints_body``, ``_foot``, ``_face``, ``_lefthand``, ``_righthand``, ``_wholebody``), each
with ``use_area=True`` and its slice of the sigmas (cuts 0/17/23/91/112/133,
reference_expectations §7.2).
"""
from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import ClassVar

import numpy as np
from xtcocotools.coco import COCO

from mmpose.registry import METRICS

from .coco_metric import CocoMetric

_STATS = ('AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)',
          'AR (L)')


@METRICS.register_module()
class CocoWholeBodyMetric(CocoMetric):
    """COCO-WholeBody keypoint AP/AR.

    Reports the ten whole-body stats (``AP`` is the headline) followed by ``<part>/AP`` and
    ``<part>/AR`` for ``body``, ``foot``, ``face``, ``lefthand`` and ``righthand``.

    Args:
        ann_file: COCO-WholeBody annotation file of the evaluated split.
        metainfo: Dataset name whose 133 sigmas to use; None takes ``dataset_meta['sigmas']``.
        score_mode: See :class:`CocoMetric`.
        keypoint_score_thr: See :class:`CocoMetric`.
        nms_mode: See :class:`CocoMetric`.
        nms_thr: See :class:`CocoMetric`.
        outfile_prefix: See :class:`CocoMetric`.
        collect_device: Device for gathering results across ranks.
        prefix: Prefix of the metric names (defaults to ``'coco_wholebody'``).
    """

    default_prefix: str | None = 'coco_wholebody'
    IOU_TYPES: ClassVar[dict[str, tuple[str, ...]]] = {'keypoints_wholebody': _STATS}
    # (part, xtcocotools iou type, results/annotation field, number of keypoints), in the
    # order the 133 keypoints are concatenated.
    PARTS: ClassVar[tuple[tuple[str, str, str, int], ...]] = (
        ('body', 'keypoints_body', 'keypoints', 17),
        ('foot', 'keypoints_foot', 'foot_kpts', 6),
        ('face', 'keypoints_face', 'face_kpts', 68),
        ('lefthand', 'keypoints_lefthand', 'lefthand_kpts', 21),
        ('righthand', 'keypoints_righthand', 'righthand_kpts', 21),
    )

    def __init__(self,
                 ann_file: str,
                 metainfo: str | None = 'coco_wholebody',
                 score_mode: str = 'bbox_keypoint',
                 keypoint_score_thr: float = 0.2,
                 nms_mode: str = 'oks_nms',
                 nms_thr: float = 0.9,
                 outfile_prefix: str | None = None,
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(ann_file=ann_file, metainfo=metainfo, use_area=True,
                         iou_type='keypoints_wholebody', score_mode=score_mode,
                         keypoint_score_thr=keypoint_score_thr, nms_mode=nms_mode,
                         nms_thr=nms_thr, outfile_prefix=outfile_prefix,
                         collect_device=collect_device, prefix=prefix)
        if self._metainfo_sigmas is not None:
            self._check_sigmas(self._metainfo_sigmas, f'metainfo={metainfo!r}')

    @classmethod
    def _cuts(cls) -> np.ndarray:
        """Part boundaries in the 133 keypoints: [0, 17, 23, 91, 112, 133]."""
        return np.cumsum([0] + [n for *_, n in cls.PARTS])

    def _check_sigmas(self, sigmas: np.ndarray, source: str) -> None:
        num = self._cuts()[-1]
        if len(sigmas) != num:
            raise ValueError(f'CocoWholeBodyMetric: {len(sigmas)} sigmas from {source}, '
                             f'expected {num}')

    def _keypoint_fields(self, keypoints: np.ndarray) -> dict[str, list]:
        """Split (M, 133, 3) poses into the five annotation fields (flattened lists)."""
        cuts = self._cuts()
        if keypoints.shape[1] != cuts[-1]:
            raise ValueError(f'CocoWholeBodyMetric: poses have {keypoints.shape[1]} keypoints, '
                             f'expected {cuts[-1]}')
        return {field: keypoints[:, lo:hi].reshape(len(keypoints), -1).tolist()
                for (_, _, field, _), lo, hi in zip(self.PARTS, cuts[:-1], cuts[1:])}

    def _evaluate(self, coco: COCO, res_file: str) -> OrderedDict:
        """One ``COCOeval`` pass per part, then the whole body."""
        sigmas, cuts = self.sigmas, self._cuts()
        self._check_sigmas(sigmas, 'dataset_meta')
        parts = OrderedDict()
        with warnings.catch_warnings():
            # Poses carry one score, as in 0.x; xtcocotools warns that it falls back to it.
            warnings.filterwarnings('ignore', message=r"'\w+_score' not found, use 'score'")
            for (name, iou_type, _, _), lo, hi in zip(self.PARTS, cuts[:-1], cuts[1:]):
                stats = self._run_cocoeval(coco, res_file, iou_type, sigmas[lo:hi])
                parts[f'{name}/AP'], parts[f'{name}/AR'] = stats[0], stats[5]
            stats = self._run_cocoeval(coco, res_file, 'keypoints_wholebody', sigmas)
        return OrderedDict([*zip(_STATS, stats), *parts.items()])
