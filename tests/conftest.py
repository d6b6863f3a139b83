"""Shared fixtures: paths to the real samples (skip when absent) and synthetic data."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / 'shared' / 'data' / 'samples'


@pytest.fixture(scope='session')
def samples() -> Path:
    """``../shared/data/samples`` (tests using it skip when it is absent)."""
    if not SAMPLES.is_dir():
        pytest.skip('real samples (../shared/data/samples) not available')
    return SAMPLES


ROOTS = {'coco': 'coco', 'coco_wholebody': 'coco', 'aic': 'aic', 'crowdpose': 'crowdpose',
         'ochuman': 'ochuman', 'ap10k': 'ap10k', 'apt36k': 'ap36k', 'mpii': 'mpii',
         'interhand2d': 'interhand2.6m', 'pw3d': 'pw3d'}


@pytest.fixture(scope='session')
def data_tree(tmp_path_factory):
    """A working directory with ``data/<name>`` in every dataset's standard layout (synthetic
    data of every native format; COCO test-dev files derived from the synthetic test split)."""
    from mmpose.datasets.synthetic import generate_dataset
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


