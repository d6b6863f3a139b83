"""PoseBH's training stages of the prototype head, derived from the epoch (resume-safe).

Replaces PoseBH's ``ProtoFreezeHook``, ``CSSEnableHook`` and ``CPSInitHook``, which fired on
exact epoch equality, so resuming past epoch 50 lost the frozen bank, CSS and CPS.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmpose.registry import HOOKS

from .param_schedule_hook import unwrap_model

if TYPE_CHECKING:
    from mmengine.runner import Runner


@HOOKS.register_module()
class ProtoScheduleHook(Hook):
    """PoseBH's stage switches of the prototype head, derived from the epoch.

    From ``bank_freeze_epoch`` the keypoint bank stops moving, from ``css_epoch`` cross-type
    self-supervision is on, and at ``cluster_epoch`` the bank is clustered once for CPS (the
    clusters are saved in the head's buffers; after resuming they come from the checkpoint and
    are never rebuilt). ``None`` disables a switch. Defaults are the PoseBH MDT configs'. The
    hook has nothing to checkpoint: the switches follow from the epoch, the clusters live in the
    model. It calls only the head's public methods (``set_bank_frozen``, ``set_css_enabled``,
    ``build_clusters``, ``clusters_built``).

    Args:
        bank_freeze_epoch: First epoch with a frozen bank (PoseBH ``ProtoFreezeHook``).
        css_epoch: First epoch with CSS (PoseBH ``CSSEnableHook``).
        cluster_epoch: Epoch at which clusters are built (PoseBH ``CPSInitHook``).
        cluster_options: Cluster counts to try.
        cluster_iter: Soft k-means iterations.
        beta: Soft k-means inverse temperature.
    """

    priority = 'NORMAL'

    def __init__(self, bank_freeze_epoch: int | None = 50, css_epoch: int | None = 50,
                 cluster_epoch: int | None = 50, cluster_options: Sequence[int] = (64, 96, 128),
                 cluster_iter: int = 500, beta: float = 20.) -> None:
        self.bank_freeze_epoch = bank_freeze_epoch
        self.css_epoch = css_epoch
        self.cluster_epoch = cluster_epoch
        self.cluster_options = list(cluster_options)
        self.cluster_iter = cluster_iter
        self.beta = beta

    @staticmethod
    def _reached(epoch: int, start: int | None) -> bool:
        return start is not None and epoch >= start

    def _apply(self, runner: Runner) -> None:
        head = getattr(unwrap_model(runner.model), 'proto_head', None)
        if head is None:
            raise ValueError('ProtoScheduleHook needs a model with a proto_head; remove the hook '
                             'or add model.proto_head')
        epoch = runner.epoch
        head.set_bank_frozen(self._reached(epoch, self.bank_freeze_epoch))
        head.set_css_enabled(self._reached(epoch, self.css_epoch))
        if self._reached(epoch, self.cluster_epoch) and not head.clusters_built:
            if epoch > self.cluster_epoch:
                print_log(f'ProtoScheduleHook: epoch {epoch} is past cluster_epoch '
                          f'{self.cluster_epoch} but the model has no clusters (checkpoint '
                          'without them?); building them now from the current bank',
                          logger='current', level=logging.WARNING)
            head.build_clusters(self.cluster_options, self.cluster_iter, self.beta)

    def before_train(self, runner: Runner) -> None:
        self._apply(runner)

    def before_train_epoch(self, runner: Runner) -> None:
        self._apply(runner)
