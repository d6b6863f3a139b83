"""tools/model_split.py and tools/remove_proto.py on real files: a tiny PoseBH (MoE + proto head)
checkpoint, official and ours, split into per-dataset plain models that predict like the
multi-dataset model, then prototypes removed for transfer."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config

from mmpose.checkpoint import load_model_weights
from mmpose.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
NAMES = ('coco', 'aic', 'mpii')
CFG = """
model = dict(
    type='TopDownMoEProto', datasets={names}, dataset_to_expert={experts},
    backbone=dict(type='ViTMoE', num_expert=3, part_features=8, img_size=(64, 48), embed_dim=32,
                  depth=2, num_heads=4, qkv_bias=True),
    keypoint_head=dict(type='HeatmapHead', in_channels=32, num_deconv_filters=(16, 16)),
    proto_head=dict(type='KptProtoHead', in_channels=32, num_deconv_filters=(16, 16), channels=8,
                    out_channels=8, cp_size=6),
    test_cfg=dict(flip_test=True, use_udp=True))
"""


def _predict(model, name, x):
    from mmpose.datasets.metainfo import get_metainfo
    samples = [dict(dataset_name=name, flip_indices=get_metainfo(name).flip_indices,
                    center=np.array([24., 32.]), scale=np.array([.24, .32]))] * len(x)
    return np.stack([p['pred_keypoints'] for p in model(x, samples, mode='predict')])


def _run(*argv):
    r = subprocess.run([sys.executable, *map(str, argv)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_split_then_remove_prototypes(tmp_path):
    cfg_path = tmp_path / 'posebh_tiny.py'
    cfg_path.write_text(CFG.format(names=NAMES, experts={n: i for i, n in enumerate(NAMES)}))
    cfg = Config.fromfile(cfg_path)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.eval()
    # an official-layout PoseBH file: positional heads, no cluster map
    official = {}
    for k, v in model.state_dict().items():
        if k.startswith('heads.'):
            name, rest = k.split('.', 2)[1:]
            i = NAMES.index(name)
            k = f'keypoint_head.{rest}' if i == 0 else f'associate_keypoint_heads.{i - 1}.{rest}'
        if k != 'proto_head.cluster_keypoint':
            official[k] = v
    src = tmp_path / 'posebh_tiny.pth'
    torch.save({'meta': {'epoch': 100}, 'state_dict': official}, src)
    # the official file loads unchanged into the PoseBH model
    again = MODELS.build(cfg.model).eval()
    load_model_weights(again, str(src))
    x = torch.randn(2, 3, 64, 48)
    np.testing.assert_array_equal(_predict(again, 'aic', x), _predict(model, 'aic', x))
    out = _run(REPO / 'tools/model_split.py', '--source', src, '--config', cfg_path, '--target',
               tmp_path / 'split', '--prefix', 'tiny')
    assert out.count('->') == 3
    plain_cfg = Config.fromfile(cfg_path).model
    plain_cfg.backbone.update(type='ViT')
    plain_cfg.backbone.pop('num_expert')
    plain_cfg.backbone.pop('part_features')
    plain_cfg.pop('dataset_to_expert')
    plain_cfg.pop('proto_head')  # the per-dataset evaluation models have no prototype head
    for name in NAMES:
        single = MODELS.build(dict(plain_cfg, datasets=(name, ))).eval()
        load_model_weights(single, str(tmp_path / 'split' / f'tiny_{name}.pth'))
        np.testing.assert_allclose(_predict(single, name, x), _predict(model, name, x),
                                   atol=1e-3)
    _run(REPO / 'tools/remove_proto.py', '--source', tmp_path / 'split' / 'tiny_coco.pth')
    stripped = torch.load(tmp_path / 'split' / 'tiny_coco_no_proto.pth', weights_only=True)
    keys = stripped['state_dict'].keys()
    assert not any('prototype' in k for k in keys) and 'proto_head.head.0.weight' in keys


def test_readme_transfer_flow(tmp_path, data_tree):
    """README transfer: split -> remove prototypes -> fine-tune the InterHand transfer config from
    the COCO model without prototypes (tiny sizes through --cfg-options)."""
    cfg_path = tmp_path / 'posebh_tiny.py'
    cfg_path.write_text(CFG.format(names=NAMES, experts={n: i for i, n in enumerate(NAMES)}))
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(cfg_path).model)
    model.init_weights()
    src = tmp_path / 'epoch_100.pth'
    torch.save({'state_dict': model.state_dict()}, src)
    _run(REPO / 'tools/model_split.py', '--source', src, '--config', cfg_path, '--target',
         tmp_path / 'split', '--prefix', 'posebh_base')
    _run(REPO / 'tools/remove_proto.py', '--source', tmp_path / 'split/posebh_base_coco.pth')
    small = ['model.backbone.embed_dim=32', 'model.backbone.depth=2', 'model.backbone.num_heads=4',
             'model.backbone.img_size=(64,48)', 'model.keypoint_head.in_channels=32',
             'model.keypoint_head.num_deconv_filters=(16,16)', 'model.proto_head.in_channels=32',
             'model.proto_head.num_deconv_filters=(16,16)', 'model.proto_head.channels=8',
             'model.proto_head.out_channels=8',
             f"model.multihead_pretrained={tmp_path / 'split/posebh_base_coco_no_proto.pth'}",
             'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
             'val_dataloader.num_workers=0', 'train_cfg.max_epochs=1']
    for split in ('train_dataloader', 'val_dataloader'):
        small += [f'{split}.dataset.image_size=(48,64)',
                  f'{split}.dataset.pipeline.0.input_size=(48,64)']
    small.append('train_dataloader.dataset.pipeline.0.heatmap_size=(12,16)')
    config = REPO / ('configs/hand/2d_kpt_sview_rgb_img/topdown_heatmap/interhand2d/'
                     'vitb_posebh_interhand2d_256x192.py')
    r = subprocess.run([sys.executable, str(REPO / 'tools/train.py'), str(config), '--work-dir',
                        str(tmp_path / 'wd'), '--cfg-options', *small], cwd=data_tree,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'transfer: new keypoint set' in r.stdout + r.stderr
    assert (tmp_path / 'wd/epoch_1.pth').is_file()
