"""APT-36K splitting and 3DPW conversion (``mmpose.datasets.preprocessing``) and their CLIs."""
from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from xtcocotools.coco import COCO

from mmpose.datasets import CocoStyleDataset
from mmpose.datasets.metainfo import get_metainfo
from mmpose.datasets.preprocessing import (
    convert_pw3d,
    joints_to_keypoints,
    rebuild_file_name,
    split_apt36k,
    split_bounds,
)

REPO = Path(__file__).resolve().parents[2]
W, H = 640, 480
# (species folder, category id, video folders in file order): 10 dogs -> 7/1/2, 6 horses -> 4/1/1
DOG = [f'dog_{i:02d}' for i in (9, 3, 5, 0, 8, 1, 7, 2, 6, 4)]
HORSE = [f'horse_{i:02d}' for i in (5, 1, 4, 0, 3, 2)]
MOJIBAKE = {'dog_0Ã¶': 'dog_04'}  # the last dog video is stored under a garbled name


def _fake_apt36k(frames: int = 3) -> dict:
    """Two species whose videos interleave in the file; Windows paths, ``is_crowd``."""
    rng = np.random.default_rng(0)
    meta = get_metainfo('apt36k')
    cats = [dict(id=c, name=n, supercategory='animal', keypoints=list(meta.keypoint_names),
                 skeleton=[[a + 1, b + 1] for a, b in meta.skeleton])
            for c, n in ((1, 'dog'), (2, 'horse'))]
    videos = [('Dog', 1, v) for v in DOG] + [('Horse', 2, v) for v in HORSE]
    order = [videos[i] for i in np.argsort([i % 10 * 2 + (i >= 10) for i in range(16)],
                                           kind='stable')]
    order.append(('Dog', 1, 'dog_unlabelled'))  # a video without annotations: dropped
    images, anns = [], []
    for species, cat, video in order:
        folder = 'dog_0Ã¶' if video == 'dog_04' else video
        for f in range(frames):
            img_id = len(images) + 1
            images.append(dict(id=img_id, width=W, height=H, background=1, video_id=video,
                               file_name=f'D:\\APT-36K\\clips\\{species}\\{folder}\\{f:04d}.png'))
            if video == 'dog_unlabelled' or (video == 'horse_03' and f == 0):
                continue  # unannotated frame of an annotated video stays with its video
            for crowd in ((0, 1) if video == 'dog_09' and f == 0 else (0,)):
                xy = rng.uniform([100, 100], [400, 300], size=(17, 2))
                kpts = np.concatenate([xy, np.full((17, 1), 2)], 1).round(1)
                anns.append(dict(id=len(anns) + 1, image_id=img_id, category_id=cat,
                                 bbox=[90., 90., 320., 220.], area=320. * 220.,
                                 num_keypoints=17, keypoints=kpts.reshape(-1).tolist(),
                                 is_crowd=crowd))
    return dict(info=dict(description='fake APT-36K'), images=images, annotations=anns,
                categories=cats)


def _joints(rng: np.random.Generator) -> np.ndarray:
    """24 (u, v, depth): joint 0 left of the image, 1 below it, 2 behind the camera."""
    joints = np.concatenate([rng.uniform([50, 50], [500, 400], size=(24, 2)),
                             rng.uniform(2, 5, size=(24, 1))], 1)
    joints[0, 0], joints[1, 1], joints[2, 2] = -3., H + 1., -0.5
    return joints


def _fake_scorehypo(num_images: int, seed: int) -> dict:
    """ScoreHypo-style 3DPW: ``sequence`` on images (or the file's folder), ``smpl_joint_img``."""
    rng = np.random.default_rng(seed)
    images, anns = [], []
    for i in range(num_images):
        seq = f'courtyard_{i % 2:02d}'
        img = dict(id=100 + i, width=W, height=H, file_name=f'image_{i:05d}.jpg', sequence=seq)
        if i == 1:  # no sequence field: the folder of the file name is the sequence
            img = dict(id=100 + i, width=W, height=H, file_name=f'{seq}/image_{i:05d}.jpg')
        images.append(img)
        for p in range(2):
            ann = dict(id=len(anns) + 1, image_id=img['id'],
                       smpl_joint_img=_joints(rng).tolist())
            if p == 0:
                ann['bbox'] = [40., 30., 500., 420.]
            anns.append(ann)
    return dict(images=images, annotations=anns)


def _video(img: dict) -> str:
    return img['file_name'].rsplit('/', 1)[0]


