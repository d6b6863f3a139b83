"""COCO-style keypoint AP/AR through xtcocotools, with 0.x rescoring and OKS-NMS.

The pipeline is mmpose 0.24's ``TopDownCocoDataset.evaluate`` (also used by AIC, CrowdPose,
OCHuman, AP-10K, ... in ViTPose/PoseBH), moved out of the dataset:

1. group predictions by image, sort by ``bbox_id`` and drop repeated ``(img_id, bbox_id)``
   pairs (distributed samplers pad the last batch);
2. rescore: ``bbox_score x mean(keypoint scores > keypoint_score_thr)`` (0 if none passes);
3. OKS-NMS or soft-OKS-NMS per image with the dataset sigmas;
4. write the results JSON and run ``COCOeval`` (``use_area=False`` makes xtcocotools use
   ``0.53 x box area``, for annotation files without ``area``).

Subclasses add iou types (e.g. COCO-WholeBody's per-part passes) by extending ``IOU_TYPES`` and
overriding :meth:`CocoMetric._keypoint_fields` (which JSON fields a pose is written to) and
:meth:`CocoMetric._evaluate` (which ``COCOeval`` passes run).
"""
from __future__ import annotations

import contextlib
import gc
import io
import logging
import os.path as osp
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from xtcocotools.coco import COCO
from xtcocotools.cocoeval import COCOeval

from mmpose.checkpoint.io import atomic_write_json
from mmpose.registry import METRICS

from ..functional.nms import oks_nms_arrays, soft_oks_nms_arrays

_REQUIRED_KEYS = ('img_id', 'bbox_id', 'pred_keypoints', 'pred_scores', 'bbox_score', 'area')


def _to_numpy(value: Any, dtype: type = np.float32) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)


def _clean_sigmas(sigmas: Sequence[float] | np.ndarray) -> np.ndarray:
    """Sigmas as float64 decimal literals.

    Metainfo stores sigmas in float32, so ``.026`` arrives as 0.026000000536...; the shortest
    float32 repr recovers the literal that 0.x (float64 throughout) evaluated with.
    """
    return np.array([float(str(s)) for s in np.asarray(sigmas, dtype=np.float32)])


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the garbage collector: building ~100k results of ~60 floats each otherwise
    triggers repeated full collections (measured 6x slower entry building)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_choice(name: str, value: str, options: Sequence[str]) -> None:
    if value not in options:
        raise ValueError(f'CocoMetric: {name}={value!r} is not supported; '
                         f'valid options: {list(options)}')


