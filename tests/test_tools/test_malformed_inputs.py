"""Malformed input: every case ends in one actionable `error:` line (exit code 2) naming the
file / key / expectation, or in a counted skip — never a raw traceback, never a partial file."""
import json
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from mmpose.utils import run_cli

REPO = Path(__file__).resolve().parents[2]
DEMO = str(REPO / 'configs/demo/vitpose_tiny_synthetic_coco.py')
TOOLS = {name: runpy.run_path(str(REPO / f'tools/{name}.py'), run_name='malformed')['main']
         for name in ('train', 'test', 'model_split', 'remove_proto')}


@pytest.fixture(autouse=True)
def fresh_mmengine_globals():
    """Each in-process run gets new loggers/visualizers (their streams are pytest's capture)."""
    from mmengine.logging import MessageHub, MMLogger
    from mmengine.visualization import Visualizer
    yield
    for cls in (MMLogger, Visualizer, MessageHub):
        for inst in list(cls._instance_dict.values()):
            for h in getattr(inst, 'handlers', [])[:]:
                inst.removeHandler(h)
        cls._instance_dict.clear()


@pytest.fixture()
def tree(tmp_path, monkeypatch):
    """A working dir with a tiny synthetic COCO tree at data/synthetic_coco."""
    from mmpose.datasets.synthetic import generate_dataset
    for split, seed in (('train', 1), ('val', 2)):
        generate_dataset('coco', tmp_path / 'data/synthetic_coco', num_images=2, split=split,
                         seed=seed, image_size=(160, 128))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def expect_error(capsys, fn, *fragments):
    with pytest.raises(SystemExit) as e:
        run_cli(fn)
    err = capsys.readouterr().err
    assert e.value.code == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines[0].startswith('error: ') and 'Traceback' not in err, err
    assert len(lines) <= 2, err
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])


def no_partial_files(root: Path):
    leftovers = [p for p in root.rglob('*') if p.name.startswith('.tmp_') or
                 p.suffix == '.part']
    assert not leftovers, leftovers


def tool(name, *argv):
    def call():
        sys.argv = [name, *argv]
        TOOLS[name]()
    return call


TRAIN_CASES = [
    ('missing config', ['nope.py'], ['nope.py']),
    ('unknown model type', [DEMO, '--cfg-options', 'model.backbone.type=VIT'], ["'ViT'"]),
    ('unknown backbone argument', [DEMO, '--cfg-options', 'model.backbone.embed_dimm=8'],
     ["'embed_dim'"]),
    ('unknown head argument', [DEMO, '--cfg-options', 'model.keypoint_head.num_deconvs=1'],
     ['num_deconvs', 'HeatmapHead accepts']),
    ('unknown test_cfg key', [DEMO, '--cfg-options', 'model.test_cfg.flip_tset=False'],
     ['model.test_cfg', 'flip_tset']),
    ('train_cfg not empty', [DEMO, '--cfg-options', 'model.train_cfg.x=1'], ['model.train_cfg']),
    ('bad loss normalisation', [DEMO, '--cfg-options', 'model.loss_normalization=mean'],
     ['loss_normalization']),
    ('bad routing', [DEMO, '--cfg-options', 'model.routing=fast'], ['routing']),
    ('empty datasets', [DEMO, '--cfg-options', 'model.datasets=[]'], ['datasets']),
    ('head out_channels mismatch', [DEMO, '--cfg-options', 'model.keypoint_head.out_channels=5'],
     ['out_channels=5', "'coco'"]),
    ('expert map without experts', [DEMO, '--cfg-options', 'model.dataset_to_expert.coco=0'],
     ['dataset_to_expert']),
    ('alias to unserved dataset', [DEMO, '--cfg-options', 'model.dataset_aliases.ochuman=aic'],
     ['dataset_aliases']),
    ('unknown loss type', [DEMO, '--cfg-options', 'model.loss.type=JointMSELoss'],
     ["'JointsMSELoss'"]),
    ('unknown dataset name', [DEMO, '--cfg-options', 'train_dataloader.dataset.dataset_name=cocoo'],
     ["'cocoo'", 'known']),
    ('missing annotation file', [DEMO, '--cfg-options',
                                 'train_dataloader.dataset.ann_file=data/none.json'],
     ['data/none.json']),
    ('unknown dataset type', [DEMO, '--cfg-options', 'train_dataloader.dataset.type=CocoDataset'],
     ['CocoDataset']),
    ('unknown transform', [DEMO, '--cfg-options',
                           'train_dataloader.dataset.pipeline.0.type=TopdownTrainPipline'],
     ["'TopdownTrainPipeline'"]),
    ('unknown pipeline argument', [DEMO, '--cfg-options',
                                   'train_dataloader.dataset.pipeline.0.rot_factr=3'],
     ["'rot_factor'"]),
    ('bad image_size', [DEMO, '--cfg-options', 'train_dataloader.dataset.image_size=[1,2,3]'],
     ['image_size']),
    ('bad visibility rule', [DEMO, '--cfg-options', 'train_dataloader.dataset.visibility=all'],
     ['visibility']),
    ('detections needed but missing', [DEMO, '--cfg-options',
                                       'val_dataloader.dataset.bbox_file=None'], ['bbox_file']),
    ('missing detection file', [DEMO, '--cfg-options',
                                'val_dataloader.dataset.bbox_file=data/dets.json'],
     ['data/dets.json']),
    ('metric unknown nms', [DEMO, '--cfg-options', 'val_evaluator.nms_mode=nms'], ['nms_mode']),
    ('metric unknown iou type', [DEMO, '--cfg-options', 'val_evaluator.iou_type=kpt'],
     ['iou_type']),
    ('metric missing annotation', [DEMO, '--cfg-options', 'val_evaluator.ann_file=data/x.json'],
     ['data/x.json']),
    ('format_only without outfile', [DEMO, '--cfg-options', 'val_evaluator.format_only=True'],
     ['outfile_prefix']),
    ('unknown paramwise key (decay_multi)', [
        DEMO, '--cfg-options', 'optim_wrapper.constructor=LayerDecayOptimWrapperConstructor',
        'optim_wrapper.paramwise_cfg.num_layers=4', 'optim_wrapper.paramwise_cfg.layer_decay_rate=0.7',
        'optim_wrapper.paramwise_cfg.custom_keys.bias.decay_multi=0'], ['custom_keys']),
    ('missing pretrained file', [DEMO, '--cfg-options', 'model.pretrained=weights/none.pth'],
     ['weights/none.pth']),
    ('missing multihead file', [DEMO, '--cfg-options',
                                'model.multihead_pretrained=weights/none.pth'],
     ['weights/none.pth']),
]


