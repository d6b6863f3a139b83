"""Every registered metainfo is consistent: counts, sigmas, and flip pairs by name and index."""
import re

import numpy as np
import pytest

from mmpose.datasets.metainfo import available_metainfo, get_metainfo

ALL = available_metainfo()

NUM_KEYPOINTS = dict(coco=17, ochuman=17, aic=14, mpii=16, ap10k=17, apt36k=17,
                     coco_wholebody=133, crowdpose=14, interhand2d=21, pw3d=24)

# 0-based flip pairs from reference_expectations §5.3 (the dataset-info configs)
REFERENCE_FLIP_PAIRS = dict(
    coco=[(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)],
    mpii=[(0, 5), (1, 4), (2, 3), (10, 15), (11, 14), (12, 13)],
    aic=[(0, 3), (1, 4), (2, 5), (6, 9), (7, 10), (8, 11)],
    crowdpose=[(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11)],
    ap10k=[(0, 1), (5, 8), (6, 9), (7, 10), (11, 14), (12, 15), (13, 16)],
    interhand2d=[],
)
REFERENCE_FLIP_PAIRS['ochuman'] = REFERENCE_FLIP_PAIRS['coco']
REFERENCE_FLIP_PAIRS['apt36k'] = REFERENCE_FLIP_PAIRS['ap10k']

# Flip partners whose names do not say left/right. COCO-WholeBody names face landmarks by their
# 68-point index ('face-0' <-> 'face-16'), following mmpose's coco_wholebody dataset info.
NAME_RULE_EXCEPTIONS = {'coco_wholebody': re.compile(r'face-\d+')}

_SIDE = re.compile(r'(left|right|(?<![a-z])l_|(?<![a-z])r_)', re.IGNORECASE)
_SWAP = {'left': 'right', 'right': 'left', 'l_': 'r_', 'r_': 'l_'}


def _mirror(name: str) -> str:
    """The name with every left/right marker swapped ('left_eye' -> 'right_eye', 'L_' -> 'R_')."""
    def swap(m: re.Match) -> str:
        out = _SWAP[m.group(0).lower()]
        return out.upper() if m.group(0).isupper() else out
    return _SIDE.sub(swap, name)


def _pairs(meta) -> list:
    return [(i, j) for i, j in enumerate(meta.flip_indices) if i < j]


def test_expected_datasets_are_registered():
    assert set(NUM_KEYPOINTS) <= set(ALL)


@pytest.mark.parametrize('name', ALL)
def test_counts_and_types(name):
    meta = get_metainfo(name)
    if name in NUM_KEYPOINTS:
        assert meta.num_keypoints == NUM_KEYPOINTS[name]
    k = meta.num_keypoints
    assert len(set(meta.keypoint_names)) == k
    assert meta.sigmas.shape == (k,) and np.issubdtype(meta.sigmas.dtype, np.floating)
    assert np.all(meta.sigmas > 0)
    assert meta.joint_weights.shape == (k,) and np.all(meta.joint_weights > 0)
    assert meta.colors.shape == (k, 3) and meta.colors.dtype == np.uint8
    assert all(0 <= a < k and 0 <= b < k and a != b for a, b in meta.skeleton)
    assert all(0 <= i < k for i in meta.upper_body_ids)
    d = meta.to_dict()
    assert d['num_keypoints'] == k and len(d['flip_indices']) == k


@pytest.mark.parametrize('name', ALL)
def test_flip_indices_are_an_involution(name):
    flip = np.asarray(get_metainfo(name).flip_indices)
    assert sorted(flip.tolist()) == list(range(len(flip)))
    np.testing.assert_array_equal(flip[flip], np.arange(len(flip)))


@pytest.mark.parametrize('name', ALL)
def test_flip_pairs_swap_left_and_right_names(name):
    meta = get_metainfo(name)
    names = meta.keypoint_names
    exempt = NAME_RULE_EXCEPTIONS.get(name)
    for i, j in _pairs(meta):
        if exempt and exempt.fullmatch(names[i]) and exempt.fullmatch(names[j]):
            continue
        assert _mirror(names[i]) == names[j], (name, names[i], names[j])
        assert names[i] != names[j]
    # ... and every sided keypoint whose mirror exists is paired with it
    index = {n: k for k, n in enumerate(names)}
    for k, n in enumerate(names):
        partner = index.get(_mirror(n))
        if partner is not None and partner != k:
            assert meta.flip_indices[k] == partner, (name, n)
        elif exempt is None or not exempt.fullmatch(n):
            assert meta.flip_indices[k] == k, (name, n)


@pytest.mark.parametrize('name', sorted(REFERENCE_FLIP_PAIRS))
def test_flip_pairs_match_reference(name):
    assert _pairs(get_metainfo(name)) == REFERENCE_FLIP_PAIRS[name]


def test_wholebody_flip_pairs_and_layout():
    meta = get_metainfo('coco_wholebody')
    pairs = _pairs(meta)
    assert len(pairs) == 61
    # body pairs, then feet, then face starting at [23, 39] (reference §5.3)
    assert pairs[:8] == REFERENCE_FLIP_PAIRS['coco']
    assert pairs[8:12] == [(17, 20), (18, 21), (19, 22), (23, 39)]
    # left hand (91..111) <-> right hand (112..132), joint by joint
    assert all(meta.flip_indices[91 + i] == 112 + i for i in range(21))
    assert meta.keypoint_names[17:23] == ('left_big_toe', 'left_small_toe', 'left_heel',
                                          'right_big_toe', 'right_small_toe', 'right_heel')
    np.testing.assert_allclose(meta.sigmas[17:23], [.068, .066, .066, .092, .094, .094])
    np.testing.assert_allclose(meta.sigmas[:17], get_metainfo('coco').sigmas)
    np.testing.assert_allclose(meta.sigmas[91:112], meta.sigmas[112:133])


def test_interhand_order_is_tip_to_base_then_wrist():
    names = get_metainfo('interhand2d').keypoint_names
    assert names[:4] == ('thumb4', 'thumb3', 'thumb2', 'thumb1')
    assert names[20] == 'wrist'


def test_aliases_share_their_definition():
    assert get_metainfo('apt36k').keypoint_names == get_metainfo('ap10k').keypoint_names
    assert get_metainfo('ochuman').keypoint_names == get_metainfo('coco').keypoint_names
    assert get_metainfo('apt36k').name == 'apt36k'


def test_unknown_dataset_names_the_options():
    with pytest.raises(KeyError, match='coco'):
        get_metainfo('no_such_dataset')
