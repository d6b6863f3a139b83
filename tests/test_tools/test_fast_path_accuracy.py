"""The speed switches leave accuracy alone, on a model that has learned something.

A tiny ViTPose is trained for a few epochs on synthetic COCO (the quick-start job, shortened),
then evaluated four ways with tools/test.py: the default (region JPEG decoding, fp32), whole-
image decoding, bf16 prediction and channels-last heads. Region decoding must give identical
keypoints; bf16 and channels-last must agree within stated tolerances, in keypoints and AP.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
CFG = REPO / 'configs/demo/vitpose_tiny_synthetic_coco.py'


def _run(args, cwd):
    env = dict(os.environ, OMP_NUM_THREADS='2')
    r = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('fast_paths')
    for split, n, seed in (('train', 240, 1), ('val', 60, 2)):
        _run([REPO / 'tools/dataset/make_synthetic.py', '--format', 'coco', '--out',
              'data/synthetic_coco', '--split', split, '--num-images', n, '--seed', seed,
              '--image-size', 160, 128], root)
    _run([REPO / 'tools/train.py', CFG, '--work-dir', 'wd', '--cfg-options',
          'train_cfg.max_epochs=8', 'train_cfg.val_interval=100',
          'default_hooks.checkpoint.interval=8', 'train_dataloader.num_workers=0',
          'train_dataloader.persistent_workers=False'], root)
    return root, root / 'wd' / 'epoch_8.pth'


def _evaluate(trained, name, *options):
    root, ckpt = trained
    out = root / f'{name}.json'
    extra = ['--cfg-options', 'test_dataloader.num_workers=0',
             'test_dataloader.persistent_workers=False', *options]
    r = _run([REPO / 'tools/test.py', CFG, ckpt, '--work-dir', f'wd_{name}', '--out', out,
              *extra], root)
    ap = float(next(ln.split('AP ')[1].split()[0] for ln in r.stdout.splitlines()
                    if ln.startswith('coco |')))
    preds = sorted(json.loads(out.read_text()), key=lambda p: (p['image_id'], p['score']))
    return ap, np.array([p['keypoints'] for p in preds]).reshape(len(preds), -1, 3)


def test_speed_switches_keep_accuracy(trained):
    ap, kpts = _evaluate(trained, 'default')
    assert ap > 0.3, f'the model should have learned something (AP {ap})'
    whole_ap, whole = _evaluate(trained, 'whole', 'test_dataloader.dataset.pipeline.0.'
                                'defer_decoding=False')
    assert whole_ap == ap
    np.testing.assert_array_equal(whole, kpts)  # region decoding gives identical crops
    bf16_ap, bf16 = _evaluate(trained, 'bf16', 'model.test_cfg.amp_dtype=bfloat16')
    assert abs(bf16_ap - ap) <= 0.01, (bf16_ap, ap)
    diff = np.abs(bf16[..., :2] - kpts[..., :2])  # input pixels
    assert np.median(diff) <= 0.05 and diff.mean() <= 0.2, (np.median(diff), diff.mean())
    cl_ap, cl = _evaluate(trained, 'channels_last', 'model.channels_last=True')
    assert abs(cl_ap - ap) <= 1e-3
    assert np.abs(cl[..., :2] - kpts[..., :2]).max() <= 0.05
