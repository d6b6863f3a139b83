"""The synthetic generator writes every native format faithfully, deterministically and with
annotations that match what is drawn."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmpose.datasets.metainfo import get_metainfo, parse_metainfo
from mmpose.datasets.synthetic import FORMATS, LAYOUTS, generate_dataset, render_scene
from mmpose.datasets.synthetic.figure import keypoint_style

SIZE = (160, 120)  # (W, H)
NUM = 4
COCO_STYLE = ('coco', 'coco_wholebody', 'aic', 'crowdpose', 'ochuman', 'ap10k', 'apt36k',
              'pw3d')
SAMPLES = Path(__file__).resolve().parents[3] / 'shared' / 'data' / 'samples'
# format -> the sample annotation file of the same native format (see samples/README.md)
SAMPLE_FILES = {
    'coco': 'coco/test_coco.json', 'coco_wholebody': 'coco_wholebody/test_coco_wholebody.json',
    'aic': 'aic/test_aic.json', 'crowdpose': 'crowdpose/test_crowdpose.json',
    'ochuman': 'ochuman/test_ochuman.json', 'ap10k': 'ap10k/test_ap10k.json',
    'apt36k': 'ap10k/test_ap10k.json',
    'interhand2d': 'interhand2.6m/test_interhand2.6m_data.json',
}


@pytest.fixture(scope='module')
def generated(tmp_path_factory):
    """Every format, generated once: format -> paths."""
    root = tmp_path_factory.mktemp('synthetic')
    return {fmt: generate_dataset(fmt, root / fmt, NUM, 'val', seed=3, image_size=SIZE)
            for fmt in FORMATS}


def _load(path):
    return json.loads(Path(path).read_text())


def _check_image(path: Path) -> None:
    img = cv2.imread(str(path))
    assert img is not None and img.shape == (SIZE[1], SIZE[0], 3), path


def _check_points(xy: np.ndarray, vis: np.ndarray, allowed: set) -> None:
    assert set(np.unique(vis).tolist()) <= allowed
    labelled = xy[vis > 0]
    assert np.all((labelled >= 0) & (labelled <= np.array(SIZE) - 1))


@pytest.mark.parametrize('fmt', COCO_STYLE)
def test_coco_style_formats_parse_and_agree_with_metainfo(generated, fmt):
    from xtcocotools.coco import COCO
    paths = generated[fmt]
    coco = COCO(str(paths['annotation']))
    meta = get_metainfo(LAYOUTS[fmt].dataset)
    body = 17 if fmt == 'coco_wholebody' else meta.num_keypoints
    assert len(coco.getImgIds()) == NUM
    for img in coco.loadImgs(coco.getImgIds()):
        _check_image(paths['images'] / img['file_name'])
    anns = coco.loadAnns(coco.getAnnIds())
    assert sum(a['num_keypoints'] > 0 for a in anns) >= NUM
    for cat in coco.loadCats(coco.getCatIds()):
        assert len(cat['keypoints']) == body
    for ann in anns:
        kpts = np.asarray(ann['keypoints'], float).reshape(-1, 3)
        assert kpts.shape == (body, 3)
        vis = kpts[:, 2]
        if fmt == 'pw3d':  # v in {0, 1}; off-image joints keep their projected coordinates
            assert set(np.unique(vis).tolist()) <= {0, 1}
            inside = np.all((kpts[:, :2] >= 0) & (kpts[:, :2] <= np.array(SIZE) - 1), 1)
            np.testing.assert_array_equal(vis > 0, inside)
        else:
            _check_points(kpts[:, :2], vis, {0, 1, 2})
            assert np.all(kpts[vis == 0, :2] == 0)
        assert ann['num_keypoints'] == int((vis > 0).sum())
        x, y, w, h = ann['bbox']
        assert w > 0 and h > 0 and x + w <= SIZE[0] and y + h <= SIZE[1]
        if fmt == 'coco_wholebody':
            _check_wholebody_parts(ann)


def _check_wholebody_parts(ann: dict) -> None:
    for part, n in (('foot', 6), ('face', 68), ('lefthand', 21), ('righthand', 21)):
        kpts = np.asarray(ann[f'{part}_kpts'], float).reshape(-1, 3)
        assert kpts.shape == (n, 3)
        assert isinstance(ann[f'{part}_valid'], bool)
        if not ann[f'{part}_valid']:
            assert not kpts.any()
        _check_points(kpts[:, :2], kpts[:, 2], {0, 1, 2})
        if part != 'foot':
            assert len(ann[f'{part}_box']) == 4


def test_coco_exercises_loader_skip_rules_and_has_detections(generated):
    anns = _load(generated['coco']['annotation'])['annotations']
    assert sum(a['iscrowd'] == 1 for a in anns) == 1
    assert any(a['iscrowd'] == 0 and a['num_keypoints'] == 0 for a in anns)
    assert all(a['segmentation'] == [] for a in anns if not a['iscrowd'])
    dets = _load(generated['coco']['detections'])
    image_ids = {img['id'] for img in _load(generated['coco']['annotation'])['images']}
    assert dets and {d['image_id'] for d in dets} <= image_ids
    assert all(set(d) == {'bbox', 'category_id', 'image_id', 'score'} for d in dets)
    assert all(d['category_id'] == 1 and 0 < d['score'] <= 1 for d in dets)
    assert sum(d['score'] >= 0.8 for d in dets) >= sum(a['num_keypoints'] > 0 for a in anns)


def test_format_specific_fields(generated):
    ap10k = _load(generated['ap10k']['annotation'])
    assert [c['id'] for c in ap10k['categories']] == list(range(1, 55))
    assert all('supercategory' in c for c in ap10k['categories'])
    assert all(1 <= a['category_id'] <= 54 for a in ap10k['annotations'])
    assert all('background' in img for img in ap10k['images'])
    crowd = _load(generated['crowdpose']['annotation'])
    assert all('crowdIndex' in img for img in crowd['images'])
    for fmt in ('crowdpose', 'aic'):
        assert all('area' not in a for a in _load(generated[fmt]['annotation'])['annotations'])
    assert isinstance(_load(generated['ochuman']['annotation'])['annotations'][0]
                      ['segmentation'], dict)
    pw3d = _load(generated['pw3d']['annotation'])
    assert all(len(Path(img['file_name']).parts) == 2 for img in pw3d['images'])
    assert generated['pw3d']['images'].name == 'imageFiles'


@pytest.mark.skipif(not SAMPLES.is_dir(), reason='shared samples not available')
@pytest.mark.parametrize('fmt', sorted(SAMPLE_FILES))
def test_same_keys_and_types_as_the_real_samples(generated, fmt):
    sample = _load(SAMPLES / SAMPLE_FILES[fmt])
    ours = _load(generated[fmt]['data' if fmt == 'interhand2d' else 'annotation'])
    assert list(ours) == list(sample)
    for section in ('images', 'annotations', 'categories'):
        if section not in sample:
            continue
        want = {k: type(v) for k, v in sample[section][0].items()}
        for record in ours[section]:
            if record.get('iscrowd'):  # crowd regions carry an RLE dict, as in real COCO
                assert isinstance(record['segmentation'], dict)
                continue
            assert {k: type(v) for k, v in record.items()} == want, section


def test_mpii_json_and_mat_agree(generated):
    from scipy.io import loadmat
    paths = generated['mpii']
    records = _load(paths['annotation'])
    assert isinstance(records, list) and records
    for r in records:
        assert set(r) == {'joints_vis', 'joints', 'image', 'scale', 'center'}
        joints, vis = np.asarray(r['joints']), np.asarray(r['joints_vis'])
        assert joints.shape == (16, 2) and set(vis.tolist()) <= {0, 1}
        assert np.all(joints[vis == 0] == -1)
        assert np.all((joints[vis == 1] >= 1) & (joints[vis == 1] <= np.array(SIZE)))  # 1-based
        assert r['scale'] > 0
        _check_image(paths['images'] / r['image'])
    mat = loadmat(str(paths['gt_mat']))
    n = len(records)
    assert mat['jnt_missing'].shape == (16, n)
    assert mat['pos_gt_src'].shape == (16, 2, n)
    assert mat['headboxes_src'].shape == (2, 2, n)
    assert np.where(mat['dataset_joints'] == 'head')[1][0] == 9  # as the official evaluation
    np.testing.assert_array_equal(mat['jnt_missing'].T, 1 - np.array([r['joints_vis']
                                                                       for r in records]))
    np.testing.assert_allclose(mat['pos_gt_src'].transpose(2, 0, 1),
                               [r['joints'] for r in records])
    head = mat['headboxes_src'][1] - mat['headboxes_src'][0]
    assert np.all(head > 0)


def test_interhand_projection_reproduces_the_drawn_joints(tmp_path, monkeypatch):
    import mmpose.datasets.synthetic.interhand as interhand
    scenes = []

    def recording_render(*args, **kwargs):
        scenes.append(render_scene(*args, **kwargs))
        return scenes[-1]

    monkeypatch.setattr(interhand, 'render_scene', recording_render)
    paths = generate_dataset('interhand2d', tmp_path, 6, 'train', seed=5, image_size=SIZE)
    data, cams = _load(paths['data']), _load(paths['camera'])
    joints = _load(paths['joint_3d'])
    assert paths['data'].parent.name == 'all'
    for img, ann, scene in zip(data['images'], data['annotations'], scenes):
        _check_image(paths['images'] / img['file_name'])
        cap, cam, frame = str(img['capture']), img['camera'], str(img['frame_idx'])
        rot = np.array(cams[cap]['camrot'][cam], np.float32)
        pos = np.array(cams[cap]['campos'][cam], np.float32)
        focal, princpt = np.array(cams[cap]['focal'][cam]), np.array(cams[cap]['princpt'][cam])
        world = np.array(joints[cap][frame]['world_coord'], np.float32)
        xyz = (rot @ (world.T - pos[:, None])).T  # the loader's projection
        uv = xyz[:, :2] / (xyz[:, 2:] + 1e-8) * focal + princpt
        valid = np.array(ann['joint_valid']).reshape(-1)
        assert [[bool(v)] for v in valid] == joints[cap][frame]['joint_valid']
        for inst in scene.instances:
            start = 21 if inst.mirrored else 0
            hand = slice(start, start + 21)
            np.testing.assert_array_equal(valid[hand], inst.visibility > 0)
            assert np.abs(uv[hand] - inst.keypoints).max() < 0.5
        sides = {'right': {0}, 'left': {21}, 'interacting': {0, 21}}[ann['hand_type']]
        assert {21 if i.mirrored else 0 for i in scene.instances} == sides


@pytest.mark.parametrize('fmt', ['coco', 'mpii', 'interhand2d'])
def test_deterministic_per_seed(tmp_path, fmt):
    role = 'data' if fmt == 'interhand2d' else 'annotation'
    a = generate_dataset(fmt, tmp_path / 'a', 3, 'train', seed=7, image_size=SIZE)
    b = generate_dataset(fmt, tmp_path / 'b', 3, 'train', seed=7, image_size=SIZE)
    c = generate_dataset(fmt, tmp_path / 'c', 3, 'train', seed=8, image_size=SIZE)
    assert a[role].read_bytes() == b[role].read_bytes()
    assert a[role].read_bytes() != c[role].read_bytes()
    images = sorted(p.relative_to(a['images']) for p in a['images'].rglob('*.jpg'))
    assert images and all((a['images'] / p).read_bytes() == (b['images'] / p).read_bytes()
                          for p in images)
    if fmt == 'mpii':  # val only; the .mat must be reproducible too
        d = generate_dataset(fmt, tmp_path / 'd', 3, 'val', seed=7, image_size=SIZE)
        e = generate_dataset(fmt, tmp_path / 'e', 3, 'val', seed=7, image_size=SIZE)
        assert d['gt_mat'].read_bytes() == e['gt_mat'].read_bytes()


def test_coco_and_wholebody_share_a_root(tmp_path):
    coco = generate_dataset('coco', tmp_path, 3, 'val', seed=0, image_size=SIZE)
    wb = generate_dataset('coco_wholebody', tmp_path, 3, 'val', seed=0, image_size=SIZE)
    assert coco['images'] == wb['images'] and len(list(coco['images'].glob('*.jpg'))) == 6
    det_ids = {d['image_id'] for d in _load(coco['detections'])}
    for paths in (coco, wb):
        assert {i['id'] for i in _load(paths['annotation'])['images']} <= det_ids


def test_keypoint_styles_are_distinct():
    for k in (14, 17, 21, 24, 133):
        colors, shapes = keypoint_style(k)
        styles = {(tuple(c), s) for c, s in zip(colors.tolist(), shapes.tolist())}
        assert len(styles) == k
    meta = get_metainfo('coco_wholebody')
    colors, shapes = keypoint_style(meta.num_keypoints)
    for i, j in enumerate(meta.flip_indices):  # left and right never look the same
        if i != j:
            assert (tuple(colors[i]), shapes[i]) != (tuple(colors[j]), shapes[j])
    colors, _ = keypoint_style(17)
    assert all(tuple(colors[i]) != tuple(colors[j]) for i, j in enumerate(
        get_metainfo('coco').flip_indices) if i != j)


def test_generic_template_for_an_unknown_keypoint_definition():
    meta = parse_metainfo('robot', dict(
        keypoint_names=['base', 'j1', 'j2', 'tip', 'left_claw', 'right_claw', 'antenna'],
        flip_pairs=[('left_claw', 'right_claw')], sigmas=[0.05] * 7,
        skeleton=[('base', 'j1'), ('j1', 'j2'), ('j2', 'tip'), ('tip', 'left_claw'),
                  ('tip', 'right_claw')]))
    scene = render_scene(meta, np.random.default_rng(0), SIZE)
    assert scene.instances
    for inst in scene.instances:
        assert inst.keypoints.shape == (7, 2)
        assert len({tuple(p) for p in inst.keypoints.tolist()}) == 7  # joints stay apart


def test_cli_and_argument_errors(tmp_path, capsys):
    import importlib.util
    path = Path(__file__).resolve().parents[2] / 'tools' / 'dataset' / 'make_synthetic.py'
    spec = importlib.util.spec_from_file_location('make_synthetic', path)
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    cli.main(['--format', 'aic', '--out', str(tmp_path), '--num-images', '2', '--split',
              'train', '--image-size', *map(str, SIZE)])
    assert (tmp_path / 'annotations' / 'aic_train.json').is_file()
    assert 'annotation:' in capsys.readouterr().out
    with pytest.raises(KeyError, match='coco'):
        generate_dataset('nope', tmp_path, 1)
    with pytest.raises(ValueError, match='split'):
        generate_dataset('coco', tmp_path, 1, split='holdout')
