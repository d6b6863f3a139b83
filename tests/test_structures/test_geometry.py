"""Geometry parity with mmpose 0.24 (reference_expectations.md sections 4, 5.2 and 5.3)."""
import json

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

from mmpose.structures import (
    affine_transform_points,
    bbox_cs2xyxy,
    bbox_xywh2cs,
    flip_heatmaps,
    fliplr_joints,
    get_affine_transform,
    get_warp_matrix,
    rotate_point,
    transform_preds,
)


def test_affine_transform_points_and_rotate_point():
    assert_allclose(affine_transform_points([0, 1], [[1, 0, 1], [0, 1, 0]]), [1, 1])
    points = np.random.default_rng(0).random((3, 4, 2))
    mat = np.random.default_rng(1).random((2, 3))
    expected = np.einsum('ij,...j->...i', mat, np.concatenate([points, np.ones((3, 4, 1))], -1))
    assert_allclose(affine_transform_points(points, mat), expected, rtol=1e-12)
    rotated = rotate_point((0, 1), np.pi / 2)
    assert isinstance(rotated, list)
    assert_allclose(rotated, [-1, 0], atol=1e-12)


def test_affine_transform_points_matches_legacy():
    """0.x ``affine_transform`` (per point, float64 matrix, result stored in float32 joints)
    and ``warp_affine_joints`` (UDP: float32 joints and matrix)."""
    rng = np.random.default_rng(0)
    for _ in range(20):
        center = (rng.random(2) * 600).astype(np.float32)
        scale = (rng.random(2) * 3 + 0.1).astype(np.float32)
        rot = float(np.round(rng.uniform(-80, 80)))
        joints = (rng.random((17, 2)) * 600).astype(np.float32)
        mat = get_affine_transform(center, scale, rot, (192, 256))
        expected = np.stack([mat @ np.array([x, y, 1.]) for x, y in joints]).astype(np.float32)
        assert_array_equal(affine_transform_points(joints, mat).astype(np.float32), expected)
        udp = get_warp_matrix(rot, center * 2.0, np.array([192, 256]) - 1.0, scale * 200.0)
        expected = np.dot(np.concatenate((joints, joints[:, 0:1] * 0 + 1), axis=1), udp.T)
        assert_array_equal(affine_transform_points(joints, udp), expected)


@pytest.mark.parametrize('kwargs, expected', [
    (dict(rot=0), [[4, 0, -300], [0, 4, -300]]),
    (dict(rot=45), [[2.828427, 2.828427, -465.685303], [-2.828427, 2.828427, 100]]),
    (dict(rot=0, inv=True), [[0.25, 0, 75], [0, 0.25, 75]]),
    (dict(rot=0, shift=(0.1, 0.1)), [[4, 0, -320], [0, 4, -320]]),
])
def test_get_affine_transform_50px_box(kwargs, expected):
    mat = get_affine_transform(np.array([100., 100.]), np.array([0.25, 0.25]),
                               output_size=(200, 200), **kwargs)
    assert mat.shape == (2, 3)
    assert_allclose(mat, expected, atol=1e-4)


def test_get_affine_transform_identity():
    mat = get_affine_transform(np.array([50, 50]), np.array([0.5, 0.5]), 0, (100, 100))
    assert_allclose(mat, [[1, 0, 0], [0, 1, 0]], atol=1e-6)


def test_get_warp_matrix():
    mat = get_warp_matrix(0, np.array([200, 200]), np.array([199, 199]), np.array([50, 50]))
    assert mat.dtype == np.float32
    assert_allclose(mat, [[3.98, 0, -298.5], [0, 3.98, -298.5]], atol=1e-5)
    # Rotation: the box center maps to the output center whatever the angle.
    mat = get_warp_matrix(30, np.array([200, 200]), np.array([199, 199]), np.array([50, 50]))
    assert_allclose(affine_transform_points([100, 100], mat), [99.5, 99.5], atol=1e-4)


def coco_record0(samples) -> tuple:
    """Joints (17, 2) float32 and raw bbox of COCO record 0 (annotation 442619)."""
    anns = json.loads((samples / 'coco/test_coco.json').read_text())['annotations']
    ann = next(a for a in anns if a['id'] == 442619)
    return np.array(ann['keypoints'], dtype=np.float32).reshape(-1, 3)[:, :2], ann['bbox']


def test_coco_record0_affine(samples):
    joints, (x, y, w, h) = coco_record0(samples)
    # 0.x bbox sanitising on the 640x425 image: w and h each shrink by one pixel.
    center, scale = bbox_xywh2cs([x, y, w - 1, h - 1], aspect_ratio=192 / 256)
    assert_allclose(center, [389.64, 217.57], rtol=1e-6)
    assert_allclose(scale, [1.620375, 2.1605], rtol=1e-6)

    mat = get_affine_transform(center, scale, 0, (192, 256))
    assert_allclose(mat, [[0.592455, 0, -134.844342], [0, 0.592455, -0.900532]], atol=1e-5)
    assert_allclose(affine_transform_points(joints[:5], mat),
                    [(82.5868, 47.0884), (86.7340, 42.3487), (78.4396, 43.5336),
                     (93.8435, 45.3110), (76.0698, 47.0884)], atol=1e-4)

    udp = get_warp_matrix(0, center * 2.0, np.array([192, 256]) - 1.0, scale * 200.0)
    assert_allclose(affine_transform_points(joints[:5], udp),
                    [(82.1567, 46.9044), (86.2822, 42.1833), (78.0311, 43.3636),
                     (93.3547, 45.1340), (75.6736, 46.9044)], atol=1e-4)