@METRICS.register_module()
class CocoMetric(BaseMetric):
    """COCO keypoint AP/AR of top-down predictions.

    Args:
        ann_file: COCO-format annotation file of the evaluated split.
        metainfo: Dataset name whose sigmas to use (``get_metainfo(metainfo).sigmas``). If
            None, ``dataset_meta['sigmas']`` (set by the Runner from the dataset) is used.
        use_area: Use the annotations' ``area`` for the OKS; False uses 0.53 x box area.
        iou_type: ``'keypoints'``, or ``'keypoints_crowd'`` for CrowdPose.
        score_mode: ``'bbox_keypoint'`` rescoring (box score x mean confident keypoint score)
            or ``'bbox'`` (box score only).
        keypoint_score_thr: Keypoint scores above this enter the rescoring mean.
        nms_mode: ``'oks_nms'``, ``'soft_oks_nms'`` or ``'none'``.
        nms_thr: OKS threshold of the NMS.
        outfile_prefix: Results go to ``<outfile_prefix>.keypoints.json``; None writes them to
            a temporary folder that is deleted after evaluation.
        format_only: Only write the results file (e.g. COCO test-dev, which has no public
            ground truth); needs ``outfile_prefix``. Returns no metrics.
        collect_device: Device for gathering results across ranks.
        prefix: Prefix of the metric names (defaults to ``'coco'``; multi-dataset runs use
            the dataset name).
    """

    default_prefix: str | None = 'coco'
    IOU_TYPES: ClassVar[dict[str, tuple[str, ...]]] = {
        'keypoints': ('AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75',
                      'AR (M)', 'AR (L)'),
        'keypoints_crowd': ('AP', 'AP .5', 'AP .75', 'AR', 'AR .5', 'AR .75', 'AP(E)', 'AP(M)',
                            'AP(H)'),
    }
    SCORE_MODES: ClassVar[tuple[str, ...]] = ('bbox', 'bbox_keypoint')
    NMS_MODES: ClassVar[tuple[str, ...]] = ('oks_nms', 'soft_oks_nms', 'none')
    # Soft-NMS keeps at most this many poses per image (0.x default, = COCOeval maxDets).
    SOFT_NMS_MAX_DETS: ClassVar[int] = 20

    def __init__(self,
                 ann_file: str,
                 metainfo: str | None = None,
                 use_area: bool = True,
                 iou_type: str = 'keypoints',
                 score_mode: str = 'bbox_keypoint',
                 keypoint_score_thr: float = 0.2,
                 nms_mode: str = 'oks_nms',
                 nms_thr: float = 0.9,
                 outfile_prefix: str | None = None,
                 format_only: bool = False,
                 collect_device: str = 'cpu',
                 prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and outfile_prefix is None:
            raise ValueError('CocoMetric: format_only=True needs outfile_prefix (where to write '
                             'the results file)')
        self.format_only = format_only
        _check_choice('iou_type', iou_type, tuple(self.IOU_TYPES))
        _check_choice('score_mode', score_mode, self.SCORE_MODES)
        _check_choice('nms_mode', nms_mode, self.NMS_MODES)
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'CocoMetric: annotation file not found: {ann_file}')
        self.ann_file = ann_file
        self.use_area = use_area
        self.iou_type = iou_type
        self.score_mode = score_mode
        self.keypoint_score_thr = keypoint_score_thr
        self.nms_mode = nms_mode
        self.nms_thr = nms_thr
        self.outfile_prefix = outfile_prefix
        self._metainfo_sigmas = None
        if metainfo is not None:
            # Imported here: the metric needs only the metainfo tables, not the datasets stack.
            from mmpose.datasets.metainfo import get_metainfo
            self._metainfo_sigmas = _clean_sigmas(get_metainfo(metainfo).sigmas)

    @property
    def sigmas(self) -> np.ndarray:
        """OKS sigmas, (K,): from ``metainfo`` if given, else from ``dataset_meta``."""
        if self._metainfo_sigmas is not None:
            return self._metainfo_sigmas
        if not self.dataset_meta or 'sigmas' not in self.dataset_meta:
            raise ValueError("CocoMetric needs OKS sigmas: pass metainfo='<dataset name>' or "
                             "set dataset_meta (a dict with 'sigmas'; the Runner does this)")
        return _clean_sigmas(self.dataset_meta['sigmas'])

    def process(self, data_batch: Any, data_samples: Sequence[Mapping]) -> None:
        """Store compact copies of the predictions of one batch.

        Args:
            data_batch: Unused.
            data_samples: One dict per person box with ``img_id``, ``bbox_id`` (unique within
                the image), ``pred_keypoints`` (K, 2) in image pixels, ``pred_scores`` (K,),
                ``bbox_score``, ``area`` and optionally ``category_id`` (default 1),
                ``center`` (2,) and ``scale`` (2,).
        """
        for sample in data_samples:
            missing = [k for k in _REQUIRED_KEYS if k not in sample]
            if missing:
                raise KeyError(f'CocoMetric.process: data sample lacks {missing}; '
                               f'required keys: {list(_REQUIRED_KEYS)}')
            keypoints = _to_numpy(sample['pred_keypoints']).reshape(-1, 2)
            scores = _to_numpy(sample['pred_scores']).reshape(-1)
            if len(scores) != len(keypoints):
                raise ValueError(f'CocoMetric.process: {len(keypoints)} keypoints but '
                                 f'{len(scores)} keypoint scores')
            # float32 like 0.x's result buffers, so rescoring and NMS ties match it exactly.
            self.results.append(dict(
                img_id=int(sample['img_id']),
                bbox_id=int(sample['bbox_id']),
                keypoints=keypoints,
                keypoint_scores=scores,
                bbox_score=_to_numpy(sample['bbox_score']).reshape(()),
                area=_to_numpy(sample['area']).reshape(()),
                category_id=int(sample.get('category_id', 1)),
                center=None if sample.get('center') is None else _to_numpy(sample['center']),
                scale=None if sample.get('scale') is None else _to_numpy(sample['scale'])))

    def compute_metrics(self, results: list) -> OrderedDict:
        """Rescore, NMS, write the results file and run ``COCOeval``.

        Args:
            results: Entries stored by :meth:`process`, gathered from all ranks.

        Returns:
            Stat name -> value, in the order of ``IOU_TYPES[iou_type]``.
        """
        coco = self._load_coco(self.ann_file)
        preds = self._stack_unique(results)
        self._check_image_ids(coco, set(preds['img_id'].tolist()))
        kept, scores = self._rescore_and_nms(preds)
        with self._outfile_prefix() as outfile_prefix:
            res_file = f'{outfile_prefix}.keypoints.json'
            with _gc_paused():
                entries = self._to_coco_entries(preds, kept, scores)
                atomic_write_json(entries, res_file)
            print_log(f'CocoMetric: wrote {len(entries)} poses to {res_file}', logger='current')
            if self.format_only:
                return OrderedDict()
            return self._evaluate(coco, res_file)

    @contextlib.contextmanager
    def _outfile_prefix(self) -> Iterator[str]:
        if self.outfile_prefix is not None:
            yield self.outfile_prefix
            return
        with tempfile.TemporaryDirectory() as tmp_dir:
            yield osp.join(tmp_dir, 'results')

    @staticmethod
    def _load_coco(ann_file: str) -> COCO:
        with contextlib.redirect_stdout(io.StringIO()):  # xtcocotools prints progress
            return COCO(ann_file)

    @staticmethod
    def _stack_unique(results: list) -> dict[str, np.ndarray]:
        """Stack the results, sorted by (img_id, bbox_id), keeping the first of repeated pairs.

        Returns:
            ``img_id`` (M,), ``keypoints`` (M, K, 2), ``keypoint_scores`` (M, K),
            ``bbox_score`` (M,), ``area`` (M,), ``category_id`` (M,), ``center`` and ``scale``
            (M, 2), NaN where a sample had none.
        """
        img_ids = np.array([r['img_id'] for r in results], dtype=np.int64)
        bbox_ids = np.array([r['bbox_id'] for r in results], dtype=np.int64)
        order = np.lexsort((bbox_ids, img_ids))  # stable: the first of equal pairs comes first
        repeated = (np.diff(img_ids[order]) == 0) & (np.diff(bbox_ids[order]) == 0)
        order = order[np.concatenate([[True], ~repeated])] if len(order) else order
        if len(order) != len(results):
            print_log(f'CocoMetric: dropped {len(results) - len(order)} repeated '
                      '(img_id, bbox_id) predictions', logger='current')
        kept = [results[i] for i in order]
        num_kpts = len(kept[0]['keypoints']) if kept else 0
        if any(len(r['keypoints']) != num_kpts for r in kept):
            raise ValueError('CocoMetric: predictions have different numbers of keypoints')

        def stack(key: str, shape: tuple[int, ...], fill: float = np.nan) -> np.ndarray:
            out = np.full((len(kept), *shape), fill, dtype=np.float32)
            for n, r in enumerate(kept):
                if r[key] is not None:
                    out[n] = r[key]
            return out

        return dict(img_id=img_ids[order],
                    keypoints=stack('keypoints', (num_kpts, 2)),
                    keypoint_scores=stack('keypoint_scores', (num_kpts, )),
                    bbox_score=stack('bbox_score', ()),
                    area=stack('area', ()),
                    category_id=np.array([r['category_id'] for r in kept], dtype=np.int64),
                    center=stack('center', (2, )),
                    scale=stack('scale', (2, )))

    def _check_image_ids(self, coco: COCO, pred_img_ids: set[int]) -> None:
        """Fail on predictions for unknown images; report images that got no prediction."""
        gt_img_ids = set(coco.getImgIds())
        unknown = sorted(pred_img_ids - gt_img_ids)
        if unknown:
            raise ValueError(f'CocoMetric: {len(unknown)} predicted image ids are not in '
                             f'{self.ann_file}, e.g. {unknown[:10]}')
        no_pred = gt_img_ids - pred_img_ids
        with_kpts = {a['image_id'] for a in coco.dataset.get('annotations', [])
                     if a.get('num_keypoints', 0) > 0 and not a.get('iscrowd', 0)}
        no_pred_kpts = no_pred & with_kpts
        print_log(f'CocoMetric: {len(pred_img_ids)} of {len(gt_img_ids)} images have '
                  f'predictions; {len(no_pred)} have none, {len(no_pred_kpts)} of them with '
                  'annotated keypoints (their persons count as missed)', logger='current',
                  level=logging.WARNING if no_pred_kpts else logging.INFO)

    def _rescore_and_nms(self, preds: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the kept poses (grouped by image, in NMS order) and all rescored scores."""
        scores = preds['keypoint_scores'].astype(np.float64)
        bbox_scores = preds['bbox_score'].astype(np.float64)
        if self.score_mode == 'bbox_keypoint':
            valid = scores > self.keypoint_score_thr
            # cumsum adds left to right like 0.x's Python loop (np.sum is pairwise), so
            # rescored scores, and thus NMS and COCOeval tie-breaks, match it bit for bit.
            total = np.cumsum(np.where(valid, scores, 0.0), axis=1)[:, -1] if len(
                scores) else np.zeros(0)
            num_valid = valid.sum(1)
            final_scores = np.where(num_valid > 0, total / np.maximum(num_valid, 1),
                                    0.0) * bbox_scores
        else:
            final_scores = bbox_scores
        if self.nms_mode == 'none':
            return np.arange(len(final_scores)), final_scores
        sigmas = self.sigmas
        if len(final_scores) and len(sigmas) != preds['keypoints'].shape[1]:
            raise ValueError(f'CocoMetric: {len(sigmas)} sigmas but predictions have '
                             f"{preds['keypoints'].shape[1]} keypoints")
        bounds = np.flatnonzero(np.diff(preds['img_id'])) + 1
        kept = [np.zeros(0, dtype=np.intp)]
        for idx in np.split(np.arange(len(final_scores)), bounds):
            if not len(idx):
                continue
            args = (preds['keypoints'][idx], final_scores[idx], preds['area'][idx], self.nms_thr)
            if self.nms_mode == 'soft_oks_nms':
                keep = soft_oks_nms_arrays(*args, self.SOFT_NMS_MAX_DETS, sigmas)
            else:
                keep = oks_nms_arrays(*args, sigmas)
            kept.append(idx[keep])
        return np.concatenate(kept), final_scores

    def _keypoint_fields(self, keypoints: np.ndarray) -> dict[str, list]:
        """JSON keypoint fields of kept poses; WholeBody-style subclasses split by part.

        Args:
            keypoints: Poses as ``[x, y, score]``, (M, K, 3).

        Returns:
            Field name -> M flattened lists.
        """
        return {'keypoints': keypoints.reshape(len(keypoints), -1).tolist()}

    def _to_coco_entries(self, preds: dict[str, np.ndarray], kept: np.ndarray,
                         scores: np.ndarray) -> list[dict]:
        """The results-file entries of the kept poses (plain floats: exact float32 values)."""
        if not len(kept):
            return []
        poses = np.concatenate(
            [preds['keypoints'][kept], preds['keypoint_scores'][kept][..., None]], axis=-1)
        columns = dict(image_id=preds['img_id'][kept].tolist(),
                       category_id=preds['category_id'][kept].tolist(),
                       **self._keypoint_fields(poses),
                       score=scores[kept].tolist())
        entries = [dict(zip(columns, values)) for values in zip(*columns.values())]
        for key in ('center', 'scale'):
            values = preds[key][kept]
            present = ~np.isnan(values).any(-1)
            for entry, value, ok in zip(entries, values.tolist(), present.tolist()):
                if ok:
                    entry[key] = value
        return entries

    def _evaluate(self, coco: COCO, res_file: str) -> OrderedDict:
        """Run ``COCOeval`` for ``iou_type`` on the results file."""
        stats = self._run_cocoeval(coco, res_file, self.iou_type, self.sigmas)
        return OrderedDict(zip(self.IOU_TYPES[self.iou_type], stats))

    def _run_cocoeval(self, coco: COCO, res_file: str, iou_type: str,
                      sigmas: np.ndarray) -> list[float]:
        """One ``COCOeval`` pass; its printed summary goes to the log."""
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            coco_det = coco.loadRes(res_file)
            coco_eval = COCOeval(coco, coco_det, iou_type, sigmas, use_area=self.use_area)
            coco_eval.params.useSegm = None
            coco_eval.evaluate()
            coco_eval.accumulate()
            coco_eval.summarize()
        summary = '\n'.join(line for line in buffer.getvalue().splitlines()
                            if line.startswith(' Average'))
        print_log(f'CocoMetric ({iou_type}, {self.ann_file}):\n{summary}', logger='current')
        return [float(s) for s in coco_eval.stats]
