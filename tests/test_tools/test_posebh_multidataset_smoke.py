"""A tiny PoseBH (ViT-MoE, six named heads, prototype head) trains on synthetic data of all six
PoseBH datasets in their native formats with 2 CPU processes, through every stage (prototypes ->
clusters + CSS with a frozen backbone -> thaw), then evaluates all six datasets in one run."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from mmpose.datasets.synthetic import generate_dataset

REPO = Path(__file__).resolve().parents[2]
FORMATS = [('coco', 'coco'), ('coco_wholebody', 'coco'), ('aic', 'aic'), ('mpii', 'mpii'),
           ('ap10k', 'ap10k'), ('apt36k', 'ap36k')]
CFG = """
_base_ = ['{repo}/configs/demo/posebh_tiny_synthetic_mdt.py']
model = dict(backbone=dict(embed_dim=32, depth=1, num_heads=2, part_features=8),
             keypoint_head=dict(in_channels=32, num_deconv_filters=(16, 16)),
             proto_head=dict(in_channels=32, num_deconv_filters=(16, 16), channels=8,
                             out_channels=8, cp_size=16))
train_dataloader = dict(batch_size=6, num_workers=0)
test_dataloader = dict(batch_size=16, num_workers=0)
train_cfg = dict(max_epochs=4)
custom_hooks = [
    dict(type='ParamScheduleHook', schedule=[dict(epoch=2, freeze=['backbone.*']),
                                             dict(epoch=3, thaw=['backbone.*'])]),
    dict(type='ProtoScheduleHook', bank_freeze_epoch=2, css_epoch=2, cluster_epoch=2,
         cluster_options=[16], cluster_iter=20, beta=20),
]
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, save_best=None))
"""


def _run(cmd, cwd):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(29600 + os.getpid() % 1000),
               OMP_NUM_THREADS='1')
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-4000:])
    return r


def test_two_process_posebh_all_stages_and_all_datasets(tmp_path):
    for fmt, folder in FORMATS:
        for split, seed in (('train', 1), ('val', 2)):
            generate_dataset(fmt, tmp_path / 'data/synthetic' / folder, num_images=6,
                             split=split, seed=seed, image_size=(160, 128))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CFG.format(repo=REPO))
    wd = tmp_path / 'wd'
    _run(['bash', str(REPO / 'tools/dist_train.sh'), str(cfg), '2', '--work-dir', str(wd),
          '--seed', '0'], tmp_path)
    ck = torch.load(wd / 'epoch_4.pth', map_location='cpu', weights_only=True)
    state = ck['state_dict']
    # clusters were built at epoch 2 and saved; the bank is unit-norm
    assert (state['proto_head.cluster_keypoint'] >= 0).all()
    bank = state['proto_head.kpt_prototype.prototypes']
    assert bank.shape == (17 + 14 + 16 + 17 + 17 + 133, 3, 8)
    torch.testing.assert_close(bank.norm(dim=-1), torch.ones(bank.shape[:2]))
    # the backbone changed after it was thawed at epoch 3 but not while frozen at epoch 2
    e2 = torch.load(wd / 'epoch_2.pth', map_location='cpu', weights_only=True)['state_dict']
    e3 = torch.load(wd / 'epoch_3.pth', map_location='cpu', weights_only=True)['state_dict']
    key = 'backbone.blocks.0.mlp.experts.0.weight'
    assert torch.equal(e2[key], e3[key]) and not torch.equal(e3[key], state[key])
    r = _run(['bash', str(REPO / 'tools/dist_test.sh'), str(cfg), str(wd / 'epoch_4.pth'), '2',
              '--work-dir', str(wd), '--out', str(tmp_path / 'preds.json')], tmp_path)
    metrics = json.loads(r.stdout[r.stdout.rindex('{'):])
    for key in ('coco/AP', 'aic/AP', 'mpii/PCKh', 'ap10k/AP', 'apt36k/AP', 'coco_wholebody/AP'):
        assert key in metrics, sorted(metrics)
    assert (tmp_path / 'preds_coco.json').is_file() and (tmp_path / 'preds_mpii.json').exists() \
        is False
    assert (tmp_path / 'preds_coco_wholebody.json').is_file()
