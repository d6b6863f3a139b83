"""OKS / OKS-NMS: reference facts and equality with the straightforward 0.x implementation."""
from __future__ import annotations

import numpy as np
import pytest

from mmpose.evaluation.functional import (
    oks_iou,
    oks_nms,
    oks_nms_arrays,
    pairwise_oks,
    soft_oks_nms,
    soft_oks_nms_arrays,
)

COCO_SIGMAS = np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87,
                        .87, .89, .89]) / 10.0


# --- oracle: mmpose 0.24 mmpose/core/post_processing/nms.py, per pair -----------------------
def _oracle_oks_iou(g, d, a_g, a_d, sigmas, vis_thr=None):
    variances = (sigmas * 2)**2
    xg, yg, vg = g[0::3], g[1::3], g[2::3]
    ious = np.zeros(len(d), dtype=np.float32)
    for n_d in range(0, len(d)):
        xd, yd, vd = d[n_d, 0::3], d[n_d, 1::3], d[n_d, 2::3]
        dx = xd - xg
        dy = yd - yg
        e = (dx**2 + dy**2) / variances / ((a_g + a_d[n_d]) / 2 + np.spacing(1)) / 2
        if vis_thr is not None:
            # mmpose 1.x fix; 0.x wrote `list(vg > vis_thr) and list(vd > vis_thr)`
            e = e[(vg > vis_thr) & (vd > vis_thr)]
        ious[n_d] = np.sum(np.exp(-e)) / len(e) if len(e) != 0 else 0.0
    return ious


def _oracle_oks_nms(kpts_db, thr, sigmas, vis_thr=None):
    scores = np.array([k['score'] for k in kpts_db])
    kpts = np.array([k['keypoints'].flatten() for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    order = scores.argsort()[::-1]
    keep = []
    while len(order) > 0:
        i = order[0]
        keep.append(i)
        oks_ovr = _oracle_oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], sigmas,
                                  vis_thr)
        inds = np.where(oks_ovr <= thr)[0]
        order = order[inds + 1]
    return np.array(keep)


def _oracle_soft_oks_nms(kpts_db, thr, max_dets, sigmas, vis_thr=None):
    scores = np.array([k['score'] for k in kpts_db])
    kpts = np.array([k['keypoints'].flatten() for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    order = scores.argsort()[::-1]
    scores = scores[order]
    keep = np.zeros(max_dets, dtype=np.intp)
    keep_cnt = 0
    while len(order) > 0 and keep_cnt < max_dets:
        i = order[0]
        oks_ovr = _oracle_oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], sigmas,
                                  vis_thr)
        order = order[1:]
        scores = scores[1:] * np.exp(-oks_ovr**2 / thr)
        tmp = scores.argsort()[::-1]
        order = order[tmp]
        scores = scores[tmp]
        keep[keep_cnt] = i
        keep_cnt += 1
    return keep[:keep_cnt]


# --- reference section 3 (T24 test_nms) -------------------------------------------------------
def test_oks_iou_reference():
    assert oks_iou(np.ones(51), np.ones([1, 51]), 1, [1]) == pytest.approx([1.0])
    assert oks_iou(np.zeros(51), np.ones([1, 51]), 1, [1])[0] < 0.01


@pytest.mark.parametrize('score_per_joint', [False, True])
def test_oks_nms_reference(score_per_joint):
    def score(s):
        return np.full(17, s) if score_per_joint else s
    kpts_db = [
        dict(keypoints=np.tile([10, 10, .9], [17, 1]), score=score(.9), area=100),
        dict(keypoints=np.tile([10, 10, .9], [17, 1]), score=score(.4), area=100),
        dict(keypoints=np.tile([100, 100, .9], [17, 1]), score=score(.7), area=100),
    ]
    keep = oks_nms(kpts_db, .9, score_per_joint=score_per_joint)
    np.testing.assert_array_equal(keep, [0, 2])
    keep = soft_oks_nms(kpts_db, .9, score_per_joint=score_per_joint)
    np.testing.assert_array_equal(keep, [0, 2, 1])


