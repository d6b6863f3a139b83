"""MpiiDataset: reference_expectations §1.3 / §7.3 on the real sample, and bad input."""
from __future__ import annotations

import json

import numpy as np
import pytest

from mmpose.datasets import MpiiDataset
from mmpose.datasets import base_topdown_dataset as base
from mmpose.registry import DATASETS

# §1.3: image, loaded center, loaded scale (4 decimals), visible joints
MPII_TABLE = [
    ('005808361.jpg', (965.0, 409.7773), 5.8981, 16),
    ('052475643.jpg', (315.0, 245.4275), 2.2023, 16),
    ('051423444.jpg', (1029.0, 442.0885), 3.9240, 14),
    ('004645041.jpg', (808.0, 450.7332), 4.0611, 14),
    ('060754485.jpg', (697.0, 453.6219), 4.2185, 16),
]


def _mpii(samples, **kw) -> MpiiDataset:
    return MpiiDataset(ann_file=str(samples / 'mpii' / 'test_mpii.json'),
                       img_prefix=str(samples / 'mpii'), **kw)


@pytest.mark.parametrize('test_mode', [False, True])
def test_center_scale_table(samples, test_mode):
    ds = _mpii(samples, test_mode=test_mode)
    assert len(ds) == 5 and ds.dataset_name == 'mpii'
    for i, (image, center, scale, visible) in enumerate(MPII_TABLE):
        rec = ds.get_data_info(i)
        assert rec['img_path'].endswith(image)
        assert rec['img_id'] == i and rec['bbox_id'] == i  # entry index / running index
        np.testing.assert_allclose(rec['center'], center, atol=5e-5)
        np.testing.assert_allclose(rec['scale'], [scale, scale], atol=5e-5)
        assert rec['center'].dtype == rec['scale'].dtype == np.float32
        assert rec['keypoints'].shape == (16, 2)
        if test_mode:  # 0.24 leaves joints and visibility at zero in test mode
            assert not rec['keypoints'].any() and not rec['keypoints_visible'].any()
        else:
            assert rec['keypoints_visible'].sum() == visible


def test_joints_are_shifted_to_zero_based(samples):
    raw = json.loads((samples / 'mpii' / 'test_mpii.json').read_text())
    ds = _mpii(samples)
    rec = ds.get_data_info(0)
    assert raw[0]['joints'][0] == [804.0, 711.0]
    np.testing.assert_array_equal(rec['keypoints'][0], [803, 710])
    for i, entry in enumerate(raw):
        rec = ds.get_data_info(i)
        np.testing.assert_allclose(rec['keypoints'], np.array(entry['joints']) - 1, atol=1e-4)
        np.testing.assert_array_equal(rec['keypoints_visible'], entry['joints_vis'])
    missing = ds.get_data_info(2)  # 051423444.jpg: two unlabelled joints at (-1, -1)
    unlabelled = missing['keypoints_visible'] == 0
    assert unlabelled.sum() == 2
    np.testing.assert_array_equal(missing['keypoints'][unlabelled], -2)


def test_registry_item_and_metainfo(samples):
    ds = DATASETS.build(dict(type='MpiiDataset', dataset_name='mpii', test_mode=True,
                             ann_file=str(samples / 'mpii' / 'test_mpii.json')))
    item = ds[0]  # empty pipeline: the record itself
    assert item['dataset_name'] == 'mpii' and item['img_id'] == 0
    flip = np.asarray(item['flip_indices'])
    assert len(flip) == 16 and (flip[flip] == np.arange(16)).all()
    # the box is the unpadded 200 s square around the shifted center
    side = 4.718488 * 200
    np.testing.assert_allclose(item['bbox'], [965 - side / 2, 409.7773 - side / 2, side, side],
                               atol=1e-3)


def _write(tmp_path, entries) -> str:
    path = tmp_path / 'mpii.json'
    path.write_text(json.dumps(entries))
    return str(path)


def _entry(**kw) -> dict:
    entry = dict(image='a.jpg', center=[100.0, 100.0], scale=1.0,
                 joints=[[10.0 + j, 20.0] for j in range(16)], joints_vis=[1] * 16)
    entry.update(kw)
    return entry


def test_center_without_position_is_not_adjusted(tmp_path):
    ds = MpiiDataset(_write(tmp_path, [_entry(center=[-1.0, -1.0], scale=2.0)]))
    rec = ds.get_data_info(0)
    np.testing.assert_array_equal(rec['center'], [-2, -2])  # only the 1-based shift
    np.testing.assert_array_equal(rec['scale'], [2, 2])  # no x1.25


def test_malformed_entries_are_skipped_and_named(tmp_path):
    entries = [_entry(), _entry(joints=[[1.0, 2.0]] * 15), _entry(scale=float('nan')),
               _entry(joints_vis=[1] * 17), _entry(scale=0), 'nonsense',
               {k: v for k, v in _entry().items() if k != 'center'},
               _entry(joints=[[1.0, 'x']] * 16)]
    path = _write(tmp_path, entries)
    ds = MpiiDataset(path)
    assert len(ds) == 1 and ds.num_bad_records == 7
    _, bad = ds._load_records()
    assert all(path in msg for msg in bad)
    assert "entry 1 ('a.jpg'): 'joints' has shape (15, 2), expected (16, 2)" in bad[0]
    assert 'entry 2' in bad[1] and 'non-finite' in bad[1]
    assert 'entry 4' in bad[3] and 'scale must be positive' in bad[3]
    assert 'entry 5 is not a dict' in bad[4]
    assert "missing 'center'" in bad[5]
    # test mode does not read joints, so a bad joint list does not cost the record
    assert len(MpiiDataset(path, test_mode=True)) == 4


def test_bad_files(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match='annotation file not found'):
        MpiiDataset(str(tmp_path / 'nope.json'))
    with pytest.raises(ValueError, match='not an MPII annotation file'):
        MpiiDataset(_write(tmp_path, dict(images=[])))
    with pytest.raises(ValueError, match='no usable records'):
        MpiiDataset(_write(tmp_path, [_entry(scale=-1)]))
    logged = []
    monkeypatch.setattr(base, 'print_log', lambda msg, **kw: logged.append(msg))
    MpiiDataset(_write(tmp_path, [_entry(), _entry(joints_vis=[1])]))
    assert len(logged) == 1 and 'skipped 1 unusable records' in logged[0]
    assert 'entry 1' in logged[0]