@pytest.mark.parametrize('name,argv,fragments', TRAIN_CASES, ids=[c[0] for c in TRAIN_CASES])
def test_train_cli(tree, capsys, name, argv, fragments):
    expect_error(capsys, tool('train', *argv, '--work-dir', str(tree / 'wd')), *fragments)
    no_partial_files(tree)


HOOK_CASES = [
    ('glob matching nothing', "[dict(type='ParamScheduleHook', schedule=[dict(epoch=0, "
                              "freeze=['backbon.*'])])]", ['backbon.*']),
    ('bad schedule entry', "[dict(type='ParamScheduleHook', schedule=[dict(epoch=0, "
                           "frz=['backbone.*'])])]", ['frz']),
    ('unknown hook', "[dict(type='ParamSchedulerHok')]", ["'ParamSchedulerHook'"]),
]


@pytest.mark.parametrize('name,hooks,fragments', HOOK_CASES, ids=[c[0] for c in HOOK_CASES])
def test_hook_config(tree, capsys, name, hooks, fragments):
    cfg = tree / 'cfg.py'
    cfg.write_text(f"_base_ = ['{DEMO}']\ncustom_hooks = {hooks}\n")
    expect_error(capsys, tool('train', str(cfg), '--work-dir', str(tree / 'wd')), *fragments)


def _tiny_checkpoint(path, moe=False):
    from mmengine.config import Config

    from mmpose.registry import MODELS
    cfg = Config.fromfile(DEMO).model
    if moe:
        cfg.backbone.update(type='ViTMoE', num_expert=2, part_features=32)
        cfg.update(datasets=('coco', 'aic'))
    model = MODELS.build(cfg)
    torch.save({'state_dict': model.state_dict()}, path)


class Evil:
    def __reduce__(self):
        return (print, ('pwned',))


def test_checkpoint_cases(tree, capsys):
    ck = tree / 'ok.pth'
    _tiny_checkpoint(ck)
    cases = [
        (('test', DEMO, 'missing.pth'), ['missing.pth']),
        (('model_split', '--source', 'missing.pth'), ['missing.pth']),
        (('remove_proto', '--source', 'missing.pth'), ['missing.pth']),
        (('model_split', '--source', str(ck), '--config', DEMO, '--datasets', 'aic'),
         ["'aic'"]),
    ]
    bad = tree / 'bad_keys.pth'
    state = torch.load(ck)['state_dict']
    state['heads.coco.final_layer.weight'] = torch.zeros(3, 64, 1, 1)
    torch.save({'state_dict': state}, bad)
    cases.append((('test', DEMO, str(bad)), ['shape mismatch']))
    evil = tree / 'evil.pth'
    torch.save({'state_dict': {}, 'x': Evil()}, evil)
    cases.append((('test', DEMO, str(evil)), ['refusing to load']))
    trunc = tree / 'trunc.pth'
    trunc.write_bytes(ck.read_bytes()[:100])
    cases.append((('test', DEMO, str(trunc)), ['not a readable']))
    moe = tree / 'moe.pth'
    _tiny_checkpoint(moe, moe=True)
    cases.append((('train', DEMO, '--cfg-options', f'model.multihead_pretrained={moe}'),
                  ['model_split.py']))
    for argv, fragments in cases:
        expect_error(capsys, tool(*argv), *fragments)
    no_partial_files(tree)
    assert len(cases) == 8


