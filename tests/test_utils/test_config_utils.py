"""Config adjustments of the command-line tools."""
import pytest
import torch
from mmengine.config import Config

from mmpose.utils import adapt_dataloaders, adapt_precision, load_config


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU fallback only')
def test_amp_falls_back_to_fp32_without_a_gpu():
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper', dtype='float16',
                                         loss_scale=dict(init_scale=16384.),
                                         optimizer=dict(type='AdamW', lr=1e-3))))
    adapt_precision(cfg)
    assert cfg.optim_wrapper == dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3))


def test_dataloaders_without_workers():
    cfg = Config(dict(train_dataloader=dict(num_workers=0, persistent_workers=True,
                                            worker_init_fn=dict(type='x'))))
    adapt_dataloaders(cfg)
    assert cfg.train_dataloader == dict(num_workers=0, persistent_workers=False)


def test_load_config(tmp_path):
    (tmp_path / 'a.py').write_text('x = dict(y=1)\n')
    cfg = load_config(str(tmp_path / 'a.py'), {'x.y': 2}, None)
    assert cfg.x.y == 2 and cfg.work_dir.endswith('work_dirs/a')
    with pytest.raises(FileNotFoundError, match='config file not found'):
        load_config(str(tmp_path / 'b.py'), {}, None)
