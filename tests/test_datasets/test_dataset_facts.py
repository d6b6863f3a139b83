"""Every loader on its real sample (reference_expectations §1), and loader -> GT-as-prediction ->
metric end to end for the COCO-format datasets (§1.4-§1.7, §2.3).

MPII and InterHand2.6M details live in their own test files; here they join the count table.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import gt_as_predictions

from mmpose.registry import DATASETS, METRICS

_WHOLEBODY_FIELDS = ('keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts')
# name -> (dataset config without paths, annotation file relative to the samples folder)
LOADERS = {
    'coco': (dict(type='CocoStyleDataset'), 'coco/test_coco.json'),
    'coco_wholebody': (dict(type='CocoStyleDataset', keypoint_fields=_WHOLEBODY_FIELDS,
                            visibility='positive'), 'coco_wholebody/test_coco_wholebody.json'),
    'aic': (dict(type='CocoStyleDataset', gt_bbox_only=True), 'aic/test_aic.json'),
    'crowdpose': (dict(type='CocoStyleDataset'), 'crowdpose/test_crowdpose.json'),
    'ochuman': (dict(type='CocoStyleDataset', gt_bbox_only=True), 'ochuman/test_ochuman.json'),
    'ap10k': (dict(type='CocoStyleDataset', gt_bbox_only=True), 'ap10k/test_ap10k.json'),
    'mpii': (dict(type='MpiiDataset'), 'mpii/test_mpii.json'),
    'interhand2d': (dict(
        type='InterHand2DDataset',
        camera_file='interhand2.6m/test_interhand2.6m_camera.json',
        joint_file='interhand2.6m/test_interhand2.6m_joint_3d.json'),
        'interhand2.6m/test_interhand2.6m_data.json'),
}
# name -> metric config (the dataset configs' evaluation protocol)
METRIC_CFGS = {
    'coco': dict(type='CocoMetric', metainfo='coco'),
    'coco_wholebody': dict(type='CocoWholeBodyMetric'),
    'aic': dict(type='CocoMetric', metainfo='aic', use_area=False),
    'crowdpose': dict(type='CocoMetric', metainfo='crowdpose', iou_type='keypoints_crowd',
                      use_area=False),
    'ochuman': dict(type='CocoMetric', metainfo='ochuman'),
    'ap10k': dict(type='CocoMetric', metainfo='ap10k'),
}


def build(samples, name: str, **overrides):
    cfg, ann = LOADERS[name]
    cfg = dict(cfg, dataset_name=name, ann_file=str(samples / ann), **overrides)
    for key in ('camera_file', 'joint_file'):
        if key in cfg:
            cfg[key] = str(samples / cfg[key])
    return DATASETS.build(cfg)


def evaluate(samples, name: str, shift_x: float = 0.0) -> dict:
    """Test-mode loader -> GT-as-prediction (x shifted) -> the dataset's metric."""
    ds = build(samples, name, test_mode=True)
    metric = METRICS.build(dict(METRIC_CFGS[name], ann_file=str(samples / LOADERS[name][1]),
                                prefix=name))
    preds = gt_as_predictions(ds, shift_x)
    metric.process(None, preds)
    return {k.split('/', 1)[1]: v for k, v in metric.evaluate(len(preds)).items()}


# ---- loading (§1) --------------------------------------------------------------------------
@pytest.mark.parametrize('name, count, num_images', [
    ('coco', 12, 4), ('coco_wholebody', 12, 4), ('aic', 9, 3), ('crowdpose', 4, 2),
    ('ochuman', 5, 3), ('ap10k', 2, 2), ('mpii', 5, 5), ('interhand2d', 6, 4)])
@pytest.mark.parametrize('test_mode', [False, True])
def test_counts(samples, name, count, num_images, test_mode):
    ds = build(samples, name, test_mode=test_mode)
    assert len(ds) == count and ds.dataset_name == name
    assert len({ds.get_data_info(i)['img_path'] for i in range(len(ds))}) == num_images
    assert ds.num_bad_records == 0
    assert ds[0]['dataset_name'] == name  # item 0 goes through the (empty) pipeline


