"""COCO-style loading on the real sample: reference_expectations.md §1.1."""
import numpy as np
import pytest

from mmpose.datasets import CocoStyleDataset


def _coco(samples, **kw):
    return CocoStyleDataset(ann_file=str(samples / 'coco' / 'test_coco.json'),
                            img_prefix=str(samples / 'coco') + '/', dataset_name='coco', **kw)


def test_gt_records(samples):
    ds = _coco(samples, test_mode=True)
    assert len(ds) == 12
    assert [ds[i]['img_id'] for i in range(len(ds))][:1] == [785]
    r0 = ds.get_data_info(0)
    np.testing.assert_allclose(r0['bbox'], [280.79, 44.73, 217.7, 345.68], atol=1e-3)
    np.testing.assert_allclose(r0['center'], [389.64, 217.57], atol=1e-3)
    np.testing.assert_allclose(r0['scale'], [1.620375, 2.1605], rtol=1e-6)
    assert r0['keypoints_visible'].sum() == 17
    r1 = ds.get_data_info(1)
    np.testing.assert_allclose(r1['center'], [124.935, 197.805], atol=1e-3)
    np.testing.assert_allclose(r1['scale'], [1.0856875, 1.4475833], rtol=1e-6)
    ids = [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
    assert ids == sorted(ids, key=[785, 40083, 196141, 197388].index)
    # bbox_id restarts at 0 in every image
    firsts = {}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        firsts.setdefault(info['img_id'], info['bbox_id'])
    assert set(firsts.values()) == {0}


def test_train_mode_uses_gt(samples):
    ds = _coco(samples, test_mode=False, use_gt_bbox=False,
               bbox_file=str(samples / 'coco' / 'test_coco_det_AP_H_56.json'))
    assert len(ds) == 12


@pytest.mark.parametrize('thr,count', [(0.0, 118), (0.3, 33)])
def test_detection_boxes(samples, thr, count):
    ds = _coco(samples, test_mode=True, use_gt_bbox=False, det_bbox_thr=thr,
               bbox_file=str(samples / 'coco' / 'test_coco_det_AP_H_56.json'))
    assert len(ds) == count
    info = ds.get_data_info(0)
    assert (info['keypoints'] == 0).all() and (info['keypoints_visible'] == 1).all()


def test_gt_only_protocol_rejects_detections(samples):
    with pytest.raises(ValueError, match='ground-truth boxes only'):
        _coco(samples, test_mode=True, use_gt_bbox=False, gt_bbox_only=True,
              bbox_file=str(samples / 'coco' / 'test_coco_det_AP_H_56.json'))


def test_missing_annotation_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='annotation file not found'):
        CocoStyleDataset(ann_file=str(tmp_path / 'nope.json'))


def test_bad_records_are_skipped_and_counted(tmp_path):
    import json
    img = dict(id=1, file_name='a.jpg', width=100, height=100)
    good = dict(id=1, image_id=1, bbox=[10, 10, 50, 50], num_keypoints=1, iscrowd=0,
                keypoints=[20, 20, 2] + [0] * 48)
    bad_count = dict(good, id=2, keypoints=[1, 2, 2])
    bad_box = dict(good, id=3, bbox=[10, 10, float('nan'), 5])
    neg_box = dict(good, id=4, bbox=[10, 10, -5, 5])
    no_box = {k: v for k, v in good.items() if k != 'bbox'} | dict(id=5)
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(images=[img], annotations=[good, bad_count, bad_box,
                                                               neg_box, no_box])))
    ds = CocoStyleDataset(ann_file=str(path))
    assert len(ds) == 1 and ds.num_bad_records == 4


def test_malformed_file(tmp_path):
    path = tmp_path / 'ann.json'
    path.write_text('{"images": [')
    with pytest.raises(ValueError, match='not valid JSON'):
        CocoStyleDataset(ann_file=str(path))
    path.write_text('[]')
    with pytest.raises(ValueError, match='not a COCO-format'):
        CocoStyleDataset(ann_file=str(path))


def test_weighted_sampler_ratios(samples):
    from collections import Counter

    from mmpose.datasets import CombinedDataset, WeightedDatasetSampler
    coco = dict(type='CocoStyleDataset', dataset_name='coco',
                ann_file=str(samples / 'coco' / 'test_coco.json'))
    aic = dict(type='CocoStyleDataset', dataset_name='aic',
               ann_file=str(samples / 'aic' / 'test_aic.json'))
    ds = CombinedDataset([coco, aic])
    assert len(ds) == 12 + 9 and set(ds.metainfo['datasets']) == {'coco', 'aic'}
    sampler = WeightedDatasetSampler(ds, ratios=dict(coco=3, aic=1), seed=0)
    counts = Counter()
    for epoch in range(200):
        sampler.set_epoch(epoch)
        idx = list(sampler)
        assert len(idx) == len(ds)
        counts.update('coco' if i < 12 else 'aic' for i in idx)
    share = counts['coco'] / sum(counts.values())
    assert abs(share - 0.75) < 0.02
    sampler.set_epoch(3)
    first = list(sampler)
    sampler.set_epoch(3)
    assert list(sampler) == first  # deterministic per epoch
    with pytest.raises(ValueError, match='missing'):
        WeightedDatasetSampler(ds, ratios=dict(coco=1))
    with pytest.raises(ValueError, match='distinct'):
        CombinedDataset([coco, coco])