def test_empty_inputs():
    assert len(oks_nms([], .9)) == 0
    assert len(soft_oks_nms([], .9)) == 0
    assert len(oks_nms_arrays(np.zeros((0, 17, 2)), np.zeros(0), np.zeros(0), .9)) == 0


def test_sigmas_shape_is_checked():
    with pytest.raises(ValueError, match=r'\(14,\)'):
        pairwise_oks(np.zeros((2, 14, 2)), np.ones(2))


# --- vectorised == oracle on random data --------------------------------------------------------
def _random_image(rng: np.random.Generator, dtype: type) -> list[dict]:
    """Poses jittered around a few people so that NMS has something to suppress."""
    num_people, num = rng.integers(1, 5), rng.integers(1, 30)
    people = rng.uniform(0, 300, (num_people, 17, 2))
    pose_ids = rng.integers(0, num_people, num)
    kpts = people[pose_ids] + rng.normal(0, rng.choice([1., 5., 20.]), (num, 17, 2))
    kpt_scores = rng.uniform(0, 1, (num, 17))
    scores = rng.uniform(0, 1, num)
    scores[rng.uniform(size=num) < 0.3] = 0.5  # ties: tie-breaking must match as well
    areas = rng.uniform(500, 2e4, num)
    return [dict(keypoints=np.concatenate([kpts[i], kpt_scores[i, :, None]], 1).astype(dtype),
                 score=float(scores[i]), area=dtype(areas[i])) for i in range(num)]


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_vectorised_matches_oracle(dtype):
    rng = np.random.default_rng(0)
    for _ in range(150):
        kpts_db = _random_image(rng, dtype)
        thr = float(rng.choice([0.3, 0.5, 0.9]))
        vis_thr = None if rng.uniform() < 0.7 else 0.2
        np.testing.assert_array_equal(oks_nms(kpts_db, thr, COCO_SIGMAS, vis_thr),
                                      _oracle_oks_nms(kpts_db, thr, COCO_SIGMAS, vis_thr))
        np.testing.assert_array_equal(soft_oks_nms(kpts_db, thr, 20, COCO_SIGMAS, vis_thr),
                                      _oracle_soft_oks_nms(kpts_db, thr, 20, COCO_SIGMAS,
                                                           vis_thr))


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_pairwise_oks_is_bitwise_oracle(dtype):
    """Without vis_thr the float32 OKS values are identical, so threshold ties match too."""
    rng = np.random.default_rng(1)
    kpts_db = _random_image(rng, dtype) + _random_image(rng, dtype)
    poses = np.array([k['keypoints'] for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    oks = pairwise_oks(poses[..., :2], areas, COCO_SIGMAS)
    for i in range(len(poses)):
        row = _oracle_oks_iou(poses[i].ravel(), poses.reshape(len(poses), -1), areas[i], areas,
                              COCO_SIGMAS)
        np.testing.assert_array_equal(oks[i], row)
    np.testing.assert_array_equal(oks, oks.T)


def test_array_api_matches_dict_api():
    rng = np.random.default_rng(2)
    kpts_db = _random_image(rng, np.float32)
    poses = np.array([k['keypoints'] for k in kpts_db])
    scores = np.array([k['score'] for k in kpts_db])
    areas = np.array([k['area'] for k in kpts_db])
    np.testing.assert_array_equal(oks_nms_arrays(poses[..., :2], scores, areas, .5),
                                  oks_nms(kpts_db, .5))
    np.testing.assert_array_equal(soft_oks_nms_arrays(poses[..., :2], scores, areas, .5, 3),
                                  soft_oks_nms(kpts_db, .5, 3))
    assert len(soft_oks_nms_arrays(poses[..., :2], scores, areas, .5, 3)) == min(3, len(poses))
