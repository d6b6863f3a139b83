"""The image demo, tools/visualize.py and tools/analysis/analyze_logs.py as subprocesses."""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch

from mmpose.apis import init_model
from mmpose.checkpoint import save_checkpoint
from mmpose.datasets.synthetic import generate_dataset

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs/demo/vitpose_tiny_synthetic_coco.py'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS='2', MPLBACKEND='Agg')
    env.pop('MMPOSE_DEBUG', None)
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert cv2.imread(str(path)) is not None


def assert_user_error(r: subprocess.CompletedProcess, text: str) -> None:
    assert r.returncode == 2, r.stderr[-2000:]
    assert 'Traceback' not in r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith('error:')]
    assert len(errors) == 1 and text in errors[0], r.stderr


@pytest.fixture(scope='module')
def data(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp('demo')
    paths = generate_dataset('coco', root / 'coco', num_images=2, image_size=(256, 192))
    ann = json.loads(paths['annotation'].read_text())
    torch.manual_seed(0)
    ckpt = root / 'tiny.pth'
    save_checkpoint({'state_dict': init_model(CONFIG).state_dict()}, str(ckpt))
    return dict(root=root, ann=paths['annotation'], images=paths['images'], coco=ann, ckpt=ckpt)


def test_demo_writes_image_and_json(data):
    root, coco = data['root'], data['coco']
    image = coco['images'][0]
    boxes = [a['bbox'] for a in coco['annotations'] if a['image_id'] == image['id']]
    (root / 'boxes.json').write_text(json.dumps(boxes))
    out_img, out_json = root / 'out' / 'vis.png', root / 'out' / 'preds.json'
    r = run(REPO / 'demo/top_down_img_demo.py', '--config', CONFIG, '--checkpoint', data['ckpt'],
            '--img', data['images'] / image['file_name'], '--bboxes', root / 'boxes.json',
            '--bbox-format', 'xywh', '--out-img', out_img, '--out-json', out_json,
            '--device', 'cpu', cwd=root)
    assert r.returncode == 0, r.stderr[-3000:]
    assert_png(out_img)
    preds = json.loads(out_json.read_text())
    assert preds['dataset'] == 'coco' and len(preds['keypoint_names']) == 17
    assert len(preds['predictions']) == len(boxes)
    for pred, (x, y, w, h) in zip(preds['predictions'], boxes):
        assert len(pred['keypoints']) == 17 and len(pred['keypoint_scores']) == 17
        assert pred['bbox'] == pytest.approx([x, y, x + w, y + h], abs=1e-3)
    assert not list((root / 'out').glob('.tmp_*'))  # no partial files left


def test_demo_missing_image_is_one_line_error(data):
    r = run(REPO / 'demo/top_down_img_demo.py', '--config', CONFIG, '--checkpoint', data['ckpt'],
            '--img', data['root'] / 'missing.jpg', '--out-json', data['root'] / 'x.json',
            cwd=data['root'])
    assert_user_error(r, 'image not found')
    assert not (data['root'] / 'x.json').exists()


def _load_tool(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('text,message', [
    ('[[1, 2, 3]]', 'box 0'), ('[[1, 2, 3, "x"]]', 'box 0'), ('{"a": 1}', 'list of boxes'),
    ('[[0, 0, 5, 5], [1, 2', 'not valid JSON'), ('[{"score": 1}]', '"bbox" key')])
def test_demo_rejects_malformed_bboxes(tmp_path, text, message):
    demo = _load_tool(REPO / 'demo/top_down_img_demo.py')
    path = tmp_path / 'boxes.json'
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        demo.read_bboxes(str(path), 'xyxy')


def test_demo_reads_bbox_variants(tmp_path):
    demo = _load_tool(REPO / 'demo/top_down_img_demo.py')
    boxes, fmt = demo.read_bboxes('[[0, 0, 10, 20, 0.9]]', 'xyxy')  # inline, with a score
    assert boxes.tolist() == [[0, 0, 10, 20]] and fmt == 'xyxy'
    boxes, fmt = demo.read_bboxes('[{"bbox": [1, 2, 3, 4], "score": 0.5}]', 'xyxy')
    assert boxes.tolist() == [[1, 2, 3, 4]] and fmt == 'xywh'  # detection results are COCO xywh
    with pytest.raises(FileNotFoundError, match='bboxes file not found'):
        demo.read_bboxes(str(tmp_path / 'none.json'), 'xyxy')


def test_visualize_draws_test_results(data):
    # ground truth in the COCO results format that tools/test.py --out writes
    preds = [dict(image_id=a['image_id'], category_id=1, keypoints=a['keypoints'], score=1.0)
             for a in data['coco']['annotations']]
    pred_file = data['root'] / 'results.json'
    pred_file.write_text(json.dumps(preds))
    out_dir = data['root'] / 'vis'
    r = run(REPO / 'tools/visualize.py', '--pred', pred_file, '--ann', data['ann'],
            '--img-prefix', data['images'], '--dataset', 'coco', '--out-dir', out_dir,
            '--max-images', '1', '--score-thr', '0.5', cwd=data['root'])
    assert r.returncode == 0, r.stderr[-3000:]
    pngs = sorted(out_dir.glob('*.png'))
    assert len(pngs) == 1
    assert_png(pngs[0])
    drawn, original = cv2.imread(str(pngs[0])), cv2.imread(
        str(data['images'] / data['coco']['images'][0]['file_name']))
    assert drawn.shape == original.shape and (drawn != original).any()


def test_analyze_logs_plot_and_summary(tmp_path):
    lines = [dict(lr=1e-3 * i, loss=1.0 / i, loss_coco=1.0 / i, epoch=1 + i // 5, iter=10 * i,
                  step=10 * i) for i in range(1, 11)]
    lines += [{'coco/AP': ap, 'coco/AR': ap + 0.1, 'step': e} for e, ap in ((1, 0.2), (2, 0.5))]
    logs = []
    for name, scale in (('a', 1.0), ('b', 2.0)):
        path = tmp_path / name / '20250101_000000' / 'vis_data' / 'scalars.json'
        path.parent.mkdir(parents=True)
        path.write_text('\n'.join(json.dumps({k: v * scale if k == 'loss' else v
                                              for k, v in rec.items()}) for rec in lines) + '\n')
        logs.append(path)
    out = tmp_path / 'curves.png'
    r = run(REPO / 'tools/analysis/analyze_logs.py', *logs, '--keys', 'loss', 'lr', 'coco/AP',
            '--legend', 'base', 'moe', '--out', out, '--summary', cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert_png(out)
    assert 'base' in r.stdout and 'moe' in r.stdout
    assert 'best=0.5 (epoch 2, max)' in r.stdout  # coco/AP
    assert 'best=0.1 (iter 100, min)' in r.stdout  # loss of run a
    tool = _load_tool(REPO / 'tools/analysis/analyze_logs.py')
    with pytest.raises(KeyError, match='coco/APx'):
        tool.check_keys({'a': tool.load_scalars(str(logs[0]))}, ['coco/APx'])


def test_tensorboard_one_config_line(tmp_path, samples):
    """The README's one config line writes TensorBoard event files (skips without tensorboard)."""
    pytest.importorskip('tensorboard')
    repo = Path(__file__).resolve().parents[2]
    s = f'{samples}/coco/'
    cfg = tmp_path / 'tb.py'
    cfg.write_text(
        f"_base_ = ['{repo}/configs/demo/vitpose_tiny_synthetic_coco.py']\n"
        "visualizer = dict(vis_backends=[dict(type='LocalVisBackend'), "
        "dict(type='TensorboardVisBackend')])\n"
        f"train_dataloader = dict(num_workers=0, dataset=dict(ann_file='{s}test_coco.json', "
        f"img_prefix='{s}'))\n"
        "val_dataloader = None\nval_cfg = None\nval_evaluator = None\n"
        "train_cfg = dict(max_epochs=1)\nmodel = dict(backbone=dict(depth=1))\n")
    r = subprocess.run([sys.executable, str(repo / 'tools/train.py'), str(cfg), '--work-dir',
                        str(tmp_path / 'wd')], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert list((tmp_path / 'wd').rglob('events.out.tfevents.*'))
