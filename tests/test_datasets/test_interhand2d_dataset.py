"""InterHand2DDataset: reference_expectations §1.8 / §7.8 on the real sample, rules, bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from mmpose.datasets import InterHand2DDataset
from mmpose.datasets.transforms import PackPoseInputs
from mmpose.registry import DATASETS

# §1.8, test mode at 256x256: image, tight bbox (xywh), center, scale (padding 1.5)
HANDS = [
    ('image69148', [48.990, 184.957, 154.215, 109.892], (126.0973, 239.9028), 1.1566),
    ('image69148', [96.924, 176.818, 96.364, 118.938], (145.1056, 236.2866), 0.8920),
    ('image44669', [130.031, 94.252, 77.091, 143.139], (168.5766, 165.8212), 1.0735),
    ('image44669', [143.259, 99.627, 122.748, 140.463], (204.6331, 169.8582), 1.0535),
    ('image29590', [47.871, 126.725, 152.466, 98.161], (124.1042, 175.8060), 1.1435),
    ('image2017', [162.012, 43.323, 75.533, 153.780], (199.7786, 120.2126), 1.1533),
]


def _files(root, prefix='test_interhand2.6m_') -> dict:
    return dict(ann_file=str(root / f'{prefix}data.json'),
                camera_file=str(root / f'{prefix}camera.json'),
                joint_file=str(root / f'{prefix}joint_3d.json'))


@pytest.mark.parametrize('test_mode', [True, False])
def test_hands_table(samples, test_mode):
    root = samples / 'interhand2.6m'
    ds = InterHand2DDataset(**_files(root), img_prefix=str(root), image_size=(256, 256),
                            test_mode=test_mode)
    assert len(ds) == 6 and ds.dataset_name == 'interhand2d'
    assert len({ds.get_data_info(i)['img_id'] for i in range(6)}) == 4
    for i, (image, bbox, center, scale) in enumerate(HANDS):
        rec = ds.get_data_info(i)
        assert rec['img_path'].endswith(f'{image}.jpg') and rec['bbox_id'] == i
        np.testing.assert_allclose(rec['bbox'], bbox, atol=5e-4)
        np.testing.assert_allclose(rec['center'], center, atol=5e-4)
        np.testing.assert_allclose(rec['scale'], [scale, scale], atol=5e-5)
        assert rec['keypoints_visible'].sum() == 21
        np.testing.assert_array_equal(rec['gt_keypoints'], rec['keypoints'])
        np.testing.assert_array_equal(rec['gt_keypoints_visible'], rec['keypoints_visible'])


def test_projection_and_hand_order(samples):
    """Record 0 is the right hand (joints 0-20) of the first image, record 1 its left hand."""
    root = samples / 'interhand2.6m'
    files = _files(root)
    ds = InterHand2DDataset(**files, test_mode=True)
    data = json.loads(open(files['ann_file']).read())
    img = data['images'][0]
    cam = json.loads(open(files['camera_file']).read())[str(img['capture'])]
    world = np.array(json.loads(open(files['joint_file']).read())[str(img['capture'])][
        str(img['frame_idx'])]['world_coord'])
    name = img['camera']
    rot, pos = np.array(cam['camrot'][name]), np.array(cam['campos'][name])
    xyz = (rot @ (world - pos).T).T
    uv = xyz[:, :2] / xyz[:, 2:] * np.array(cam['focal'][name]) + np.array(cam['princpt'][name])
    np.testing.assert_allclose(ds.get_data_info(0)['keypoints'], uv[:21], atol=1e-3)
    np.testing.assert_allclose(ds.get_data_info(1)['keypoints'], uv[21:], atol=1e-3)


def test_registry_and_packing(samples):
    root = samples / 'interhand2.6m'
    ds = DATASETS.build(dict(type='InterHand2DDataset', test_mode=True, **_files(root)))
    rec = ds[0]
    rec.update(img=np.zeros((8, 8, 3), np.uint8))
    sample = PackPoseInputs()(rec)['data_samples']
    for key in ('bbox', 'gt_keypoints', 'gt_keypoints_visible'):  # what the PCK metric reads
        np.testing.assert_array_equal(sample[key], rec[key])


# ---- rules and bad input on tiny hand-made files -----------------------------------------
def _camera() -> dict:
    """Identity rotation at the origin, f = 1000, c = (100, 100): u = 1000 x / z + 100."""
    return {'1': dict(campos={'c0': [0, 0, 0]}, camrot={'c0': np.eye(3).tolist()},
                      focal={'c0': [1000, 1000]}, princpt={'c0': [100, 100]})}


def _write_files(tmp_path, valid: list[list[int]], world=None, extra_images=()) -> dict:
    """One image (id 1) whose 42 joints lie at pixel (100 + 10 j, 50 + j) (z = 1000 mm)."""
    if world is None:
        world = [[10.0 * j, -50.0 + j, 1000.0] for j in range(42)]
    images = [dict(id=1, file_name='a.jpg', width=300, height=300, capture=1, camera='c0',
                   frame_idx=7), *extra_images]
    anns = [dict(id=11, image_id=1, bbox=[0, 0, 1, 1], joint_valid=valid,
                 hand_type='interacting', hand_type_valid=1)]
    anns += [dict(anns[0], id=10 + img['id'], image_id=img['id']) for img in extra_images]
    joints = {'1': {'7': dict(world_coord=world)}}
    for name, obj in (('data', dict(images=images, annotations=anns)), ('camera', _camera()),
                      ('joint_3d', joints)):
        (tmp_path / f'ih_{name}.json').write_text(json.dumps(obj))
    return _files(tmp_path, 'ih_')


def _valid(right: int, left: int, right_wrist: int = 1, left_wrist: int = 1) -> list:
    hand = [[1] * right + [0] * (20 - right) + [right_wrist],
            [1] * left + [0] * (20 - left) + [left_wrist]]
    return [[v] for v in hand[0] + hand[1]]


def test_validity_rules_and_tight_box(tmp_path):
    # right: 11 finger joints + wrist = 12 valid -> kept; left: 10 + wrist = 11 -> dropped
    ds = InterHand2DDataset(**_write_files(tmp_path, _valid(11, 10)), image_size=(256, 256))
    assert len(ds) == 1
    rec = ds.get_data_info(0)
    assert rec['keypoints_visible'].sum() == 12
    np.testing.assert_allclose(rec['keypoints'][5], [150, 55], atol=1e-3)  # u = 10 x + 100
    # tight box over the valid joints 0-10 and the wrist (20): x 100..300, y 50..70
    np.testing.assert_allclose(rec['bbox'], [100, 50, 200, 20], atol=1e-3)
    np.testing.assert_allclose(rec['center'], [200, 60], atol=1e-3)
    np.testing.assert_allclose(rec['scale'], [200 / 200 * 1.5] * 2, atol=1e-6)
    # an invalid wrist invalidates its hand; both hands kept -> right first, then left
    ds = InterHand2DDataset(**_write_files(tmp_path, _valid(20, 20, right_wrist=0)))
    assert len(ds) == 1 and ds.get_data_info(0)['keypoints'][0, 0] == pytest.approx(310)
    ds = InterHand2DDataset(**_write_files(tmp_path, _valid(20, 20)))
    assert [ds.get_data_info(i)['bbox_id'] for i in range(2)] == [0, 1]
    assert ds.get_data_info(0)['keypoints'][0, 0] < ds.get_data_info(1)['keypoints'][0, 0]


@pytest.mark.parametrize('role', ['camera_file', 'joint_file'])
def test_missing_side_file(tmp_path, role):
    files = _write_files(tmp_path, _valid(20, 20))
    files[role] = str(tmp_path / 'absent.json')
    with pytest.raises(FileNotFoundError, match=f'{role}.*absent.json'):
        InterHand2DDataset(**files)


def test_missing_data_file(tmp_path):
    files = _write_files(tmp_path, _valid(20, 20))
    files['ann_file'] = str(tmp_path / 'absent.json')
    with pytest.raises(FileNotFoundError, match='annotation file not found.*absent.json'):
        InterHand2DDataset(**files)


def test_malformed_records_are_skipped_and_named(tmp_path):
    extra = [dict(id=i, file_name=f'{i}.jpg', width=300, height=300, capture=1, camera='c0',
                  frame_idx=7) for i in (2, 3, 4)]
    extra[1]['camera'] = 'unknown'
    extra[2]['frame_idx'] = 99
    files = _write_files(tmp_path, _valid(20, 20), extra_images=extra)
    data = json.loads(open(files['ann_file']).read())
    data['annotations'][1]['joint_valid'] = [[1]] * 41  # image 2: wrong joint count
    open(files['ann_file'], 'w').write(json.dumps(data))
    ds = InterHand2DDataset(**files)
    assert len(ds) == 2 and ds.num_bad_records == 3
    _, bad = ds._load_records()
    assert all(files['ann_file'] in msg for msg in bad)
    assert 'image 2' in bad[0] and 'joint_valid has 41 values, expected 42' in bad[0]
    assert 'image 3' in bad[1] and "camera 'unknown'" in bad[1]
    assert 'image 4' in bad[2] and "frame '99' is not in the joint file" in bad[2]


def test_non_finite_world_coordinates(tmp_path):
    world = [[10.0 * j, -50.0 + j, 1000.0] for j in range(42)]
    world[3][0] = float('nan')
    ds_files = _write_files(tmp_path, _valid(20, 20), world=world,
                            extra_images=[dict(id=2, file_name='b.jpg', width=300, height=300,
                                               capture=1, camera='c0', frame_idx=8)])
    joints = json.loads(open(ds_files['joint_file']).read())
    joints['1']['8'] = dict(world_coord=[[0.0, 0.0, 1000.0]] * 42)
    open(ds_files['joint_file'], 'w').write(json.dumps(joints))
    ds = InterHand2DDataset(**ds_files)
    assert len(ds) == 2 and ds.num_bad_records == 1
    assert 'image 1: world_coord must be 42 finite 3D points' in ds._load_records()[1][0]