@pytest.fixture(scope='module')
def cli_runs(tmp_path_factory) -> dict:
    """Run both CLIs concurrently as subprocesses (each pays the torch import)."""
    root = tmp_path_factory.mktemp('prepro')
    (root / 'raw').mkdir()
    (root / 'raw' / 'apt36k_annotations.json').write_text(json.dumps(_fake_apt36k()))
    (root / 'src').mkdir()
    for split, n in (('train', 4), ('test', 3)):
        (root / 'src' / f'3DPW_{split}.json').write_text(json.dumps(_fake_scorehypo(n, n)))
    rename = [a for old, new in MOJIBAKE.items() for a in ('--rename', old, new)]
    cmds = dict(
        apt36k=['tools/dataset/prepro_apt36k.py', '--ann',
                str(root / 'raw' / 'apt36k_annotations.json'), '--out-dir', str(root / 'ap36k'),
                *rename],
        pw3d=['tools/dataset/preprocess_3dpw.py', '--src', str(root / 'src'),
              '--out-dir', str(root / 'pw3d')],
    )
    procs = {k: subprocess.Popen([sys.executable, *c], cwd=REPO, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for k, c in cmds.items()}
    results = {}
    for k, p in procs.items():
        out, err = p.communicate(timeout=120)
        results[k] = (p.returncode, out, err)
    return dict(root=root, results=results)


# ---- APT-36K ---------------------------------------------------------------------------------
def test_split_bounds():
    assert split_bounds(10) == (7, 8)
    assert split_bounds(6) == (4, 5)
    assert split_bounds(1) == (1, 1)
    assert split_bounds(0) == (0, 0)
    assert split_bounds(19) == (14, 16)


def test_rebuild_file_name():
    assert rebuild_file_name('D:\\a\\b\\Dog\\v1\\0001.png') == 'Dog/v1/0001.png'
    assert rebuild_file_name('D:\\a\\Dog\\bad\\0.png', {'bad': 'good'}) == 'Dog/good/0.png'
    with pytest.raises(ValueError, match='fewer than 3'):
        rebuild_file_name('v1\\0001.png')


def test_split_by_video_within_category():
    raw = _fake_apt36k()
    splits = split_apt36k(raw, rename_folders=MOJIBAKE)
    assert list(splits) == ['train', 'val', 'test']
    videos = {s: list(dict.fromkeys(_video(i) for i in d['images'])) for s, d in splits.items()}
    # exact per-category boundaries in original (file) order, not sorted
    for species, vids, sizes in (('Dog', DOG, (7, 1, 2)), ('Horse', HORSE, (4, 1, 1))):
        bounds = np.cumsum((0,) + sizes)
        for k, s in enumerate(splits):
            got = [v.split('/')[1] for v in videos[s] if v.startswith(species + '/')]
            assert got == vids[bounds[k]:bounds[k + 1]], (species, s)
    every = [v for s in splits for v in videos[s]]
    assert len(every) == len(set(every)) == 16  # no video in two splits; unlabelled one dropped
    assert 'Dog/dog_04' in videos['test'] and not any('Ã' in v for v in every)
    # images and annotations are partitioned consistently, ids unchanged
    ann_ids, img_ids = [], []
    for d in splits.values():
        assert d['categories'] == raw['categories'] and d['info'] == raw['info']
        ids = {i['id'] for i in d['images']}
        assert all(a['image_id'] in ids for a in d['annotations'])
        assert all('is_crowd' not in a and a['iscrowd'] in (0, 1) for a in d['annotations'])
        ann_ids += [a['id'] for a in d['annotations']]
        img_ids += list(ids)
    assert sorted(ann_ids) == [a['id'] for a in raw['annotations']]
    assert len(img_ids) == len(set(img_ids)) == len(raw['images']) - 3
    assert sum(a['iscrowd'] for d in splits.values() for a in d['annotations']) == 1
    assert raw['annotations'][0]['is_crowd'] == 0  # the input is not modified


def test_video_key_and_mixed_categories():
    raw = _fake_apt36k(frames=2)
    horse_ann = next(a for a in raw['annotations'] if a['category_id'] == 2)
    dog_img = raw['images'][0]
    raw['annotations'].append(dict(horse_ann, id=999, image_id=dog_img['id']))
    splits = split_apt36k(raw, video_key=lambda img: img['video_id'])
    where = [s for s, d in splits.items() if any(a['id'] == 999 for a in d['annotations'])]
    assert where == ['train']  # the video stays whole and keeps its majority category (dog)
    assert sum(len(d['images']) for d in splits.values()) == len(raw['images']) - 2


def test_apt36k_errors(tmp_path):
    missing = tmp_path / 'apt36k_annotations.json'
    with pytest.raises(FileNotFoundError, match='apt36k_annotations.json'):
        split_apt36k(missing)
    raw = _fake_apt36k(frames=1)
    raw['annotations'][3]['image_id'] = 12345
    with pytest.raises(ValueError, match='annotation 4 refers to unknown image_id 12345'):
        split_apt36k(raw)


def test_apt36k_cli_outputs_load(cli_runs):
    rc, out, err = cli_runs['results']['apt36k']
    assert rc == 0, err
    folder = cli_runs['root'] / 'ap36k'
    assert sorted(p.name for p in folder.iterdir()) == [
        'apt36k_test.json', 'apt36k_train.json', 'apt36k_val.json']  # no temp files left
    expected = split_apt36k(cli_runs['root'] / 'raw' / 'apt36k_annotations.json',
                            rename_folders=MOJIBAKE)
    for split, data in expected.items():
        path = str(folder / f'apt36k_{split}.json')
        assert f"{split}: {len(data['images'])} images" in out
        coco = COCO(path)
        assert len(coco.getImgIds()) == len(data['images'])
        assert len(coco.getAnnIds()) == len(data['annotations'])
        ds = CocoStyleDataset(ann_file=path, dataset_name='apt36k')
        assert len(ds) == sum(1 for a in data['annotations'] if not a['iscrowd'])
        assert ds.get_data_info(0)['img_path'].count('/') == 2


# ---- 3DPW ------------------------------------------------------------------------------------
def test_joints_to_keypoints_visibility():
    joints = np.array([[10, 10, 1], [W, 10, 1], [10, -1, 1], [10, 10, -1e-3], [0, 0, 0],
                       [np.nan, 5, 1]], float)
    kpts = joints_to_keypoints(joints, W, H)
    assert kpts[:, 2].tolist() == [1, 0, 0, 0, 1, 0]
    assert (kpts[kpts[:, 2] == 0, :2] == 0).all()
    kept = joints_to_keypoints(joints, W, H, zero_invisible=False)
    np.testing.assert_array_equal(kept[:5, :2], joints[:5, :2])


def test_convert_pw3d():
    raw = _fake_scorehypo(3, seed=1)
    coco = convert_pw3d(raw)
    meta = get_metainfo('pw3d')
    (cat,) = coco['categories']
    assert cat['id'] == 1 and cat['name'] == 'person'
    assert cat['keypoints'] == list(meta.keypoint_names)
    assert cat['skeleton'] == [[a + 1, b + 1] for a, b in meta.skeleton]
    assert [i['file_name'] for i in coco['images']] == [
        'courtyard_00/image_00000.jpg', 'courtyard_01/image_00001.jpg',
        'courtyard_00/image_00002.jpg']
    for src, ann in zip(raw['annotations'], coco['annotations']):
        kpts = np.array(ann['keypoints']).reshape(24, 3)
        assert kpts[:3, 2].tolist() == [0, 0, 0] and (kpts[3:, 2] == 1).all()
        assert ann['num_keypoints'] == 21 and ann['iscrowd'] == 0 and ann['category_id'] == 1
        np.testing.assert_allclose(kpts[3:, :2], np.array(src['smpl_joint_img'])[3:, :2],
                                   atol=1e-3)
        if 'bbox' in src:
            assert ann['bbox'] == src['bbox']
        else:
            vis = kpts[3:, :2]
            np.testing.assert_allclose(ann['bbox'], [*vis.min(0), *(vis.max(0) - vis.min(0))],
                                       atol=1e-2)
        assert ann['area'] == pytest.approx(ann['bbox'][2] * ann['bbox'][3])


def test_convert_pw3d_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='3DPW_train.json'):
        convert_pw3d(tmp_path / '3DPW_train.json')
    raw = _fake_scorehypo(1, seed=0)
    raw['annotations'][1]['smpl_joint_img'] = [[0, 0, 1]] * 17
    with pytest.raises(ValueError, match="annotation 2: 'smpl_joint_img' has 51 values"):
        convert_pw3d(raw)
    raw = _fake_scorehypo(1, seed=0)
    del raw['images'][0]['sequence']
    with pytest.raises(ValueError, match='image 100 .* no \'sequence\''):
        convert_pw3d(raw)


