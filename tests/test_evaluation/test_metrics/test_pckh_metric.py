"""MpiiPCKhMetric against constructed ``mpii_gt_val.mat`` files in the official layout.

No official ``.mat`` sample exists (reference_expectations §1.3), so the files are written with
``scipy.io.savemat``: ``dataset_joints`` (1 x 16 cell of names), ``jnt_missing`` (16, N),
``pos_gt_src`` (16, 2, N) and ``headboxes_src`` (2, 2, N), 1-based coordinates.
"""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest
import torch
from scipy.io import savemat

from mmpose.datasets import MpiiDataset
from mmpose.evaluation import MpiiPCKhMetric
from mmpose.evaluation.metrics import mpii_pckh_metric
from mmpose.evaluation.metrics.mpii_pckh_metric import default_mpii_gt_file
from mmpose.registry import METRICS

MAT_JOINTS = ('rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thrx', 'neck', 'head',
              'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri')
TABLE = ('Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1')


def write_mat(path, joints, visible, head_boxes, names=MAT_JOINTS) -> str:
    """joints (N, 16, 2) 1-based, visible (N, 16), head_boxes (N, 2, 2) [[x1, y1], [x2, y2]]."""
    cells = np.empty((1, len(names)), dtype=object)
    for i, name in enumerate(names):
        cells[0, i] = np.array([name])
    savemat(str(path), dict(dataset_joints=cells,
                            jnt_missing=1 - np.asarray(visible, float).T,
                            pos_gt_src=np.asarray(joints, float).transpose(1, 2, 0),
                            headboxes_src=np.asarray(head_boxes, float).transpose(1, 2, 0)))
    return str(path)


def _preds(joints_1based, bbox_ids=None) -> list[dict]:
    """Predictions in 0-based pixels (what the model outputs), img_id = entry index."""
    ids = range(len(joints_1based)) if bbox_ids is None else bbox_ids
    return [dict(img_id=i, bbox_id=b, pred_keypoints=np.asarray(j, np.float32) - 1)
            for i, (b, j) in enumerate(zip(ids, joints_1based))]


@pytest.fixture
def two_persons(tmp_path):
    """Person 0: head size 0.6 x 50 = 30 px; person 1: 0.6 x 100 = 60 px; person 1's left
    ankle (5) is missing."""
    rng = np.random.default_rng(0)
    joints = rng.uniform(100, 400, (2, 16, 2)).round()
    visible = np.ones((2, 16))
    visible[1, 5] = 0
    boxes = np.array([[[0, 0], [30, 40]], [[10, 10], [70, 90]]], float)
    return write_mat(tmp_path / 'mpii_gt_val.mat', joints, visible, boxes), joints


def test_gt_as_prediction_is_100(two_persons):
    gt_file, joints = two_persons
    metric = METRICS.build(dict(type='MpiiPCKhMetric', gt_file=gt_file))
    metric.process(None, _preds(joints))
    out = metric.evaluate(2)
    assert list(out) == [f'mpii/{n}' for n in TABLE]
    assert out == pytest.approx({k: 100.0 for k in out})


def test_hand_computed_case(two_persons):
    gt_file, joints = two_persons
    pred = joints.copy()
    pred[0, 9, 0] += 12  # head top: 12 / 30 = 0.4 -> hit at 0.5, miss at 0.1
    pred[0, 10, 1] += 20  # r-wrist: 0.67 -> miss
    pred[0, 6, 0] += 100  # pelvis: miss, but pelvis and thorax are not in the mean
    pred[0, 12, 0] += 2  # r-shoulder: 0.067 -> hit at both
    pred[1, 9, 0] += 40  # head top: 40 / 60 -> miss
    pred[1, 4, 1] += 31  # l-knee: 0.52 -> miss
    pred[1, 0, 0] += 5  # r-ankle: 0.083 -> hit at both
    pred[1, 5] += 500  # l-ankle: missing in the GT, ignored
    pred[1, 13, 1] += 10  # l-shoulder: 0.167 -> hit at 0.5, miss at 0.1
    metric = MpiiPCKhMetric(gt_file=gt_file)
    metric.process(None, _preds(pred))
    out = metric.compute_metrics(metric.results)
    # PCKh per joint (%): l-knee 50, head 50, r-wrist 50, pelvis 50 (excluded), others 100
    expected = dict(Head=50.0, Shoulder=100.0, Elbow=100.0, Wrist=75.0, Hip=100.0, Knee=75.0,
                    Ankle=100.0)
    for key, value in expected.items():
        assert out[key] == pytest.approx(value), key
    # 27 visible joints outside pelvis/thorax (13 x 2 + 1); 24 hits at 0.5, 22 at 0.1
    assert out['PCKh'] == pytest.approx(100 * 24 / 27)
    assert out['PCKh@0.1'] == pytest.approx(100 * 22 / 27)


