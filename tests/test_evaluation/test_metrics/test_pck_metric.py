"""PCKAccuracyMetric: InterHand2.6M facts (reference_expectations §1.8, §2.3) end to end, the
box-normalised PCK on hand-made inputs, and bad configuration / input."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers import gt_as_predictions

from mmpose.datasets import InterHand2DDataset
from mmpose.evaluation import PCKAccuracyMetric
from mmpose.registry import METRICS


@pytest.fixture(scope='module')
def interhand(samples):
    root = samples / 'interhand2.6m'
    return InterHand2DDataset(ann_file=str(root / 'test_interhand2.6m_data.json'),
                              camera_file=str(root / 'test_interhand2.6m_camera.json'),
                              joint_file=str(root / 'test_interhand2.6m_joint_3d.json'),
                              image_size=(256, 256), test_mode=True)


@pytest.mark.parametrize('shift, pck, auc, epe', [
    (0, 1.0, 0.95, 0.0),  # §1.8: a zero distance fails at AUC threshold 0
    (3, 1.0, 0.85, 3.0),  # §2.3
    (10, 1.0, 0.65, 10.0),
])
def test_gt_as_prediction_and_shift(interhand, shift, pck, auc, epe):
    metric = METRICS.build(dict(type='PCKAccuracyMetric', metric_names=('PCK', 'AUC', 'EPE'),
                                prefix='interhand2d'))
    preds = gt_as_predictions(interhand, shift)
    metric.process(None, preds)
    out = metric.evaluate(len(preds))
    assert list(out) == ['interhand2d/PCK', 'interhand2d/AUC', 'interhand2d/EPE']
    assert out['interhand2d/PCK'] == pytest.approx(pck, abs=1e-12)
    assert out['interhand2d/AUC'] == pytest.approx(auc, abs=1e-9)
    assert out['interhand2d/EPE'] == pytest.approx(epe, abs=1e-5)


def _sample(bbox_id, pred, gt, visible, bbox, img_id=1) -> dict:
    return dict(img_id=img_id, bbox_id=bbox_id, pred_keypoints=np.asarray(pred, float),
                gt_keypoints=np.asarray(gt, float), gt_keypoints_visible=np.asarray(visible),
                bbox=np.asarray(bbox, float))


def test_pck_is_normalised_by_the_longer_box_side():
    """Threshold 0.2 x max(w, h) = 20 px for a 50 x 100 box, 4 px for a 20 x 10 box."""
    gt = np.zeros((4, 2))
    a = _sample(0, [[19, 0], [0, 21], [5, 5], [100, 100]], gt, [1, 1, 1, 0], [0, 0, 50, 100])
    b = _sample(1, [[3, 0], [0, 5], [0, 0], [9, 9]], gt, [1, 1, 1, 1], [0, 0, 20, 10])
    metric = PCKAccuracyMetric(metric_names='PCK')
    metric.process(None, [b, a])
    # per joint: [2/2, 0/2, 2/2, 0/1] -> mean 0.5; the invisible joint of `a` is ignored
    assert metric.compute_metrics(metric.results) == {'PCK': pytest.approx(0.5)}


def test_auc_epe_and_dedup():
    """§3 data: distances 4, 8, 14.14, 20 px (one joint masked); AUC over 20 px in 4 steps."""
    pred = [[10, 4], [10, 18], [0, 0], [40, 40], [20, 10]]
    gt = [[10, 0], [10, 10], [0, 0], [30, 30], [0, 10]]
    sample = _sample(0, pred, gt, [1, 1, 0, 1, 1], [0, 0, 10, 10])
    metric = PCKAccuracyMetric(metric_names=['AUC', 'EPE'], auc_normalize=20, auc_num_steps=4)
    # a repeated (img_id, bbox_id), as a padded distributed batch gives, is dropped
    repeated = dict(sample, pred_keypoints=torch.zeros(5, 2))
    metric.process(None, [sample, repeated])
    out = metric.compute_metrics(metric.results)
    assert out['AUC'] == pytest.approx(0.375)
    assert out['EPE'] == pytest.approx(11.5355339, abs=1e-6)


@pytest.mark.parametrize('metrics', ['mAP', ('PCK', 'PCKh')])
def test_unknown_metric_lists_valid_ones(metrics):
    with pytest.raises(KeyError, match=r"valid metrics: \['PCK', 'AUC', 'EPE'\]"):
        PCKAccuracyMetric(metric_names=metrics)


def test_bad_input():
    with pytest.raises(ValueError, match='empty'):
        PCKAccuracyMetric(metric_names=())
    metric = PCKAccuracyMetric()
    sample = _sample(0, np.zeros((3, 2)), np.zeros((3, 2)), [1, 1, 1], [0, 0, 5, 5])
    with pytest.raises(KeyError, match=r"lacks \['bbox'\].*InterHand2DDataset"):
        metric.process(None, [{k: v for k, v in sample.items() if k != 'bbox'}])
    PCKAccuracyMetric(metric_names='EPE').process(None, [{k: v for k, v in sample.items()
                                                     if k != 'bbox'}])  # EPE needs no box
    with pytest.raises(ValueError, match='3 predicted, 2 ground-truth'):
        metric.process(None, [dict(sample, gt_keypoints=np.zeros((2, 2)))])
    with pytest.raises(ValueError, match='no predictions'):
        metric.compute_metrics([])
