"""Keypoint accuracy functions: PCK, AUC, EPE, heatmap PCK and MPII PCKh.

Semantics follow mmpose 0.24 ``mmpose/core/evaluation/top_down_eval.py`` (PCK family) and
``TopDownMpiiDataset.evaluate`` (PCKh):

* PCK counts a distance as correct only when it is *strictly below* the threshold.
* A sample whose normaliser has a zero entry is masked out; a joint with no valid sample gets
  accuracy -1 and is left out of the average.
* PCKh counts a distance *at or below* the threshold (0.x ``scaled_uv_err <= threshold``).
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from mmpose.codecs._refinement import get_max_preds

# MPII head size is 0.6 x the head-box diagonal (Andriluka et al., CVPR 2014; 0.x SC_BIAS).
MPII_HEAD_SIZE_FACTOR = 0.6

# MPII joint order (0 r-ankle ... 15 l-wrist): the parts reported by the PCKh table, as
# (name, right index, left index); the head top is reported alone.
_MPII_PARTS = (('Shoulder', 12, 13), ('Elbow', 11, 14), ('Wrist', 10, 15), ('Hip', 2, 3),
               ('Knee', 1, 4), ('Ankle', 0, 5))
_MPII_HEAD_TOP = 9
# Pelvis and thorax are left out of the mean PCKh (0.x ``PCKh.mask[6:8] = True``).
_MPII_EXCLUDED = (6, 7)


def _calc_distances(preds: np.ndarray, gts: np.ndarray, mask: np.ndarray,
                    norm_factor: np.ndarray) -> np.ndarray:
    """Normalised distances, -1 where masked.

    Args:
        preds: Predicted keypoints, (N, K, D).
        gts: Ground-truth keypoints, (N, K, D).
        mask: Valid keypoints, (N, K) bool.
        norm_factor: Normaliser per sample and coordinate, (N, D).

    Returns:
        Distances, (K, N) float32; -1 for masked entries.
    """
    mask = np.asarray(mask, dtype=bool).copy()
    norm_factor = np.asarray(norm_factor, dtype=np.float64).copy()
    # A zero normaliser (e.g. a degenerate box) masks the whole sample.
    mask[np.where((norm_factor == 0).sum(1))[0], :] = False
    norm_factor[norm_factor <= 0] = 1e6
    distances = np.full(mask.shape, -1, dtype=np.float32)
    distances[mask] = np.linalg.norm(((preds - gts) / norm_factor[:, None, :])[mask], axis=-1)
    return distances.T


def _distance_acc(distances: np.ndarray, thr: float) -> float:
    """Fraction of valid (!= -1) distances strictly below ``thr``; -1 if none is valid."""
    valid = distances != -1
    num_valid = valid.sum()
    if num_valid > 0:
        return (distances[valid] < thr).sum() / num_valid
    return -1


def keypoint_pck_accuracy(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, thr: float,
                          normalize: np.ndarray) -> tuple[np.ndarray, float, int]:
    """PCK: fraction of keypoints whose normalised distance is below ``thr``.

    Args:
        pred: Predicted keypoints, (N, K, 2).
        gt: Ground-truth keypoints, (N, K, 2).
        mask: Valid keypoints, (N, K) bool.
        thr: Threshold on the normalised distance.
        normalize: Normaliser per sample and coordinate, (N, 2).

    Returns:
        Per-joint accuracy (K,) with -1 for joints without a valid sample, the mean over
        joints with a valid sample (0 if none), and the number of such joints.
    """
    distances = _calc_distances(np.asarray(pred), np.asarray(gt), mask, normalize)
    acc = np.array([_distance_acc(d, thr) for d in distances])
    valid_acc = acc[acc >= 0]
    cnt = len(valid_acc)
    avg_acc = valid_acc.mean() if cnt > 0 else 0
    return acc, avg_acc, cnt


def keypoint_auc(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray, normalize: float,
                 num_step: int = 20) -> float:
    """Area under the PCK curve for thresholds ``0, 1/num_step, ..., (num_step-1)/num_step``.

    Args:
        pred: Predicted keypoints, (N, K, 2).
        gt: Ground-truth keypoints, (N, K, 2).
        mask: Valid keypoints, (N, K) bool.
        normalize: Scalar normaliser in pixels (e.g. 30 for InterHand2.6M).
        num_step: Number of thresholds.

    Returns:
        The AUC in [0, 1].
    """
    norm = np.tile(np.array([[normalize, normalize]]), (np.asarray(pred).shape[0], 1))
    auc = 0.0
    for i in range(num_step):
        _, avg_acc, _ = keypoint_pck_accuracy(pred, gt, mask, 1.0 * i / num_step, norm)
        auc += 1.0 / num_step * avg_acc
    return auc


def keypoint_epe(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray) -> float:
    """End-point error: mean Euclidean distance over valid keypoints.

    Args:
        pred: Predicted keypoints, (N, K, D).
        gt: Ground-truth keypoints, (N, K, D).
        mask: Valid keypoints, (N, K) bool.

    Returns:
        The mean distance in pixels (0 if no keypoint is valid).
    """
    pred = np.asarray(pred)
    ones = np.ones((pred.shape[0], pred.shape[2]), dtype=np.float32)
    distances = _calc_distances(pred, np.asarray(gt), mask, ones)
    valid = distances[distances != -1]
    return valid.sum() / max(1, len(valid))


def pose_pck_accuracy(output: np.ndarray,
                      target: np.ndarray,
                      mask: np.ndarray,
                      thr: float = 0.05,
                      normalize: np.ndarray | None = None
                      ) -> tuple[np.ndarray | None, float, int]:
    """PCK between the argmax locations of predicted and target heatmaps.

    Args:
        output: Predicted heatmaps, (N, K, H, W).
        target: Target heatmaps, (N, K, H, W).
        mask: Valid keypoints, (N, K) bool.
        thr: Threshold on the normalised distance.
        normalize: Normaliser, (N, 2). Defaults to ``(H, W)`` for every sample (0.x order).

    Returns:
        As :func:`keypoint_pck_accuracy`; ``(None, 0, 0)`` when K is 0.
    """
    output, target = np.asarray(output), np.asarray(target)
    num, num_kpts, height, width = output.shape
    if num_kpts == 0:
        return None, 0, 0
    if normalize is None:
        normalize = np.tile(np.array([[height, width]]), (num, 1))
    pred, gt = get_max_preds(output)[0], get_max_preds(target)[0]
    return keypoint_pck_accuracy(pred, gt, mask, thr, normalize)


def mpii_head_sizes(head_boxes: np.ndarray) -> np.ndarray:
    """Head sizes for PCKh: 0.6 x the diagonal of each head box.

    Args:
        head_boxes: Head boxes as corner pairs ``[[x1, y1], [x2, y2]]``, (N, 2, 2).

    Returns:
        Head sizes, (N,).
    """
    head_boxes = np.asarray(head_boxes, dtype=np.float64)
    return np.linalg.norm(head_boxes[:, 1] - head_boxes[:, 0], axis=-1) * MPII_HEAD_SIZE_FACTOR


def _scaled_errors(pred: np.ndarray, gt: np.ndarray, head_sizes: np.ndarray) -> np.ndarray:
    """Distances divided by the head size, (N, K)."""
    err = np.linalg.norm(np.asarray(pred, np.float64) - np.asarray(gt, np.float64), axis=-1)
    return err / np.asarray(head_sizes, np.float64)[:, None]


def keypoint_pckh(pred: np.ndarray,
                  gt: np.ndarray,
                  mask: np.ndarray,
                  head_sizes: np.ndarray,
                  thr: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """PCKh: per-joint fraction of keypoints within ``thr`` head sizes.

    Args:
        pred: Predicted keypoints, (N, K, 2).
        gt: Ground-truth keypoints, (N, K, 2).
        mask: Visible ground-truth keypoints, (N, K) bool.
        head_sizes: Head size per sample (see :func:`mpii_head_sizes`), (N,).
        thr: Threshold in head sizes; a distance at or below it counts.

    Returns:
        Per-joint PCKh in [0, 1] with -1 for joints that are never visible, (K,), and the
        number of visible samples per joint, (K,).
    """
    mask = np.asarray(mask, dtype=bool)
    hits = ((_scaled_errors(pred, gt, head_sizes) <= thr) & mask).sum(0)
    count = mask.sum(0)
    pckh = np.where(count > 0, hits / np.maximum(count, 1), -1.0)
    return pckh, count


def mpii_pckh_summary(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
                      head_sizes: np.ndarray, thr: float = 0.5) -> OrderedDict:
    """The MPII PCKh table of mmpose 0.x, in percent.

    Args:
        pred: Predicted keypoints in MPII joint order, (N, 16, 2).
        gt: Ground-truth keypoints, (N, 16, 2).
        mask: Visible ground-truth keypoints, (N, 16) bool.
        head_sizes: Head size per sample (see :func:`mpii_head_sizes`), (N,).
        thr: PCKh threshold in head sizes.

    Returns:
        ``Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle`` (left/right averaged), ``PCKh``
        (mean weighted by visible counts, pelvis and thorax excluded) and ``PCKh@0.1``.
    """
    pckh, count = keypoint_pckh(pred, gt, mask, head_sizes, thr)
    # 0.x reads PCKh@0.1 from a sweep of thresholds 0:0.01:0.5; entry 10 is 0.1.
    pckh_01, _ = keypoint_pckh(pred, gt, mask, head_sizes, np.arange(0, 0.5 + 0.01, 0.01)[10])
    weights = count.astype(np.float64)
    weights[list(_MPII_EXCLUDED)] = 0
    weights /= max(weights.sum(), 1)
    # Joints never visible have weight 0; they only matter in the per-part entries.
    pckh_pct, pckh_01_pct = 100. * np.maximum(pckh, 0), 100. * np.maximum(pckh_01, 0)
    summary = OrderedDict(Head=float(pckh_pct[_MPII_HEAD_TOP]))
    for name, right, left in _MPII_PARTS:
        summary[name] = float(0.5 * (pckh_pct[right] + pckh_pct[left]))
    summary['PCKh'] = float(np.sum(pckh_pct * weights))
    summary['PCKh@0.1'] = float(np.sum(pckh_01_pct * weights))
    return summary
