"""Config adjustments shared by the command-line tools."""
from __future__ import annotations

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