def test_pw3d_cli_outputs_load(cli_runs):
    rc, out, err = cli_runs['results']['pw3d']
    assert rc == 0, err
    for split, n in (('train', 4), ('test', 3)):
        path = str(cli_runs['root'] / 'pw3d' / f'pw3d_{split}.json')
        assert f'{split}: {n} images, {2 * n} annotations' in out
        coco = COCO(path)
        assert len(coco.getImgIds()) == n and len(coco.getAnnIds()) == 2 * n
        ds = CocoStyleDataset(ann_file=path, dataset_name='pw3d', gt_bbox_only=True)
        assert len(ds) == 2 * n
        for i in range(len(ds)):
            rec = ds.get_data_info(i)
            assert rec['keypoints_visible'].tolist() == [0] * 3 + [1] * 21
            assert rec['img_path'].startswith('courtyard_0')


def test_cli_missing_input_names_file(cli_runs, monkeypatch, capsys):
    """In-process (``runpy``) to spare a third interpreter start."""
    out_dir = cli_runs['root'] / 'none'
    monkeypatch.setattr(sys, 'argv', ['preprocess_3dpw.py', '--src', str(cli_runs['root'] / 'src'),
                                      '--out-dir', str(out_dir), '--splits', 'train', 'val'])
    with pytest.raises(SystemExit) as exc:
        runpy.run_path(str(REPO / 'tools/dataset/preprocess_3dpw.py'), run_name='__main__')
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert '3DPW_val.json' in err and 'not found' in err
    assert not out_dir.exists()  # nothing written when an input is missing

