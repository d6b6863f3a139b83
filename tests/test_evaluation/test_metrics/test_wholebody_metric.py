"""CocoWholeBodyMetric: reference_expectations §1.2, §2.3 and §7.2 through the real loader."""
from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import gt_as_predictions

from mmpose.datasets import CocoStyleDataset
from mmpose.evaluation import CocoWholeBodyMetric
from mmpose.registry import METRICS

ANN = 'coco_wholebody/test_coco_wholebody.json'
FIELDS = ('keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts')
STATS = ('AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5', 'AR .75', 'AR (M)', 'AR (L)')
PARTS = ('body', 'foot', 'face', 'lefthand', 'righthand')


@pytest.fixture(scope='module')
def wholebody(samples):
    return CocoStyleDataset(ann_file=str(samples / ANN), dataset_name='coco_wholebody',
                            keypoint_fields=FIELDS, visibility='positive', test_mode=True)


def _evaluate(samples, dataset, shift_x=0.0, **kwargs) -> dict:
    metric = CocoWholeBodyMetric(str(samples / ANN), **kwargs)
    preds = gt_as_predictions(dataset, shift_x)
    metric.process(None, preds)
    return metric.evaluate(len(preds))


def test_gt_as_prediction(samples, wholebody):
    """§1.2: every whole-body stat and every part's AP/AR is 1."""
    metrics = _evaluate(samples, wholebody)
    names = [*STATS, *(f'{p}/{s}' for p in PARTS for s in ('AP', 'AR'))]
    assert list(metrics) == [f'coco_wholebody/{n}' for n in names]
    for key, value in metrics.items():
        assert value == pytest.approx(1.0, abs=1e-12), key


@pytest.mark.parametrize('shift, ap, ar, coco_ap, coco_ar', [
    (2, 0.761084, 0.833333, 0.950545, 0.966667),
    (5, 0.247486, 0.400000, 0.666527, 0.741667),
    (20, 0.007129, 0.033333, 0.031768, 0.058333),
])
def test_uniform_x_shift(samples, wholebody, shift, ap, ar, coco_ap, coco_ar):
    """§2.3 whole-body rows; the body pass equals the COCO rows (same persons, sigmas, area)."""
    metrics = _evaluate(samples, wholebody, shift, prefix='wb')
    assert metrics['wb/AP'] == pytest.approx(ap, abs=1e-6)
    assert metrics['wb/AR'] == pytest.approx(ar, abs=1e-6)
    assert metrics['wb/body/AP'] == pytest.approx(coco_ap, abs=1e-6)
    assert metrics['wb/body/AR'] == pytest.approx(coco_ar, abs=1e-6)


def test_results_file_splits_parts(samples, wholebody, tmp_path):
    metric = METRICS.build(dict(type='CocoWholeBodyMetric', ann_file=str(samples / ANN),
                                outfile_prefix=str(tmp_path / 'wb')))
    preds = gt_as_predictions(wholebody)
    metric.process(None, preds)
    metric.compute_metrics(metric.results)
    results = json.loads((tmp_path / 'wb.keypoints.json').read_text())
    assert len(results) == 12
    assert {f: len(results[0][f]) for f in FIELDS} == dict(
        keypoints=51, foot_kpts=18, face_kpts=204, lefthand_kpts=63, righthand_kpts=63)
    first = np.concatenate([np.reshape(results[0][f], (-1, 3)) for f in FIELDS])
    np.testing.assert_allclose(first[:, :2], preds[0]['pred_keypoints'], atol=1e-4)


def test_sigma_slices_and_bad_inputs(samples, wholebody):
    metric = CocoWholeBodyMetric(str(samples / ANN))
    assert metric._cuts().tolist() == [0, 17, 23, 91, 112, 133]
    np.testing.assert_array_equal(metric.sigmas[17:23], [.068, .066, .066, .092, .094, .094])
    with pytest.raises(ValueError, match='17 keypoints, expected 133'):
        metric._keypoint_fields(np.zeros((1, 17, 3)))
    with pytest.raises(ValueError, match="17 sigmas from metainfo='coco', expected 133"):
        CocoWholeBodyMetric(str(samples / ANN), metainfo='coco')
    from_meta = CocoWholeBodyMetric(str(samples / ANN), metainfo=None, nms_mode='none')
    from_meta.dataset_meta = dict(sigmas=[0.05] * 17)
    from_meta.process(None, gt_as_predictions(wholebody))
    with pytest.raises(ValueError, match='17 sigmas from dataset_meta, expected 133'):
        from_meta.compute_metrics(from_meta.results)
    with pytest.raises(TypeError):  # the protocol fixes use_area and the iou type
        CocoWholeBodyMetric(str(samples / ANN), use_area=False)
