"""Every config under configs/ loads, builds its model and its datasets on synthetic data laid
out like the real data tree, runs one sample through each pipeline, and builds its metrics."""
import json
import os
import shutil
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmpose.datasets.synthetic import generate_dataset
from mmpose.registry import DATASETS, METRICS, MODELS

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(REPO)) for p in (REPO / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
ROOTS = {'coco': 'coco', 'coco_wholebody': 'coco', 'aic': 'aic', 'crowdpose': 'crowdpose',
         'ochuman': 'ochuman', 'ap10k': 'ap10k', 'apt36k': 'ap36k', 'mpii': 'mpii',
         'interhand2d': 'interhand2.6m', 'pw3d': 'pw3d'}


@pytest.fixture(scope='module')
def data_tree(tmp_path_factory):
    """A working directory with ``data/<name>`` in every dataset's standard layout."""
    root = tmp_path_factory.mktemp('tree')
    coco = root / 'data' / 'coco'
    dets = coco / 'person_detection_results'
    for fmt, folder in ROOTS.items():
        for seed, split in enumerate(('train', 'val', 'test')):
            det_file = dets / f'COCO_{split}2017_detections_AP_H_56_person.json'
            previous = json.loads(det_file.read_text()) if det_file.exists() else []
            generate_dataset(fmt, root / 'data' / folder, num_images=2, split=split, seed=seed,
                             image_size=(160, 128))
            if fmt in ('coco', 'coco_wholebody') and previous:
                # COCO and WholeBody share data/coco and its detection file
                det_file.write_text(json.dumps(previous + json.loads(det_file.read_text())))
    crowd = root / 'data/crowdpose/annotations'
    shutil.copy(crowd / 'mmpose_crowdpose_train.json', crowd / 'mmpose_crowdpose_trainval.json')
    ann = json.loads((coco / 'annotations/person_keypoints_test2017.json').read_text())
    ann.pop('annotations')
    (coco / 'annotations/image_info_test-dev2017.json').write_text(json.dumps(ann))
    shutil.copy(dets / 'COCO_test2017_detections_AP_H_56_person.json',
                dets / 'COCO_test-dev2017_detections_AP_H_609_person.json')
    (root / 'data/synthetic_coco').symlink_to(coco)
    (root / 'data/synthetic').mkdir()
    for folder in set(ROOTS.values()):  # the demo configs read data/synthetic/<name>
        (root / 'data/synthetic' / folder).symlink_to(root / 'data' / folder)
    return root


def _metrics(cfg):
    if cfg is None:
        return []
    cfgs = cfg if isinstance(cfg, (list, tuple)) else [cfg]
    return [METRICS.build(c) for c in cfgs]


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds(path, data_tree, monkeypatch):
    cfg = Config.fromfile(REPO / path)
    monkeypatch.chdir(data_tree)
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    assert model.datasets
    for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(split) is None:
            continue
        dataset = DATASETS.build(cfg[split]['dataset'])
        sample = dataset[0]
        assert sample['inputs'].dtype == torch.uint8
        names = {sample['data_samples']['dataset_name']}
        served = set(model.datasets) | set(model.dataset_aliases)
        assert names <= served, f'{split} yields {names}, model serves {served}'
    for key in ('val_evaluator', 'test_evaluator'):
        assert _metrics(cfg.get(key)) or cfg.get(key) is None
    assert os.getcwd() == str(data_tree)
