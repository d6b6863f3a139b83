"""Random streams that depend only on (seed, epoch, rank), so that a resumed run repeats an
uninterrupted one exactly.

mmengine seeds once at start: a run resumed at epoch e would draw different random numbers
than the uninterrupted run did at epoch e, and its data workers are seeded identically every
epoch. Here the main process is reseeded at every epoch start, and each data worker derives its
NumPy / ``random`` seed from the per-worker torch seed that the DataLoader draws from the main
process's (freshly seeded) generator.
"""
from __future__ import annotations

import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from mmpose.registry import FUNCTIONS, HOOKS


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """A 32-bit seed for (run seed, epoch, rank)."""
    return int(np.random.SeedSequence([seed % 2**32, epoch, rank]).generate_state(1)[0])


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Reseed torch, NumPy and ``random`` before every training epoch."""

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        s = epoch_seed(runner.seed, runner.epoch, get_rank())
        torch.manual_seed(s)
        np.random.seed(s)
        random.seed(s)


@FUNCTIONS.register_module()
def seed_worker(worker_id: int) -> None:
    """DataLoader ``worker_init_fn``: seed NumPy/``random`` from this worker's torch seed."""
    s = torch.initial_seed() % 2**32
    np.random.seed(s)
    random.seed(s)
