"""Freeze and thaw parameters by name glob on an epoch schedule, resume-safe.

The hook keeps no state of its own: before every epoch it derives the ``requires_grad`` pattern
the schedule prescribes for ``runner.epoch`` by replaying all entries up to it, so resuming at
any epoch gives exactly the state of an uninterrupted run (PoseBH's freeze hooks fired on exact
epoch equality and lost their effect on resume).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch import nn

from mmpose.registry import HOOKS

if TYPE_CHECKING:
    from mmengine.runner import Runner

_ENTRY_KEYS = {'epoch', 'freeze', 'thaw'}


def unwrap_model(model: nn.Module) -> nn.Module:
    """The model inside a DDP / mmengine wrapper (or the model itself)."""
    return model.module if is_model_wrapper(model) else model


@HOOKS.register_module()
class ParamScheduleHook(Hook):
    """Freeze and thaw parameters by name glob at given epochs.

    Example (PoseBH MDT-H: heads trained from epoch 50, backbone from epoch 90)::

        dict(type='ParamScheduleHook', schedule=[
            dict(epoch=0, freeze=['backbone.*', 'heads.*']),
            dict(epoch=50, thaw=['heads.*']),
            dict(epoch=90, thaw=['backbone.*'])])

    Entries are applied in order (``freeze`` before ``thaw`` within one entry) starting from the
    ``requires_grad`` each parameter had when the model was built; a thaw never enables a
    parameter that was not trainable at build time. Globs are matched (``fnmatchcase``) against
    ``named_parameters()`` of the unwrapped model, and each must match at least one parameter.

    Notes:
        * Frozen parameters only stop receiving gradients (``requires_grad=False``); they stay
          in the optimizer, which is built before hooks run, so thawing works (as in PoseBH).
        * BatchNorm running statistics of frozen layers keep updating in train mode, as in
          PoseBH, unless ``freeze_bn_stats=True`` puts BN layers whose parameters are all frozen
          in eval mode for the iteration.
        * Under DDP, parameters that are frozen after the wrapper is built never produce
          gradients: use ``model_wrapper_cfg=dict(type='MMDistributedDataParallel',
          find_unused_parameters=True)``. (mmengine wraps the model before hooks run, so every
          parameter is registered with DDP and thawing later works.)
        * The hook has nothing to checkpoint: the state follows from the epoch alone.

    Args:
        schedule: ``dict(epoch=e, freeze=[globs], thaw=[globs])`` entries; ``epoch`` is 0-based
            (mmengine's ``runner.epoch`` before the epoch runs).
        freeze_bn_stats: Keep BatchNorm layers with only frozen parameters in eval mode.
    """

    priority = 'NORMAL'

    def __init__(self, schedule: Sequence[dict], freeze_bn_stats: bool = False) -> None:
        # chronological; entries of one epoch keep their order
        self.schedule = sorted((self._check_entry(e) for e in schedule), key=lambda e: e['epoch'])
        self.freeze_bn_stats = freeze_bn_stats
        self._trainable_at_build: dict[str, bool] | None = None
        self._frozen_bn: list[nn.Module] = []
        self._last_state: dict[str, bool] | None = None

    @staticmethod
    def _check_entry(entry: dict) -> dict:
        unknown = set(entry) - _ENTRY_KEYS
        if unknown or 'epoch' not in entry or not ({'freeze', 'thaw'} & set(entry)):
            raise ValueError(f'schedule entry {entry!r}: needs "epoch" and "freeze" and/or '
                             f'"thaw"; allowed keys {sorted(_ENTRY_KEYS)}')
        if not isinstance(entry['epoch'], int) or entry['epoch'] < 0:
            raise ValueError(f'schedule entry {entry!r}: epoch must be an int >= 0')
        out = dict(epoch=entry['epoch'])
        for op in ('freeze', 'thaw'):
            globs = entry.get(op, [])
            if isinstance(globs, str):
                raise ValueError(f'schedule entry {entry!r}: {op} must be a list of globs')
            out[op] = list(globs)
        return out

    def requires_grad_at(self, names: Sequence[str], epoch: int,
                         initial: dict[str, bool] | None = None) -> dict[str, bool]:
        """``requires_grad`` of each parameter during ``epoch`` (replay of the schedule).

        Raises:
            ValueError: A glob matches no parameter.
        """
        state = dict(initial) if initial is not None else dict.fromkeys(names, True)
        for entry in self.schedule:
            for op, value in (('freeze', False), ('thaw', True)):
                for glob in entry[op]:
                    matched = [n for n in names if fnmatchcase(n, glob)]
                    if not matched:
                        raise ValueError(f'ParamScheduleHook: {op} glob {glob!r} (epoch '
                                         f'{entry["epoch"]}) matches no parameter; e.g. '
                                         f'{list(names)[:5]}')
                    if entry['epoch'] > epoch:
                        continue
                    for n in matched:
                        state[n] = value and (initial is None or initial[n])
        return state

    def _apply(self, runner: Runner) -> None:
        model = unwrap_model(runner.model)
        params = dict(model.named_parameters())
        if self._trainable_at_build is None:
            self._trainable_at_build = {n: p.requires_grad for n, p in params.items()}
        state = self.requires_grad_at(list(params), runner.epoch, self._trainable_at_build)
        for name, p in params.items():
            p.requires_grad_(state[name])
        if state != self._last_state:
            frozen = sum(not v for v in state.values())
            print_log(f'ParamScheduleHook: epoch {runner.epoch}: {frozen}/{len(state)} '
                      'parameter tensors frozen', logger='current', level=logging.INFO)
            self._last_state = state
        self._frozen_bn = [m for m in model.modules()
                           if isinstance(m, nn.modules.batchnorm._BatchNorm)
                           and any(True for _ in m.parameters(recurse=False))
                           and not any(p.requires_grad for p in m.parameters(recurse=False))]

    def before_train(self, runner: Runner) -> None:
        self._apply(runner)

    def before_train_epoch(self, runner: Runner) -> None:
        self._apply(runner)

    def before_train_iter(self, runner: Runner, batch_idx: int,
                          data_batch: dict | tuple | list | None = None) -> None:
        # The train loop calls model.train() after before_train_epoch, hence per iteration.
        if self.freeze_bn_stats:
            for m in self._frozen_bn:
                m.eval()