def _coco(tmp_path, anns, images=None, **kw):
    from mmpose.datasets import CocoStyleDataset
    path = tmp_path / 'ann.json'
    images = images or [dict(id=1, file_name='a.jpg', width=100, height=100)]
    path.write_text(json.dumps(dict(images=images, annotations=anns)))
    return CocoStyleDataset(ann_file=str(path), **kw)


GOOD = dict(id=1, image_id=1, bbox=[10, 10, 50, 50], num_keypoints=1, iscrowd=0,
            keypoints=[20, 20, 2] + [0] * 48)

SKIPPED_RECORDS = [
    ('wrong keypoint count', dict(GOOD, id=2, keypoints=[1, 2, 2])),
    ('NaN box', dict(GOOD, id=3, bbox=[10, 10, float('nan'), 5])),
    ('negative box', dict(GOOD, id=4, bbox=[10, 10, -5, 5])),
    ('missing box', {k: v for k, v in GOOD.items() if k != 'bbox'} | dict(id=5)),
    ('unknown image', dict(GOOD, id=6, image_id=99)),
    ('NaN keypoint', dict(GOOD, id=7, keypoints=[float('nan'), 20, 2] + [0] * 48)),
    ('box of 3 numbers', dict(GOOD, id=8, bbox=[1, 2, 3])),
]


@pytest.mark.parametrize('name,bad', SKIPPED_RECORDS, ids=[c[0] for c in SKIPPED_RECORDS])
def test_bad_record_is_counted_and_skipped(tmp_path, name, bad):
    ds = _coco(tmp_path, [GOOD, bad])
    assert len(ds) == 1 and ds.num_bad_records == 1


def test_data_file_cases(tmp_path, capsys):
    from mmpose.datasets import CocoStyleDataset, InterHand2DDataset, MpiiDataset
    from mmpose.datasets.transforms import LoadImage
    p = tmp_path / 'x.json'

    def write(text):
        p.write_text(text)
        return str(p)

    cases = [
        (lambda: CocoStyleDataset(ann_file=write('{"images": [')), ['not valid JSON']),
        (lambda: CocoStyleDataset(ann_file=write('[1, 2]')), ['not a COCO-format']),
        (lambda: _coco(tmp_path, [SKIPPED_RECORDS[0][1]]), ['no usable records']),
        (lambda: _coco(tmp_path, [GOOD], test_mode=True, use_gt_bbox=False,
                       bbox_file=write('{"a": 1}')), ['must hold a list']),
        (lambda: _coco(tmp_path, [GOOD], test_mode=True, use_gt_bbox=False,
                       bbox_file=write('[{"image_id": 1}]')), ['entry 0']),
        (lambda: _coco(tmp_path, [GOOD], test_mode=True, use_gt_bbox=False,
                       bbox_file=write('[{"image_id": 7, "bbox": [0, 0, 5, 5], "score": 1}]')),
         ['no person detection']),
        (lambda: MpiiDataset(ann_file=str(tmp_path / 'mpii.json')), ['mpii.json']),
        (lambda: InterHand2DDataset(ann_file=write('{"images": [], "annotations": []}'),
                                    camera_file=str(tmp_path / 'cam.json'),
                                    joint_file=str(tmp_path / 'joint.json')), ['cam.json']),
        (lambda: LoadImage()(dict(img_path=str(tmp_path / 'no.jpg'))), ['no.jpg']),
        (lambda: LoadImage()(dict(img_path=write('not an image'))), ['cannot decode']),
    ]
    for fn, fragments in cases:
        expect_error(capsys, fn, *fragments)
    no_partial_files(tmp_path)


def test_nan_loss_names_the_images(capsys):
    from mmengine.optim import OptimWrapper
    from test_models.test_estimator import batch, tiny
    model = tiny()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = batch(model, ['coco'])
    data['data_samples'][0]['img_path'] = 'x/img.jpg'
    data['targets']['coco']['heatmaps'][:] = float('nan')
    expect_error(capsys, lambda: model.train_step(data, wrapper), 'non-finite', 'x/img.jpg')
    assert np  # noqa
