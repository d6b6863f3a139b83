"""`tools/test.py` with each dataset's evaluation config, run from a directory laid out like the
PoseBH README's data tree, prints that dataset's official metric; for COCO-style metrics the
printed AP equals what xtcocotools computes on the `--out` file."""
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config, DictAction

REPO = Path(__file__).resolve().parents[2]
B = 'configs/body/2d_kpt_sview_rgb_img/topdown_heatmap'
CASES = [
    (f'{B}/coco/ViTPose_base_coco_256x192.py', 'coco/AP', 'person_keypoints_val2017', []),
    (f'{B}/coco/ViTPose_base_coco_256x192.py', 'coco/AP', 'person_keypoints_val2017',
     ['test_dataloader.dataset.use_gt_bbox=True']),
    (f'{B}/aic/ViTPose_base_aic_256x192.py', 'aic/AP', None, []),
    (f'{B}/mpii/ViTPose_base_mpii_256x192.py', 'mpii/PCKh', None, []),
    (f'{B}/ochuman/ViTPose_base_ochuman_256x192.py', 'ochuman/AP', None, []),
    (f'{B}/crowdpose/ViTPose_base_crowdpose_256x192.py', 'crowdpose/AP(M)', None, []),
    (f'{B}/pw3d/ViTPose_base_pw3d_2d_256x192.py', 'pw3d/AP', None, []),
    ('configs/animal/2d_kpt_sview_rgb_img/topdown_heatmap/ap10k/ViTPose_base_ap10k_256x192.py',
     'ap10k/AP', None, []),
    ('configs/animal/2d_kpt_sview_rgb_img/topdown_heatmap/apt36k/ViTPose_base_apt36k_256x192.py',
     'apt36k/AP', None, []),
    ('configs/wholebody/2d_kpt_sview_rgb_img/topdown_heatmap/coco-wholebody/'
     'ViTPose_base_wholebody_256x192.py', 'coco_wholebody/face/AP', None, []),
    ('configs/hand/2d_kpt_sview_rgb_img/topdown_heatmap/interhand2d/'
     'ViTPose_base_interhand2d_all_256x192.py', 'interhand2d/AUC', None, []),
]
SHRINK = ['model.backbone.embed_dim=32', 'model.backbone.depth=1', 'model.backbone.num_heads=2',
          'model.keypoint_head.in_channels=32', 'model.keypoint_head.num_deconv_filters=(16,16)',
          'test_dataloader.num_workers=0']


def _xtcocotools_ap(ann_file: str, res_file: str) -> float:
    from xtcocotools.coco import COCO
    from xtcocotools.cocoeval import COCOeval

    from mmpose.datasets.metainfo import get_metainfo
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(ann_file)
        ev = COCOeval(gt, gt.loadRes(res_file), 'keypoints', get_metainfo('coco').sigmas,
                      use_area=True)
        ev.params.useSegm = None
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return float(ev.stats[0])


@pytest.mark.parametrize('config,key,ann,extra', CASES,
                         ids=[f'{Path(c[0]).stem}{"-gt" if c[3] else ""}' for c in CASES])
def test_eval_config(data_tree, tmp_path, config, key, ann, extra):
    from mmpose.registry import MODELS
    cfg = Config.fromfile(REPO / config)
    # the same overrides as the CLI call below, parsed the way the CLI parses them
    cfg.merge_from_dict({k: DictAction._parse_iterable(v)
                         for k, v in (item.split('=', 1) for item in SHRINK[:-1])})
    cfg.model.multihead_pretrained = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ckpt = tmp_path / 'model.pth'
    torch.save({'state_dict': model.state_dict()}, ckpt)
    out = tmp_path / 'preds.json'
    r = subprocess.run(
        [sys.executable, str(REPO / 'tools/test.py'), str(REPO / config), str(ckpt),
         '--work-dir', str(tmp_path / 'wd'), '--out', str(out), '--cfg-options', *SHRINK, *extra],
        cwd=data_tree, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads(r.stdout[r.stdout.rindex('{'):])
    assert key in metrics, sorted(metrics)
    if ann:
        ap = _xtcocotools_ap(str(data_tree / f'data/coco/annotations/{ann}.json'), str(out))
        assert abs(ap - metrics['coco/AP']) < 1e-4


def test_testdev_config_writes_the_submission_file(data_tree, tmp_path):
    """COCO test-dev has no public ground truth: the run writes the results file only."""
    config = f'{B}/coco/ViTPose_base_coco_256x192_testdev.py'
    cfg = Config.fromfile(REPO / config)
    cfg.merge_from_dict({k: DictAction._parse_iterable(v)
                         for k, v in (item.split('=', 1) for item in SHRINK[:-1])})
    from mmpose.registry import MODELS
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save({'state_dict': model.state_dict()}, tmp_path / 'model.pth')
    out = tmp_path / 'test-dev_results.json'
    r = subprocess.run(
        [sys.executable, str(REPO / 'tools/test.py'), str(REPO / config), str(tmp_path / 'model.pth'),
         '--work-dir', str(tmp_path / 'wd'), '--out', str(out), '--cfg-options', *SHRINK],
        cwd=data_tree, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert r.returncode == 0, r.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results and {'image_id', 'keypoints', 'score', 'category_id'} <= set(results[0])