def test_sorting_dedup_torch_and_missing(two_persons, monkeypatch):
    gt_file, joints = two_persons
    metric = MpiiPCKhMetric(gt_file=gt_file)
    preds = _preds(joints, bbox_ids=[5, 3])
    padded = [preds[1], preds[0], dict(preds[1], pred_keypoints=torch.zeros(16, 2))]
    metric.process(None, padded)
    assert metric.compute_metrics(metric.results)['PCKh'] == pytest.approx(100.0)
    logged = []
    monkeypatch.setattr(mpii_pckh_metric, 'print_log',
                        lambda msg, logger=None, level=logging.INFO: logged.append((msg, level)))
    out = metric.compute_metrics(metric.results[:1])  # person 0 has no prediction: misses
    assert out['Head'] == 50.0
    assert any('1 of 2 persons' in m and lvl == logging.WARNING for m, lvl in logged)


def test_bad_predictions(two_persons):
    gt_file, joints = two_persons
    metric = MpiiPCKhMetric(gt_file=gt_file)
    metric.process(None, [dict(_preds(joints)[0], img_id=2)])
    with pytest.raises(ValueError, match='entry 2 but .* has 2 persons'):
        metric.compute_metrics(metric.results)
    with pytest.raises(ValueError, match='two predictions'):
        metric.compute_metrics([dict(metric.results[0], img_id=0, bbox_id=b) for b in (0, 1)])
    with pytest.raises(KeyError, match='img_id'):
        metric.process(None, [dict(bbox_id=0, pred_keypoints=np.zeros((16, 2)))])
    with pytest.raises(ValueError, match='17 keypoints, expected 16'):
        metric.process(None, [dict(img_id=0, bbox_id=0, pred_keypoints=np.zeros((17, 2)))])


def test_missing_and_malformed_gt_files(tmp_path, two_persons):
    absent = tmp_path / 'data' / 'mpii_gt_val.mat'
    with pytest.raises(FileNotFoundError, match='mpii_gt_val.mat.*mpii_annotations.tar'):
        MpiiPCKhMetric(ann_file=str(tmp_path / 'data' / 'mpii_val.json'))
    with pytest.raises(FileNotFoundError, match=str(absent)):
        MpiiPCKhMetric(gt_file=str(absent))
    with pytest.raises(ValueError, match='needs gt_file'):
        MpiiPCKhMetric()
    bad = tmp_path / 'bad.mat'
    savemat(str(bad), dict(jnt_missing=np.zeros((16, 1))))
    with pytest.raises(ValueError, match=r"lacks \['dataset_joints', 'pos_gt_src'"):
        MpiiPCKhMetric(gt_file=str(bad))
    swapped = list(MAT_JOINTS)
    swapped[0], swapped[5] = swapped[5], swapped[0]
    write_mat(bad, np.zeros((1, 16, 2)), np.ones((1, 16)), np.ones((1, 2, 2)), swapped)
    with pytest.raises(ValueError, match="MPII order with {'rank': 0, 'lank': 5}"):
        MpiiPCKhMetric(gt_file=str(bad))
    (tmp_path / 'text.mat').write_text('not a mat file')
    with pytest.raises(ValueError, match='cannot read'):
        MpiiPCKhMetric(gt_file=str(tmp_path / 'text.mat'))


@pytest.mark.parametrize('ann, mat', [
    ('mpii_val.json', 'mpii_gt_val.mat'),
    ('mpii_val_fold2.json', 'mpii_gt_val_fold2.mat'),
    ('mpii_val_multiocc.json', 'mpii_gt_val_multiocc.mat'),
])
def test_default_gt_file(ann, mat):
    assert default_mpii_gt_file(f'/data/mpii/annotations/{ann}') == \
        f'/data/mpii/annotations/{mat}'


def test_loader_round_trip(samples, tmp_path):
    """Real MPII sample: the loader's 0-based joints as predictions, matched through img_id to a
    .mat built from the raw 1-based joints, give 100 (the -1 / +1 shifts cancel exactly)."""
    raw = json.loads((samples / 'mpii' / 'test_mpii.json').read_text())
    joints = np.array([e['joints'] for e in raw])
    visible = np.array([e['joints_vis'] for e in raw])
    boxes = np.tile([[[0, 0], [40, 40]]], (len(raw), 1, 1))
    gt_file = write_mat(tmp_path / 'mpii_gt_val.mat', joints, visible, boxes)
    train = MpiiDataset(str(samples / 'mpii' / 'test_mpii.json'))
    test = MpiiDataset(str(samples / 'mpii' / 'test_mpii.json'), test_mode=True)
    metric = MpiiPCKhMetric(gt_file=gt_file)
    for i in reversed(range(len(train))):
        rec, test_rec = train.get_data_info(i), test.get_data_info(i)
        assert test_rec['img_id'] == rec['img_id'] == i
        metric.process(None, [dict(img_id=test_rec['img_id'], bbox_id=test_rec['bbox_id'],
                                   pred_keypoints=rec['keypoints'])])
    out = metric.compute_metrics(metric.results)
    assert out == pytest.approx({k: 100.0 for k in out})
