"""Epoch-schedule hooks: resume-safe replay, glob validation, BN stats, prototype stages."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from mmpose.engine.hooks import ParamScheduleHook, ProtoScheduleHook
from mmpose.registry import HOOKS, MODELS

# PoseBH MDT-B as intended: heads train from 50, the backbone from 90.
SCHEDULE = [dict(epoch=0, freeze=['backbone.*', 'heads.*']),
            dict(epoch=50, freeze=['backbone.*'], thaw=['heads.*']),
            dict(epoch=90, thaw=['backbone.*'])]


class Toy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4))
        self.heads = nn.ModuleDict(dict(coco=nn.Conv2d(4, 2, 1), aic=nn.Conv2d(4, 3, 1)))
        self.proto_head = nn.Conv2d(4, 2, 1)
        self.backbone[0].bias.requires_grad_(False)  # not trainable by design


def pattern(model: nn.Module) -> dict:
    return {n: p.requires_grad for n, p in model.named_parameters()}


def start(hook, model, epoch: int) -> SimpleNamespace:
    runner = SimpleNamespace(model=model, epoch=epoch)
    hook.before_train(runner)
    hook.before_train_epoch(runner)
    return runner


def test_any_start_epoch_equals_an_uninterrupted_run():
    model, hook = Toy(), HOOKS.build(dict(type='ParamScheduleHook', schedule=SCHEDULE))
    runner = start(hook, model, 0)
    history = {}
    for epoch in range(100):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        history[epoch] = pattern(model)
    assert not history[0]['heads.coco.weight'] and history[0]['proto_head.weight']
    assert history[50]['heads.coco.weight'] and not history[50]['backbone.0.weight']
    assert history[90]['backbone.0.weight'] and not history[99]['backbone.0.bias']
    for epoch in (0, 1, 49, 50, 51, 89, 90, 99):
        resumed = Toy()
        start(ParamScheduleHook(SCHEDULE), resumed, epoch)
        assert pattern(resumed) == history[epoch], epoch


def test_unknown_glob_and_bad_entries_raise():
    with pytest.raises(ValueError, match=r"'neck\.\*'"):
        start(ParamScheduleHook([dict(epoch=0, freeze=['neck.*'])]), Toy(), 0)
    with pytest.raises(ValueError, match='allowed keys'):
        ParamScheduleHook([dict(epoch=0, frezee=['heads.*'])])
    with pytest.raises(ValueError, match='list of globs'):
        ParamScheduleHook([dict(epoch=0, freeze='heads.*')])
    with pytest.raises(ValueError, match='epoch'):
        ParamScheduleHook([dict(epoch=-1, thaw=['heads.*'])])


def test_freeze_bn_stats_puts_fully_frozen_bn_in_eval():
    model = Toy()
    hook = ParamScheduleHook(SCHEDULE, freeze_bn_stats=True)
    runner = start(hook, model, 0)
    model.train()  # what the train loop does after before_train_epoch
    hook.before_train_iter(runner, 0)
    assert not model.backbone[1].training and model.heads.training
    runner.epoch = 90
    hook.before_train_epoch(runner)
    model.train()
    hook.before_train_iter(runner, 0)
    assert model.backbone[1].training


def _proto_model():
    head = MODELS.build(dict(type='KptProtoHead', in_channels=8, datasets=('a', 'b'),
                             num_keypoints=(3, 4), out_channels=8, channels=8,
                             num_deconv_filters=(8, 8), cp_size=4))
    head.init_weights()
    return SimpleNamespace(proto_head=head)


def test_proto_schedule_derives_stages_and_builds_clusters_once(monkeypatch):
    hook = ProtoScheduleHook(cluster_options=[4], cluster_iter=5)
    model = _proto_model()
    start(hook, model, 49)
    head = model.proto_head
    assert not (head.bank_frozen or head.css_enabled or head.clusters_built)
    start(hook, model, 50)
    assert head.bank_frozen and head.css_enabled and head.clusters_built
    state = head.state_dict()

    # resume past the cluster epoch: clusters come from the checkpoint, never rebuilt
    resumed = _proto_model()
    resumed.proto_head.load_state_dict(state)
    monkeypatch.setattr(resumed.proto_head, 'build_clusters',
                        lambda *a: pytest.fail('clusters rebuilt after resume'))
    start(ProtoScheduleHook(cluster_options=[4], cluster_iter=5), resumed, 60)
    assert resumed.proto_head.bank_frozen and resumed.proto_head.css_enabled
    assert torch.equal(resumed.proto_head.cluster_keypoint, head.cluster_keypoint)

    # no clusters in the checkpoint: built late, with a warning
    late = _proto_model()
    start(ProtoScheduleHook(cluster_options=[4], cluster_iter=5), late, 60)
    assert late.proto_head.clusters_built


def test_proto_schedule_needs_a_proto_head():
    with pytest.raises(ValueError, match='proto_head'):
        start(ProtoScheduleHook(), SimpleNamespace(proto_head=None), 0)