@pytest.mark.parametrize('name, image_size, center, scale, visible', [
    ('aic', (192, 256), (385, 326.5), (2.5453126, 3.39375), None),
    ('ochuman', (192, 256), (487, 487), (3.515625, 4.6875), None),
    ('crowdpose', (192, 256), None, None, 7),  # 7 > num_keypoints 5: head/neck have v = 1
    ('ap10k', (256, 256), (611.5, 447.5), (6.81875, 6.81875), 16),
    ('coco_wholebody', (192, 256), (389.64, 217.57), (1.620375, 2.1605), 112),
])
def test_first_record(samples, name, image_size, center, scale, visible):
    rec = build(samples, name, test_mode=True, image_size=image_size).get_data_info(0)
    if center is not None:
        np.testing.assert_allclose(rec['center'], center, atol=1e-4)
        np.testing.assert_allclose(rec['scale'], scale, rtol=1e-6)
    if visible is not None:
        assert rec['keypoints_visible'].sum() == visible


def test_wholebody_matches_coco_records(samples):
    """§1.2: visible counts 112, 106, 83 (any v > 0 counts); centers/scales equal COCO's."""
    wholebody, coco = build(samples, 'coco_wholebody'), build(samples, 'coco')
    assert [wholebody.get_data_info(i)['keypoints_visible'].sum() for i in range(3)] == [
        112, 106, 83]
    for i in range(len(coco)):
        w, c = wholebody.get_data_info(i), coco.get_data_info(i)
        np.testing.assert_array_equal(w['center'], c['center'])
        np.testing.assert_array_equal(w['scale'], c['scale'])


def test_ap10k_records(samples):
    """§1.7: species ids as category, per-image bbox_id, 16 labelled joints each."""
    ds = build(samples, 'ap10k', image_size=(256, 256))
    recs = [ds.get_data_info(i) for i in range(2)]
    assert [(r['img_id'], r['category_id'], r['bbox_id']) for r in recs] == [(37516, 26, 0),
                                                                             (4, 1, 0)]
    np.testing.assert_allclose(recs[0]['bbox'], [66, 192, 1091, 511])
    np.testing.assert_allclose(recs[1]['center'], [622, 367])
    np.testing.assert_allclose(recs[1]['scale'], [2.675, 2.675], rtol=1e-6)
    assert [r['keypoints_visible'].sum() for r in recs] == [16, 16]


@pytest.mark.parametrize('threshold, count', [(0.0, 6), (0.97, 5)])
def test_crowdpose_detections(samples, threshold, count):
    ds = build(samples, 'crowdpose', test_mode=True, use_gt_bbox=False, det_bbox_thr=threshold,
               bbox_file=str(samples / 'crowdpose/test_crowdpose_det_AP_40.json'))
    assert len(ds) == count


@pytest.mark.parametrize('name', ['aic', 'ochuman', 'ap10k'])
def test_gt_box_only_datasets_reject_detections(samples, name):
    with pytest.raises(ValueError, match='ground-truth boxes only'):
        build(samples, name, test_mode=True, use_gt_bbox=False,
              bbox_file=str(samples / 'coco/test_coco_det_AP_H_56.json'))


# ---- evaluation (§1.4-§1.7, §2.3) ----------------------------------------------------------
@pytest.mark.parametrize('name, minus_one', [
    ('coco', ()), ('aic', ('AP (M)', 'AR (M)')), ('ochuman', ('AP (M)', 'AR (M)')),
    ('crowdpose', ('AP(E)', 'AP(H)')), ('ap10k', ('AP (M)', 'AR (M)'))])
def test_gt_as_prediction(samples, name, minus_one):
    stats = evaluate(samples, name)
    assert len(stats) == (9 if name == 'crowdpose' else 10)
    for key, value in stats.items():
        assert value == pytest.approx(-1.0 if key in minus_one else 1.0, abs=1e-12), key


@pytest.mark.parametrize('name, shift, ap, ar', [
    ('coco', 2, 0.950545, 0.966667), ('coco', 5, 0.666527, 0.741667),
    ('coco', 20, 0.031768, 0.058333),
    ('aic', 2, 0.983278, 0.988889), ('aic', 5, 0.616513, 0.677778), ('aic', 20, 0.0, 0.0),
    ('crowdpose', 2, 1.0, 1.0), ('crowdpose', 5, 1.0, 1.0), ('crowdpose', 20, 0.239109, 0.4),
    ('ochuman', 2, 1.0, 1.0), ('ochuman', 5, 1.0, 1.0), ('ochuman', 20, 0.860792, 0.9),
    ('ap10k', 2, 1.0, 1.0), ('ap10k', 5, 1.0, 1.0), ('ap10k', 20, 0.9, 0.9),
])
def test_uniform_x_shift(samples, name, shift, ap, ar):
    stats = evaluate(samples, name, shift)
    assert stats['AP'] == pytest.approx(ap, abs=1e-6)
    assert stats['AR'] == pytest.approx(ar, abs=1e-6)
