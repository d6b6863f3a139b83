"""2-process CPU (gloo) torchrun: train one epoch and evaluate, through the shell launchers."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

CFG = """
_base_ = ['{repo}/configs/demo/vitpose_tiny_synthetic_coco.py']
S = '{samples}/coco/'
train_dataloader = dict(batch_size=3, num_workers=0, persistent_workers=False,
                        dataset=dict(ann_file=S + 'test_coco.json', img_prefix=S))
val_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False,
                      dataset=dict(ann_file=S + 'test_coco.json', img_prefix=S,
                                   bbox_file=S + 'test_coco_det_AP_H_56.json'))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=S + 'test_coco.json')
test_evaluator = val_evaluator
model = dict(backbone=dict(embed_dim=32, depth=1, num_heads=2), keypoint_head=dict(in_channels=32))
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1))
"""


def run(cmd, cwd):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(29500 + os.getpid() % 1000),
               OMP_NUM_THREADS='1')
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_two_process_train_and_test(samples, tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CFG.format(repo=REPO, samples=samples))
    wd = tmp_path / 'wd'
    r = run(['bash', str(REPO / 'tools/dist_train.sh'), str(cfg), '2', '--work-dir', str(wd),
             '--seed', '0'], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (wd / 'epoch_1.pth').is_file()
    assert not list(wd.glob('.tmp_*'))  # no partial checkpoint left behind
    out = tmp_path / 'preds.json'
    r = run(['bash', str(REPO / 'tools/dist_test.sh'), str(cfg), str(wd / 'epoch_1.pth'), '2',
             '--work-dir', str(wd), '--out', str(out)], tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    preds = json.loads(out.read_text())
    # 118 detections, OKS-NMS keeps most; every prediction is on a known image
    assert 50 < len(preds) <= 118 and {p['image_id'] for p in preds} <= {785, 40083, 196141,
                                                                          197388}
    assert '"coco/AP"' in r.stdout


@pytest.mark.parametrize('flag', ['--local_rank=0', '--local-rank=0'])
def test_local_rank_spellings(flag, tmp_path):
    r = run([sys.executable, str(REPO / 'tools/train.py'), '--help', flag], tmp_path)
    assert r.returncode == 0


FAIL_HOOK = """
import os
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

@HOOKS.register_module()
class DieOnRank1(Hook):
    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.rank == 1 and runner.iter >= 1:
            raise RuntimeError('rank 1 lost its data disk (simulated)')
"""


def test_dead_worker_ends_the_job(samples, tmp_path):
    """One rank failing makes the whole job exit non-zero promptly, showing that rank's error."""
    import time
    (tmp_path / 'die_hook.py').write_text(FAIL_HOOK)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CFG.format(repo=REPO, samples=samples)
                   + "custom_imports = dict(imports=['die_hook'])\n"
                   + "custom_hooks = [dict(type='DieOnRank1')]\n"
                   + "train_cfg = dict(max_epochs=20)\n")
    env_path = f"{tmp_path}:{os.environ.get('PYTHONPATH', '')}"
    t = time.time()
    r = subprocess.run(['bash', str(REPO / 'tools/dist_train.sh'), str(cfg), '2', '--work-dir',
                        str(tmp_path / 'wd')], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, PYTHON=sys.executable, PYTHONPATH=env_path,
                                             PORT=str(29400 + os.getpid() % 1000)))
    elapsed = time.time() - t
    assert r.returncode != 0
    assert 'rank 1 lost its data disk' in r.stdout + r.stderr
    assert elapsed < 90, elapsed  # includes ~10 s of start-up per process


def test_slurm_launcher(samples, tmp_path):
    """tools/slurm_train.sh through a stand-in `srun` that runs one task with SLURM's variables."""
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    srun = bindir / 'srun'
    # drop srun's own options (everything before the interpreter), run as SLURM task 0 of 1
    srun.write_text('#!/usr/bin/env bash\nwhile [[ "$1" != "$PYTHON" ]]; do shift; done\n'
                    'SLURM_PROCID=0 SLURM_NTASKS=1 SLURM_LOCALID=0 SLURM_NODELIST=localhost '
                    'MASTER_ADDR=127.0.0.1 exec "$@"\n')
    srun.chmod(0o755)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CFG.format(repo=REPO, samples=samples))
    env = dict(os.environ, PYTHON=sys.executable, GPUS='1', GPUS_PER_NODE='1',
               PATH=f"{bindir}:{os.environ['PATH']}", MASTER_PORT=str(29300 + os.getpid() % 500))
    r = subprocess.run(['bash', str(REPO / 'tools/slurm_train.sh'), 'part', 'job', str(cfg),
                        str(tmp_path / 'wd')], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / 'wd' / 'epoch_1.pth').is_file()
