"""PCK / AUC / EPE / heatmap PCK (reference section 3) and MPII PCKh."""
from __future__ import annotations

import numpy as np
import pytest

from mmpose.evaluation.functional import (
    keypoint_auc,
    keypoint_epe,
    keypoint_pck_accuracy,
    keypoint_pckh,
    mpii_head_sizes,
    mpii_pckh_summary,
    pose_pck_accuracy,
)


def test_keypoint_pck_accuracy():
    output, target = np.zeros((2, 5, 2)), np.zeros((2, 5, 2))
    mask = np.array([[True, True, False, True, True]] * 2)
    output[0, 0], target[0, 0] = [10, 0], [10, 0]
    output[0, 1], target[0, 1] = [20, 20], [10, 10]
    output[0, 2], target[0, 2] = [0, 0], [-1, 0]
    output[0, 3], target[0, 3] = [30, 30], [30, 30]
    output[0, 4], target[0, 4] = [0, 10], [0, 10]
    normalize = np.full((2, 2), 10, dtype=np.float32)
    acc, avg_acc, cnt = keypoint_pck_accuracy(output, target, mask, 0.5, normalize)
    np.testing.assert_array_almost_equal(acc, [1, 0.5, -1, 1, 1])
    assert avg_acc == pytest.approx(0.875) and cnt == 4
    np.testing.assert_array_equal(normalize, 10)  # inputs are not modified

    acc, avg_acc, cnt = keypoint_pck_accuracy(output, target, mask, 0.5, np.zeros((2, 2)))
    np.testing.assert_array_equal(acc, [-1] * 5)
    assert avg_acc == 0 and cnt == 0

    acc, avg_acc, cnt = keypoint_pck_accuracy(output, target, mask, 0.5,
                                              np.array([[0, 0], [10, 10]]))
    np.testing.assert_array_almost_equal(acc, [1, 1, -1, 1, 1])
    assert avg_acc == pytest.approx(1) and cnt == 4


def _auc_data():
    output, target = np.zeros((1, 5, 2)), np.zeros((1, 5, 2))
    mask = np.array([[True, True, False, True, True]])
    output[0, 0], target[0, 0] = [10, 4], [10, 0]
    output[0, 1], target[0, 1] = [10, 18], [10, 10]
    output[0, 2], target[0, 2] = [0, 0], [0, -1]
    output[0, 3], target[0, 3] = [40, 40], [30, 30]
    output[0, 4], target[0, 4] = [20, 10], [0, 10]
    return output, target, mask


def test_keypoint_auc_and_epe():
    output, target, mask = _auc_data()
    assert keypoint_auc(output, target, mask, 20, 4) == pytest.approx(0.375, abs=1e-9)
    assert keypoint_epe(output, target, mask) == pytest.approx(11.5355339, abs=1e-6)


def test_pck_strictly_below_threshold():
    """A zero distance fails at threshold 0, hence AUC 0.95 for perfect predictions."""
    pts = np.random.default_rng(0).uniform(0, 100, (3, 21, 2))
    mask = np.ones((3, 21), dtype=bool)
    assert keypoint_auc(pts, pts, mask, 30) == pytest.approx(0.95)
    assert keypoint_epe(pts, pts, mask) == 0


def test_pose_pck_accuracy():
    output = np.zeros((1, 5, 64, 64), dtype=np.float32)
    target = np.zeros((1, 5, 64, 64), dtype=np.float32)
    mask = np.array([[True, True, False, False, False]])
    output[0, 0, 20, 20], target[0, 0, 10, 10] = 1, 1
    output[0, 1, 30, 30], target[0, 1, 30, 30] = 1, 1
    acc, avg_acc, cnt = pose_pck_accuracy(output, target, mask)
    np.testing.assert_array_almost_equal(acc, [0, 1, -1, -1, -1])
    assert avg_acc == pytest.approx(0.5) and cnt == 2
    assert pose_pck_accuracy(np.zeros((1, 0, 8, 8)), np.zeros((1, 0, 8, 8)),
                             np.zeros((1, 0), bool)) == (None, 0, 0)


def test_mpii_head_sizes():
    boxes = np.array([[[10, 20], [40, 60]]])  # diagonal 50
    np.testing.assert_allclose(mpii_head_sizes(boxes), [30.0])


def test_keypoint_pckh():
    gt = np.zeros((2, 3, 2))
    pred = gt.copy()
    pred[0, 0] = [15, 0]   # 0.5 head sizes: counts (at or below the threshold)
    pred[1, 0] = [16, 0]   # above
    pred[0, 1] = [3, 0]    # 0.1 head sizes
    mask = np.array([[True, True, False], [True, False, False]])
    pckh, count = keypoint_pckh(pred, gt, mask, np.array([30., 30.]), 0.5)
    np.testing.assert_allclose(pckh, [0.5, 1.0, -1])
    np.testing.assert_array_equal(count, [2, 1, 0])
    pckh, _ = keypoint_pckh(pred, gt, mask, np.array([30., 30.]), 0.05)
    np.testing.assert_allclose(pckh, [0.0, 0.0, -1])


def test_mpii_pckh_summary():
    num = 4
    gt = np.zeros((num, 16, 2))
    pred = gt.copy()
    mask = np.ones((num, 16), dtype=bool)
    head_sizes = np.full(num, 10.0)
    pred[:, 9] = [2, 0]      # head top: within 0.5 but not within 0.1
    pred[0, 12] = [20, 0]    # one right shoulder miss
    pred[:, 6] = [100, 0]    # pelvis: always wrong, but excluded from the mean
    summary = mpii_pckh_summary(pred, gt, mask, head_sizes)
    assert list(summary) == ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle',
                             'PCKh', 'PCKh@0.1']
    assert summary['Head'] == pytest.approx(100.0)
    assert summary['Shoulder'] == pytest.approx(0.5 * (75 + 100))
    assert summary['PCKh'] == pytest.approx(100 * (14 * 4 - 1) / (14 * 4))
    assert summary['PCKh@0.1'] == pytest.approx(100 * (14 * 4 - 1 - 4) / (14 * 4))