def test_bbox_xywh2cs_vectorised_and_back():
    boxes = np.array([[50, 50, 100, 100], [0, 0, 30, 90], [10, 20, 40, 40 * 256 / 192]])
    center, scale = bbox_xywh2cs(boxes, aspect_ratio=192 / 256)
    assert center.dtype == scale.dtype == np.float32 and center.shape == (3, 2)
    assert_allclose(center[0], [100, 100])
    assert_allclose(scale[0], np.array([100, 100 * 256 / 192]) / 200 * 1.25, rtol=1e-6)
    assert_allclose(scale[1], np.array([90 * 0.75, 90]) / 200 * 1.25, rtol=1e-6)
    single_c, single_s = bbox_xywh2cs(boxes[1], aspect_ratio=0.75, padding=1.5)
    assert single_c.shape == (2,)
    assert_allclose(single_s, scale[1] / 1.25 * 1.5, rtol=1e-6)
    assert_allclose(bbox_cs2xyxy(center[2], scale[2], padding=1.25),
                    [10, 20, 50, 20 + 40 * 256 / 192], rtol=1e-5)


def test_transform_preds():
    coords = np.random.default_rng(0).random((1, 4, 2)).astype(np.float32)
    out = transform_preds(coords, np.array([[50, 50]]), np.array([[0.5, 0.5]]), (100, 100))
    assert_allclose(out, coords, atol=1e-5)
    out = transform_preds(coords, np.array([[50, 50]]), np.array([[0.5, 0.5]]), (101, 101),
                          use_udp=True)
    assert_allclose(out, coords, atol=1e-5)
    # 0.x test_top_down_eval: heatmap peak (31, 31) of 64x64, center 127, scale 64/200.
    out = transform_preds(np.array([[[31., 31.]]], np.float32), np.array([[127., 127.]]),
                          np.array([[0.32, 0.32]]), (64, 64))
    assert_allclose(out, [[[126, 126]]], atol=1e-4)
    # Batched == per-instance; float32 stays float32.
    rng = np.random.default_rng(1)
    coords = rng.random((3, 5, 2)).astype(np.float32) * 48
    center = rng.random((3, 2)).astype(np.float32) * 300
    scale = rng.random((3, 2)).astype(np.float32) + 0.5
    out = transform_preds(coords, center, scale, (48, 64), use_udp=True)
    assert out.dtype == np.float32 and out.shape == (3, 5, 2)
    for i in range(3):
        assert_array_equal(out[i], transform_preds(coords[i], center[i], scale[i], (48, 64),
                                                   use_udp=True))
        expected = coords[i] * (scale[i] * 200 / [47, 63]) + center[i] - scale[i] * 100
        assert_allclose(out[i], expected, rtol=1e-5)


@pytest.mark.parametrize('visible, expected', [
    ([1, 1], [[3, 1, 0], [4, 0, 0]]),
    ([0.5, 1], [[3, 1, 0], [4, 0, 0]]),
    ([0, 1], [[3, 1, 0], [0, 0, 0]]),
])
def test_fliplr_joints(visible, expected):
    joints = np.array([[0, 0, 0], [1, 1, 0]], dtype=np.float32)
    flipped, vis = fliplr_joints(joints, np.array(visible, np.float32), 5, (1, 0))
    assert_allclose(flipped, expected)
    assert_allclose(vis, visible[::-1])
    # A trailing visibility axis, as 0.x passes it, works too.
    flipped2, vis2 = fliplr_joints(joints, np.array(visible, np.float32)[:, None], 5, (1, 0))
    assert_allclose(flipped2, expected)
    assert vis2.shape == (2, 1)


def test_fliplr_joints_coco_eyes():
    joints = np.zeros((17, 2), np.float32)
    joints[1], joints[2] = (374, 73), (360, 75)
    flip_indices = (0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15)
    flipped, _ = fliplr_joints(joints, np.ones(17, np.float32), 640, flip_indices)
    assert_allclose(flipped[1:3], [[279, 75], [265, 73]])


def test_flip_heatmaps_numpy():
    heatmaps = np.random.default_rng(0).random((2, 3, 4, 5)).astype(np.float32)
    flip_indices = (1, 0, 2)
    once = flip_heatmaps(heatmaps, flip_indices)
    assert_array_equal(once[:, 0], heatmaps[:, 1, :, ::-1])
    assert_array_equal(once[:, 2], heatmaps[:, 2, :, ::-1])
    assert_array_equal(flip_heatmaps(once, flip_indices), heatmaps)
    # Without the mirror, the paired channels are swapped.
    assert not np.array_equal(once[..., ::-1], heatmaps)
    shifted = flip_heatmaps(heatmaps, flip_indices, shift=True)
    assert_array_equal(shifted[..., 1:], once[..., :-1])
    assert_array_equal(shifted[..., 0], once[..., 0])


def test_flip_heatmaps_torch_matches_numpy():
    heatmaps = torch.rand(2, 3, 4, 5)
    for shift in (False, True):
        out = flip_heatmaps(heatmaps, (1, 0, 2), shift=shift)
        assert isinstance(out, torch.Tensor)
        assert_array_equal(out.numpy(), flip_heatmaps(heatmaps.numpy(), (1, 0, 2), shift=shift))
    with pytest.raises(ValueError):
        flip_heatmaps(heatmaps, (1, 0))
