"""Object-keypoint-similarity (OKS) and greedy / soft OKS non-maximum suppression.

Semantics follow mmpose 0.24 (``mmpose/core/post_processing/nms.py``), which ViTPose and
PoseBH vendor, so keep lists and their order are identical to that code:

* ``var = (2 sigma)^2`` and ``e = d^2 / var / ((a_g + a_d) / 2 + eps) / 2``; the OKS of a pair
  is the mean of ``exp(-e)`` over all K keypoints (or over the keypoints whose scores pass
  ``vis_thr`` on *both* poses, mmpose 1.x's fix of a 0.x bug that only looked at one pose).
* OKS values are stored as float32, exactly as 0.x's ``ious`` buffer, because NMS compares them
  against a threshold and ties must break the same way.
* Candidates are visited in ``scores.argsort()[::-1]`` order; soft-NMS re-sorts the rescored
  remainder with the same expression after every pick.

Unlike 0.x, the pairwise OKS matrix of one image is computed once with broadcasting and the
greedy loops only index it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Default sigmas of mmpose 0.x ``oks_iou``: the COCO person keypoint sigmas (cocoapi).
_COCO_SIGMAS = np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87,
                         .87, .89, .89]) / 10.0

# Bound on the number of float64 elements of one (rows, N, K) block of the OKS computation.
_MAX_BLOCK_ELEMENTS = 1 << 22


def _resolve_sigmas(sigmas: Sequence[float] | np.ndarray | None, num_keypoints: int) -> np.ndarray:
    sigmas = _COCO_SIGMAS if sigmas is None else np.asarray(sigmas, dtype=np.float64)
    if sigmas.shape != (num_keypoints,):
        raise ValueError(f'sigmas has shape {sigmas.shape}, expected ({num_keypoints},) '
                         'to match the keypoints')
    return sigmas


def pairwise_oks(keypoints: np.ndarray,
                 areas: np.ndarray,
                 sigmas: Sequence[float] | np.ndarray | None = None,
                 keypoint_scores: np.ndarray | None = None,
                 vis_thr: float | None = None) -> np.ndarray:
    """OKS between every pair of poses of one image.

    Args:
        keypoints: Keypoint coordinates, (N, K, 2).
        areas: Object areas, (N,).
        sigmas: Per-keypoint OKS sigmas, (K,). Defaults to the COCO sigmas.
        keypoint_scores: Keypoint scores, (N, K); only needed with ``vis_thr``.
        vis_thr: If given, only keypoints scoring above it on both poses count; a pair with no
            such keypoint has OKS 0.

    Returns:
        Symmetric OKS matrix, (N, N), float32.
    """
    keypoints = np.asarray(keypoints)
    areas = np.asarray(areas)
    num, num_kpts = keypoints.shape[:2]
    variances = (_resolve_sigmas(sigmas, num_kpts) * 2)**2
    if vis_thr is not None:
        if keypoint_scores is None:
            raise ValueError('vis_thr needs keypoint_scores')
        visible = np.asarray(keypoint_scores) > vis_thr
    oks = np.empty((num, num), dtype=np.float32)
    rows = max(1, _MAX_BLOCK_ELEMENTS // max(1, num * num_kpts))
    x, y = keypoints[..., 0], keypoints[..., 1]
    for start in range(0, num, rows):
        sl = slice(start, start + rows)
        # Same operation order and dtypes as 0.x so the float32 values match bit for bit.
        dx = x[None, :, :] - x[sl, None, :]
        dy = y[None, :, :] - y[sl, None, :]
        half_area = ((areas[sl, None] + areas[None, :]) / 2 + np.spacing(1))[..., None]
        e = (dx**2 + dy**2) / variances / half_area / 2
        if vis_thr is None:
            oks[sl] = np.sum(np.exp(-e), axis=-1) / num_kpts
        else:
            valid = visible[sl, None, :] & visible[None, :, :]
            count = valid.sum(-1)
            total = np.sum(np.where(valid, np.exp(-e), 0.0), axis=-1)
            oks[sl] = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return oks


def oks_iou(g: np.ndarray,
            d: np.ndarray,
            a_g: float,
            a_d: Sequence[float] | np.ndarray,
            sigmas: Sequence[float] | np.ndarray | None = None,
            vis_thr: float | None = None) -> np.ndarray:
    """OKS between one pose and a set of poses (mmpose 0.x API).

    Args:
        g: Flattened pose ``[x, y, score] * K``, (K*3,).
        d: Flattened poses, (N, K*3).
        a_g: Area of ``g``.
        a_d: Areas of ``d``, (N,).
        sigmas: Per-keypoint OKS sigmas, (K,). Defaults to the COCO sigmas.
        vis_thr: Optional keypoint score threshold (applied to both poses).

    Returns:
        OKS of ``g`` with each pose of ``d``, (N,), float32.
    """
    g = np.asarray(g).reshape(1, -1, 3)
    d = np.asarray(d)
    d = d.reshape(d.shape[0], -1, 3)
    poses = np.concatenate([g, d], axis=0)
    areas = np.concatenate([np.asarray([a_g]), np.asarray(a_d)])
    oks = pairwise_oks(poses[..., :2], areas, sigmas, poses[..., 2], vis_thr)
    return oks[0, 1:]


def oks_nms_arrays(keypoints: np.ndarray,
                   scores: np.ndarray,
                   areas: np.ndarray,
                   thr: float,
                   sigmas: Sequence[float] | np.ndarray | None = None,
                   keypoint_scores: np.ndarray | None = None,
                   vis_thr: float | None = None) -> np.ndarray:
    """Greedy OKS-NMS on the poses of one image.

    Args:
        keypoints: Keypoint coordinates, (N, K, 2).
        scores: Instance scores, (N,).
        areas: Object areas, (N,).
        thr: Poses whose OKS with a kept pose is above ``thr`` are suppressed.
        sigmas: Per-keypoint OKS sigmas, (K,). Defaults to the COCO sigmas.
        keypoint_scores: Keypoint scores, (N, K); only needed with ``vis_thr``.
        vis_thr: Optional keypoint score threshold for the OKS.

    Returns:
        Indices of the kept poses in order of decreasing score, (M,).
    """
    scores = np.asarray(scores)
    if len(scores) == 0:
        return np.zeros(0, dtype=np.intp)
    oks = pairwise_oks(keypoints, areas, sigmas, keypoint_scores, vis_thr)
    order = scores.argsort()[::-1]
    keep: list[int] = []
    while len(order) > 0:
        i = order[0]
        keep.append(i)
        order = order[1:][oks[i, order[1:]] <= thr]
    return np.asarray(keep, dtype=np.intp)


def soft_oks_nms_arrays(keypoints: np.ndarray,
                        scores: np.ndarray,
                        areas: np.ndarray,
                        thr: float,
                        max_dets: int = 20,
                        sigmas: Sequence[float] | np.ndarray | None = None,
                        keypoint_scores: np.ndarray | None = None,
                        vis_thr: float | None = None) -> np.ndarray:
    """Soft OKS-NMS with Gaussian rescoring ``s * exp(-oks^2 / thr)`` on one image.

    Args:
        keypoints: Keypoint coordinates, (N, K, 2).
        scores: Instance scores, (N,).
        areas: Object areas, (N,).
        thr: Width of the Gaussian penalty.
        max_dets: Maximum number of kept poses.
        sigmas: Per-keypoint OKS sigmas, (K,). Defaults to the COCO sigmas.
        keypoint_scores: Keypoint scores, (N, K); only needed with ``vis_thr``.
        vis_thr: Optional keypoint score threshold for the OKS.

    Returns:
        Indices of the kept poses in pick order, (M,) with M <= max_dets.
    """
    scores = np.asarray(scores)
    if len(scores) == 0:
        return np.zeros(0, dtype=np.intp)
    oks = pairwise_oks(keypoints, areas, sigmas, keypoint_scores, vis_thr)
    thr = float(thr)  # a numpy scalar would promote the float32 penalty to float64
    order = scores.argsort()[::-1]
    scores = scores[order]
    keep: list[int] = []
    while len(order) > 0 and len(keep) < max_dets:
        i = order[0]
        overlap = oks[i, order[1:]]
        order = order[1:]
        scores = scores[1:] * np.exp(-overlap**2 / thr)
        resort = scores.argsort()[::-1]
        order, scores = order[resort], scores[resort]
        keep.append(i)
    return np.asarray(keep, dtype=np.intp)


def _unpack_kpts_db(kpts_db: Sequence[dict],
                    score_per_joint: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    poses = np.array([np.asarray(k['keypoints']).reshape(-1, 3) for k in kpts_db])
    if score_per_joint:
        scores = np.array([np.asarray(k['score']).mean() for k in kpts_db])
    else:
        scores = np.array([k['score'] for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    return poses, scores, areas


def oks_nms(kpts_db: Sequence[dict],
            thr: float,
            sigmas: Sequence[float] | np.ndarray | None = None,
            vis_thr: float | None = None,
            score_per_joint: bool = False) -> np.ndarray:
    """Greedy OKS-NMS over pose dicts (mmpose 0.x API).

    Args:
        kpts_db: Poses, each a dict with ``'keypoints'`` (K, 3) ``[x, y, score]``, ``'score'``
            (a float, or (K,) when ``score_per_joint``) and ``'area'``.
        thr: OKS threshold above which a pose is suppressed.
        sigmas: Per-keypoint OKS sigmas, (K,). Defaults to the COCO sigmas.
        vis_thr: Optional keypoint score threshold for the OKS.
        score_per_joint: The instance score is the mean of per-joint ``'score'`` values.

    Returns:
        Indices into ``kpts_db`` of the kept poses, (M,).
    """
    if len(kpts_db) == 0:
        return np.zeros(0, dtype=np.intp)
    poses, scores, areas = _unpack_kpts_db(kpts_db, score_per_joint)
    return oks_nms_arrays(poses[..., :2], scores, areas, thr, sigmas, poses[..., 2], vis_thr)


def soft_oks_nms(kpts_db: Sequence[dict],
                 thr: float,
                 max_dets: int = 20,
                 sigmas: Sequence[float] | np.ndarray | None = None,
                 vis_thr: float | None = None,
                 score_per_joint: bool = False) -> np.ndarray:
    """Soft OKS-NMS over pose dicts (mmpose 0.x API); see :func:`oks_nms` for the inputs.

    Returns:
        Indices into ``kpts_db`` of the kept poses in pick order, (M,) with M <= max_dets.
    """
    if len(kpts_db) == 0:
        return np.zeros(0, dtype=np.intp)
    poses, scores, areas = _unpack_kpts_db(kpts_db, score_per_joint)
    return soft_oks_nms_arrays(poses[..., :2], scores, areas, thr, max_dets, sigmas,
                               poses[..., 2], vis_thr)
