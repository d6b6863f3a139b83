"""CocoMetric on the real samples: GT-as-prediction, 0.24 alignment cases, shifts, errors."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from mmpose.checkpoint import atomic_write_json
from mmpose.evaluation import CocoMetric
from mmpose.evaluation.metrics import coco_metric
from mmpose.registry import METRICS

# AIC and CrowdPose sigmas (mmpose 0.24 dataset configs), passed as dataset_meta.
AIC_META = dict(dataset_name='aic', sigmas=[
    .0139, .0152, .0106, .0142, .0150, .0140, .0391, .0369, .0198, .0384, .0341, .0242, .0129,
    .0124])
CROWDPOSE_META = dict(dataset_name='crowdpose', sigmas=[
    .079, .079, .072, .072, .062, .062, .107, .107, .087, .087, .089, .089, .079, .079])

# name -> (annotation file, CocoMetric kwargs, dataset_meta or None)
DATASETS = {
    'coco': ('coco/test_coco.json', dict(metainfo='coco'), None),
    'aic': ('aic/test_aic.json', dict(use_area=False), AIC_META),
    'crowdpose': ('crowdpose/test_crowdpose.json',
                  dict(use_area=False, iou_type='keypoints_crowd'), CROWDPOSE_META),
    'ochuman': ('ochuman/test_ochuman.json', dict(metainfo='ochuman'), None),
}


def _evaluate(samples_dir: Path, name: str, samples: list[dict], **overrides) -> dict:
    ann, kwargs, meta = DATASETS[name]
    metric = CocoMetric(str(samples_dir / ann), **{**kwargs, **overrides})
    metric.dataset_meta = meta
    metric.process(None, samples)
    return metric.evaluate(len(samples))


@pytest.mark.parametrize('name, expected_minus_one', [
    ('coco', []),
    ('aic', ['AP (M)', 'AR (M)']),
    ('crowdpose', ['AP(E)', 'AP(H)']),
    ('ochuman', ['AP (M)', 'AR (M)']),
])
def test_gt_as_prediction(samples_dir, make_gt_predictions, name, expected_minus_one):
    samples = make_gt_predictions(samples_dir / DATASETS[name][0])
    metrics = _evaluate(samples_dir, name, samples)
    names = CocoMetric.IOU_TYPES[DATASETS[name][1].get('iou_type', 'keypoints')]
    assert list(metrics) == [f'coco/{n}' for n in names]
    for key, value in metrics.items():
        expected = -1.0 if key.split('/')[1] in expected_minus_one else 1.0
        assert value == pytest.approx(expected, abs=1e-12), key


@pytest.mark.parametrize('name, shift, ap, ar', [
    ('coco', 2, 0.950545, 0.966667), ('coco', 5, 0.666527, 0.741667),
    ('coco', 20, 0.031768, 0.058333),
    ('aic', 2, 0.983278, 0.988889), ('aic', 5, 0.616513, 0.677778), ('aic', 20, 0.0, 0.0),
    ('crowdpose', 2, 1.0, 1.0), ('crowdpose', 5, 1.0, 1.0), ('crowdpose', 20, 0.239109, 0.4),
    ('ochuman', 2, 1.0, 1.0), ('ochuman', 5, 1.0, 1.0), ('ochuman', 20, 0.860792, 0.9),
])
def test_uniform_x_shift(samples_dir, make_gt_predictions, name, shift, ap, ar):
    """Reference section 2.3."""
    samples = make_gt_predictions(samples_dir / DATASETS[name][0], shift_x=shift)
    metrics = _evaluate(samples_dir, name, samples)
    assert metrics['coco/AP'] == pytest.approx(ap, abs=1e-6)
    assert metrics['coco/AR'] == pytest.approx(ar, abs=1e-6)


def _alignment_samples(samples_dir: Path, soft: bool) -> list[dict]:
    """Reference sections 2.1 (``soft=False``) and 2.2: all 14 COCO annotations, perturbed."""
    data = json.loads((samples_dir / 'coco/test_coco.json').read_text())
    samples, next_bbox_id = [], {}
    for i, ann in enumerate(data['annotations']):
        kpts = np.array(ann['keypoints'], dtype=np.float64).reshape(-1, 3)
        w, h = ann['bbox'][2:]
        if soft:
            variants = [((1 - i / 100), (1 + i / 100), (1 - i / 100), 1.0),
                        ((1 + i / 100), (1 - i / 100), (1 - 2 * i / 100), 1 - 2 * i / 100)]
        else:
            variants = [(0.98, 1.02, 0.8, 0.98)]
        for fx, fy, fs, box_score in variants:
            bbox_id = next_bbox_id.get(ann['image_id'], 0)
            next_bbox_id[ann['image_id']] = bbox_id + 1
            samples.append(dict(
                img_id=ann['image_id'], bbox_id=bbox_id, pred_keypoints=kpts[:, :2] * [fx, fy],
                pred_scores=kpts[:, 2] * fs, bbox_score=box_score,
                area=(1.25 * w) * (1.25 * h)))
    return samples


def test_oks_nms_alignment(samples_dir):
    """Reference section 2.1 (mmpose 0.24 ``TopDownCocoDataset.evaluate``)."""
    metrics = _evaluate(samples_dir, 'coco', _alignment_samples(samples_dir, soft=False))
    expected = [0.5287458745874587, 0.9042904290429042, 0.5009900990099009, 0.42475247524752474,
                0.6219554455445544, 0.5833333333333333, 0.9166666666666666, 0.5833333333333334,
                0.44000000000000006, 0.6857142857142857]
    np.testing.assert_allclose(list(metrics.values()), expected, rtol=0, atol=1e-9)


def test_soft_oks_nms_alignment(samples_dir):
    """Reference section 2.2 (mmpose 0.24 with ``soft_nms=True``)."""
    metrics = _evaluate(samples_dir, 'coco', _alignment_samples(samples_dir, soft=True),
                        nms_mode='soft_oks_nms')
    expected = [0.17073707370737073, 0.25055005500550054, 0.10671067106710669, 0.0,
                0.29315181518151806, 0.2416666666666666, 0.3333333333333333,
                0.16666666666666666, 0.0, 0.41428571428571426]
    np.testing.assert_allclose(list(metrics.values()), expected, rtol=0, atol=1e-9)


def test_results_file_dedup_and_torch_inputs(samples_dir, make_gt_predictions, tmp_path):
    samples = make_gt_predictions(samples_dir / 'coco/test_coco.json')
    # torch inputs, and a repeated (img_id, bbox_id) as a padded distributed batch would give
    padded = samples + [dict(samples[0], pred_keypoints=torch.zeros(17, 2))]
    padded = [dict(s, pred_keypoints=torch.as_tensor(s['pred_keypoints'])) for s in padded]
    metric = CocoMetric(str(samples_dir / 'coco/test_coco.json'), metainfo='coco',
                        outfile_prefix=str(tmp_path / 'sub' / 'res'), prefix='coco_val')
    metric.process(None, padded)
    metrics = metric.compute_metrics(metric.results)
    assert metrics['AP'] == pytest.approx(1.0)
    results = json.loads((tmp_path / 'sub' / 'res.keypoints.json').read_text())
    assert len(results) == len(samples) == 12
    assert set(results[0]) == {'image_id', 'category_id', 'keypoints', 'score', 'center',
                               'scale'}
    assert len(results[0]['keypoints']) == 17 * 3
    assert not [p for p in (tmp_path / 'sub').iterdir() if p.suffix == '.tmp']
    assert metric.prefix == 'coco_val'


def test_unknown_image_id_raises(samples_dir, make_gt_predictions):
    samples = make_gt_predictions(samples_dir / 'coco/test_coco.json')
    samples.append(dict(samples[0], img_id=123456789))
    with pytest.raises(ValueError, match='123456789'):
        _evaluate(samples_dir, 'coco', samples)


def test_images_without_predictions_are_reported(samples_dir, make_gt_predictions, monkeypatch):
    samples = [s for s in make_gt_predictions(samples_dir / 'coco/test_coco.json')
               if s['img_id'] != 785]
    metric = CocoMetric(str(samples_dir / 'coco/test_coco.json'), metainfo='coco')
    metric.process(None, samples)
    logged = []
    monkeypatch.setattr(coco_metric, 'print_log',
                        lambda msg, logger=None, level=logging.INFO: logged.append((msg, level)))
    metrics = metric.compute_metrics(metric.results)
    assert ('CocoMetric: 3 of 4 images have predictions; 1 have none, 1 of them with annotated '
            'keypoints (their persons count as missed)', logging.WARNING) in logged
    assert metrics['AR'] < 1.0


@pytest.mark.parametrize('kwargs, match', [
    (dict(iou_type='keypoints_foot'), "iou_type='keypoints_foot'.*keypoints_crowd"),
    (dict(nms_mode='nms'), "nms_mode='nms'.*soft_oks_nms"),
    (dict(score_mode='keypoint'), "score_mode='keypoint'.*bbox_keypoint"),
])
def test_invalid_choices(samples_dir, kwargs, match):
    with pytest.raises(ValueError, match=match):
        CocoMetric(str(samples_dir / 'coco/test_coco.json'), **kwargs)


def test_missing_ann_file_and_sigmas(samples_dir, tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        CocoMetric(str(tmp_path / 'nope.json'))
    metric = METRICS.build(dict(type='CocoMetric',
                                ann_file=str(samples_dir / 'coco/test_coco.json')))
    with pytest.raises(ValueError, match='sigmas'):
        metric.sigmas  # noqa: B018
    metric.dataset_meta = dict(sigmas=np.float32([.026, .079]).tolist())
    np.testing.assert_array_equal(metric.sigmas, [.026, .079])  # float32 noise removed


def test_speed_nms_and_writing(tmp_path):
    """Sanity timing (printed, not asserted): OKS-NMS + results file on 20k random boxes."""
    rng = np.random.default_rng(0)
    num_imgs, per_img, num_kpts = 1000, 20, 17
    base = rng.uniform(0, 500, (num_imgs, 4, num_kpts, 2))  # 4 people per image, jittered
    ann_file = tmp_path / 'ann.json'
    ann_file.write_text(json.dumps(dict(images=[dict(id=i) for i in range(num_imgs)],
                                        annotations=[], categories=[dict(id=1)])))
    metric = CocoMetric(str(ann_file), metainfo='coco', outfile_prefix=str(tmp_path / 'r'))
    samples = [dict(img_id=i, bbox_id=j, pred_keypoints=base[i, j % 4] + rng.normal(0, 3, (17, 2)),
                    pred_scores=rng.uniform(0, 1, num_kpts), bbox_score=rng.uniform(),
                    area=float(rng.uniform(1e3, 1e5)), center=rng.uniform(0, 500, 2),
                    scale=rng.uniform(0, 5, 2))
               for i in range(num_imgs) for j in range(per_img)]
    metric.process(None, samples)
    tic = time.perf_counter()
    preds = metric._stack_unique(metric.results)
    kept, scores = metric._rescore_and_nms(preds)
    t_nms = time.perf_counter() - tic
    entries = metric._to_coco_entries(preds, kept, scores)
    atomic_write_json(entries, str(tmp_path / 'r.keypoints.json'))
    t_all = time.perf_counter() - tic
    print(f'\n{len(samples)} boxes: stack+rescore+OKS-NMS {t_nms:.2f}s, '
          f'+ writing {len(entries)} results {t_all:.2f}s')
    assert 0 < len(entries) < len(samples)


def test_no_predictions(samples_dir):
    metric = CocoMetric(str(samples_dir / 'coco/test_coco.json'), metainfo='coco')
    metrics = metric.compute_metrics([])
    assert metrics['AP'] == 0 and metrics['AR'] == 0


def test_score_mode_bbox_and_no_nms(samples_dir, make_gt_predictions, tmp_path):
    samples = make_gt_predictions(samples_dir / 'coco/test_coco.json')
    samples = [dict(s, bbox_score=0.5, center=None, scale=None) for s in samples]
    metric = CocoMetric(str(samples_dir / 'coco/test_coco.json'), metainfo='coco',
                        score_mode='bbox', nms_mode='none', outfile_prefix=str(tmp_path / 'r'))
    metric.process(None, samples)
    assert metric.compute_metrics(metric.results)['AP'] == pytest.approx(1.0)
    results = json.loads((tmp_path / 'r.keypoints.json').read_text())
    assert {r['score'] for r in results} == {0.5}
    assert 'center' not in results[0]
