"""Config adjustments shared by the command-line tools."""
from __future__ import annotations

import logging
import os.path as osp

from mmengine.config import Config

_LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def adapt_dataloaders(cfg: Config) -> None:
    """Keep dataloader options consistent after command-line overrides: without worker
    processes (``num_workers=0``) there is nothing to keep alive (``persistent_workers``) or to
    seed (``worker_init_fn``), which PyTorch would reject."""
    for key in _LOADERS:
        loader = cfg.get(key)
        if loader and loader.get('num_workers', 0) == 0:
            loader['persistent_workers'] = False
            loader.pop('worker_init_fn', None)


def load_config(path: str, cfg_options: dict, work_dir: str | None) -> Config:
    """Read a config, apply ``--cfg-options`` and settle the work dir
    (default ``./work_dirs/<config name>``)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path!r}')
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(cfg_options)
    adapt_dataloaders(cfg)
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        './work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def adapt_precision(cfg: Config) -> None:
    """mmengine's ``AmpOptimWrapper`` needs an accelerator: without one, train in fp32 (with a
    warning) instead of failing, so GPU configs (PoseBH's fp16) also run on a CPU."""
    import torch
    from mmengine.logging import print_log
    wrapper = cfg.get('optim_wrapper') or {}
    if wrapper.get('type') == 'AmpOptimWrapper' and not torch.cuda.is_available():
        for key in ('type', 'dtype', 'loss_scale'):
            wrapper.pop(key, None)
        wrapper['type'] = 'OptimWrapper'
        print_log('mixed precision (AmpOptimWrapper) needs a GPU; training in fp32 on this '
                  'machine', logger='current', level=logging.WARNING)
