"""Every config under configs/ loads, builds its model and its datasets on synthetic data laid
out like the real data tree, runs one sample through each pipeline, and builds its metrics."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmpose.registry import DATASETS, METRICS, MODELS

REPO = Path(__file__).resolve().parents[2]
CONFIGS = sorted(str(p.relative_to(REPO)) for p in (REPO / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
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
