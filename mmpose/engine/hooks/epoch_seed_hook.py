"""Random streams that depend only on (seed, epoch, rank / sample), so that a resumed run
repeats an uninterrupted one exactly.

mmengine seeds once at start: a run resumed at epoch e would draw different random numbers
than the uninterrupted run did at epoch e. Here the main process (model randomness such as drop
path) is reseeded at every epoch start from (seed, epoch, rank), and every training sample's
augmentation is seeded from (seed, epoch, dataset, index) (``set_sample_seeding`` of the
datasets), independent of data workers, their number and their persistence.
"""
from __future__ import annotations

import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmpose.registry import HOOKS


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """A 32-bit seed for (run seed, epoch, rank)."""
    return int(np.random.SeedSequence([seed % 2**32, epoch, rank]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Seed every epoch's samples (datasets) and model randomness (main process)."""

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        for dataset in _leaf_datasets(runner.train_dataloader.dataset):
            if hasattr(dataset, 'set_sample_seeding'):
                dataset.set_sample_seeding(runner.seed, runner.epoch)

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        # after the epoch's first batch was fetched: creating a DataLoader iterator draws from
        # torch's generator (once per run with persistent workers, once per epoch without)
        if batch_idx == 0:
            s = epoch_seed(runner.seed, runner.epoch, get_rank())
            torch.manual_seed(s)
            np.random.seed(s)
            random.seed(s)


def _leaf_datasets(dataset) -> list:
    """The datasets inside (nested) concatenations."""
    parts = getattr(dataset, 'datasets', None)
    if parts is None:
        return [dataset]
    return [leaf for part in parts for leaf in _leaf_datasets(part)]
