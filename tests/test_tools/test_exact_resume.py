"""A training run killed (SIGKILL) at random points and resumed ends bit-identical to an
uninterrupted run: weights, optimizer state, scheduler and epoch counters."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from mmpose.datasets.synthetic import generate_dataset

REPO = Path(__file__).resolve().parents[2]
CFG = """
_base_ = ['{repo}/configs/demo/vitpose_tiny_synthetic_coco.py']
data_root = '{data}/'
train_dataloader = dict(batch_size=4, num_workers=1, dataset=dict(
    ann_file=data_root + 'annotations/person_keypoints_train2017.json',
    img_prefix=data_root + 'train2017/',
    pipeline=[dict(type='TopdownTrainPipeline', input_size=(128, 160), heatmap_size=(32, 40),
                   flip_prob=0.5, half_body=True)]))
model = dict(backbone=dict(embed_dim=32, depth=2, num_heads=2, drop_path_rate=0.2),
             keypoint_head=dict(in_channels=32, num_deconv_filters=(16, 16)))
train_cfg = dict(max_epochs=5, val_interval=100)
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=-1,
                                                              save_best=None))
param_scheduler = [dict(type='LinearLR', begin=0, end=8, start_factor=0.1, by_epoch=False),
                   dict(type='MultiStepLR', begin=0, end=5, milestones=[2], by_epoch=True)]
"""


def _train(cfg, wd, extra=(), kill_at=None):
    cmd = [sys.executable, str(REPO / 'tools/train.py'), str(cfg), '--work-dir', str(wd),
           '--seed', '0', '--deterministic', *extra]
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)
    if kill_at is not None:
        # kill a random moment after checkpoint `epoch` appeared (mid-epoch or mid-save)
        epoch, delay = kill_at
        while proc.poll() is None and not (wd / f'epoch_{epoch}.pth').exists():
            time.sleep(0.02)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-3000:]
    return proc.returncode


def _final(wd):
    ck = torch.load(wd / 'epoch_5.pth', map_location='cpu', weights_only=True)
    return ck


def _assert_same(a, b):
    for k, v in a['state_dict'].items():
        assert torch.equal(v, b['state_dict'][k]), k
    sa, sb = a['optimizer']['state'], b['optimizer']['state']
    assert sa.keys() == sb.keys()
    for pid in sa:
        for k, v in sa[pid].items():
            assert torch.equal(v, sb[pid][k]), (pid, k)
    assert a['meta']['epoch'] == b['meta']['epoch'] and a['meta']['iter'] == b['meta']['iter']
    assert a['param_schedulers'] == b['param_schedulers']


def _run_kill_points(tmp_path, count):
    data = tmp_path / 'data'
    generate_dataset('coco', data, num_images=16, split='train', seed=1, image_size=(160, 128))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CFG.format(repo=REPO, data=data))
    _train(cfg, tmp_path / 'ref')
    ref = _final(tmp_path / 'ref')
    rng = random.Random(0)
    for i in range(count):
        wd = tmp_path / f'run{i}'
        _train(cfg, wd, kill_at=(rng.randint(1, 3), rng.uniform(0, 0.6)))
        _train(cfg, wd, extra=['--resume'])
        _assert_same(ref, _final(wd))
        assert not list(wd.glob('.tmp_*'))


def test_killed_and_resumed_runs_are_bit_identical(tmp_path):
    _run_kill_points(tmp_path, count=2)


@pytest.mark.slow
def test_twenty_kill_points(tmp_path):
    _run_kill_points(tmp_path, count=20)
