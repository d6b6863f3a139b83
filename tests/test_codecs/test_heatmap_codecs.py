"""Heatmap codecs: parity with the mmpose 0.24 loops (oracles below) and the facts of
reference_expectations.md sections 4 and 5.1.

The oracles are the 0.x code, with the scalar promotions of numpy < 2 (which 0.x ran on)
made explicit so they mean the same under numpy 2: a float64 numpy scalar meeting a float32
array was rounded to float32 (``np.float32(...)`` below), and a Python number meeting a
float32 scalar gave float64 (``F64(...)`` in ``legacy_taylor``). With these, the codecs match
the unmodified 0.x code run under numpy 1.26.4 / OpenCV 4.10 bit for bit.
"""
import json

import cv2
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from mmpose.codecs import MSRAHeatmap, UDPHeatmap
from mmpose.registry import KEYPOINT_CODECS
from mmpose.structures import (
    affine_transform_points,
    bbox_xywh2cs,
    get_affine_transform,
    get_warp_matrix,
    transform_preds,
)

INPUT, HEATMAP = (192, 256), (48, 64)
F64 = np.float64


# ----------------------------------------------------------------- 0.x oracles (per joint)
def legacy_msra_target(joints, visible, sigma, unbiased, image_size=INPUT, hm_size=HEATMAP):
    """``TopDownGenerateTarget._msra_generate_target``, joints (K, 2) float32."""
    image_size = np.array(image_size)
    W, H = hm_size
    num_joints = len(joints)
    target_weight = np.zeros((num_joints, 1), dtype=np.float32)
    target = np.zeros((num_joints, H, W), dtype=np.float32)
    tmp_size = sigma * 3
    feat_stride = image_size / [W, H]
    for j in range(num_joints):
        target_weight[j] = visible[j]
        if unbiased:
            mu_x, mu_y = joints[j][0] / feat_stride[0], joints[j][1] / feat_stride[1]
            ul = [mu_x - tmp_size, mu_y - tmp_size]
            br = [mu_x + tmp_size + 1, mu_y + tmp_size + 1]
            if ul[0] >= W or ul[1] >= H or br[0] < 0 or br[1] < 0:
                target_weight[j] = 0
            if target_weight[j] == 0:
                continue
            x = np.arange(0, W, 1, np.float32)
            y = np.arange(0, H, 1, np.float32)[:, None]
            if target_weight[j] > 0.5:
                target[j] = np.exp(-((x - np.float32(mu_x))**2 + (y - np.float32(mu_y))**2) /
                                   (2 * sigma**2))
            continue
        mu_x = int(joints[j][0] / feat_stride[0] + 0.5)
        mu_y = int(joints[j][1] / feat_stride[1] + 0.5)
        ul = [int(mu_x - tmp_size), int(mu_y - tmp_size)]
        br = [int(mu_x + tmp_size + 1), int(mu_y + tmp_size + 1)]
        if ul[0] >= W or ul[1] >= H or br[0] < 0 or br[1] < 0:
            target_weight[j] = 0
        if target_weight[j] > 0.5:
            size = 2 * tmp_size + 1
            x = np.arange(0, size, 1, np.float32)
            y = x[:, None]
            x0 = y0 = size // 2
            g = np.exp(-((x - x0)**2 + (y - y0)**2) / (2 * sigma**2))
            g_x = max(0, -ul[0]), min(br[0], W) - ul[0]
            g_y = max(0, -ul[1]), min(br[1], H) - ul[1]
            img_x = max(0, ul[0]), min(br[0], W)
            img_y = max(0, ul[1]), min(br[1], H)
            target[j][img_y[0]:img_y[1], img_x[0]:img_x[1]] = g[g_y[0]:g_y[1], g_x[0]:g_x[1]]
    return target, target_weight[:, 0]


def legacy_udp_target(joints, visible, factor, image_size=INPUT, hm_size=HEATMAP):
    """``TopDownGenerateTarget._udp_generate_target``, target_type 'GaussianHeatmap'."""
    image_size, heatmap_size = np.array(image_size), np.array(hm_size)
    num_joints = len(joints)
    target_weight = np.ones((num_joints, 1), dtype=np.float32)
    target_weight[:, 0] = visible
    target = np.zeros((num_joints, heatmap_size[1], heatmap_size[0]), dtype=np.float32)
    tmp_size = factor * 3
    size = 2 * tmp_size + 1
    x = np.arange(0, size, 1, np.float32)
    y = x[:, None]
    for j in range(num_joints):
        feat_stride = (image_size - 1.0) / (heatmap_size - 1.0)
        mu_x = int(joints[j][0] / feat_stride[0] + 0.5)
        mu_y = int(joints[j][1] / feat_stride[1] + 0.5)
        ul = [int(mu_x - tmp_size), int(mu_y - tmp_size)]
        br = [int(mu_x + tmp_size + 1), int(mu_y + tmp_size + 1)]
        if ul[0] >= heatmap_size[0] or ul[1] >= heatmap_size[1] or br[0] < 0 or br[1] < 0:
            target_weight[j] = 0
            continue
        x0 = y0 = size // 2
        x0 += joints[j][0] / feat_stride[0] - mu_x
        y0 += joints[j][1] / feat_stride[1] - mu_y
        g = np.exp(-((x - np.float32(x0))**2 + (y - np.float32(y0))**2) / (2 * factor**2))
        g_x = max(0, -ul[0]), min(br[0], heatmap_size[0]) - ul[0]
        g_y = max(0, -ul[1]), min(br[1], heatmap_size[1]) - ul[1]
        img_x = max(0, ul[0]), min(br[0], heatmap_size[0])
        img_y = max(0, ul[1]), min(br[1], heatmap_size[1])
        if target_weight[j] > 0.5:
            target[j][img_y[0]:img_y[1], img_x[0]:img_x[1]] = g[g_y[0]:g_y[1], g_x[0]:g_x[1]]
    return target, target_weight[:, 0]


def legacy_get_max_preds(heatmaps):
    N, K, _, W = heatmaps.shape
    flat = heatmaps.reshape((N, K, -1))
    idx = np.argmax(flat, 2).reshape((N, K, 1))
    maxvals = np.amax(flat, 2).reshape((N, K, 1))
    preds = np.tile(idx, (1, 1, 2)).astype(np.float32)
    preds[:, :, 0] = preds[:, :, 0] % W
    preds[:, :, 1] = preds[:, :, 1] // W
    preds = np.where(np.tile(maxvals, (1, 1, 2)) > 0.0, preds, -1)
    return preds, maxvals[..., 0]


def legacy_gaussian_blur(heatmaps, kernel=11):
    border = (kernel - 1) // 2
    _, _, height, width = heatmaps.shape
    for i in range(heatmaps.shape[0]):
        for j in range(heatmaps.shape[1]):
            origin_max = np.max(heatmaps[i, j])
            dr = np.zeros((height + 2 * border, width + 2 * border), dtype=np.float32)
            dr[border:-border, border:-border] = heatmaps[i, j].copy()
            dr = cv2.GaussianBlur(dr, (kernel, kernel), 0)
            heatmaps[i, j] = dr[border:-border, border:-border].copy()
            heatmaps[i, j] *= origin_max / np.max(heatmaps[i, j])
    return heatmaps


def legacy_taylor(hm, coord):
    # numpy < 2: a Python number times a float32 scalar is float64, hence the F64 literals.
    H, W = hm.shape[:2]
    px, py = int(coord[0]), int(coord[1])
    if 1 < px < W - 2 and 1 < py < H - 2:
        dx = F64(0.5) * (hm[py][px + 1] - hm[py][px - 1])
        dy = F64(0.5) * (hm[py + 1][px] - hm[py - 1][px])
        dxx = F64(0.25) * (hm[py][px + 2] - F64(2) * hm[py][px] + hm[py][px - 2])
        dxy = F64(0.25) * (hm[py + 1][px + 1] - hm[py - 1][px + 1] - hm[py + 1][px - 1] +
                           hm[py - 1][px - 1])
        dyy = F64(0.25) * (hm[py + 2][px] - F64(2) * hm[py][px] + hm[py - 2][px])
        derivative = np.array([[dx], [dy]])
        hessian = np.array([[dxx, dxy], [dxy, dyy]])
        if dxx * dyy - dxy**2 != 0:
            offset = -np.linalg.inv(hessian) @ derivative
            coord += np.squeeze(np.array(offset.T), axis=0)
    return coord


def legacy_post_dark_udp(coords, batch_heatmaps, kernel):
    B, K, H, W = batch_heatmaps.shape
    N = coords.shape[0]
    for heatmaps in batch_heatmaps:
        for heatmap in heatmaps:
            cv2.GaussianBlur(heatmap, (kernel, kernel), 0, heatmap)
    np.clip(batch_heatmaps, 0.001, 50, batch_heatmaps)
    np.log(batch_heatmaps, batch_heatmaps)
    pad = np.pad(batch_heatmaps, ((0, 0), (0, 0), (1, 1), (1, 1)), mode='edge').flatten()
    index = coords[..., 0] + 1 + (coords[..., 1] + 1) * (W + 2)
    index += (W + 2) * (H + 2) * np.arange(0, B * K).reshape(-1, K)
    index = index.astype(int).reshape(-1, 1)
    i_, ix1, iy1 = pad[index], pad[index + 1], pad[index + W + 2]
    ix1y1, ix1_y1_ = pad[index + W + 3], pad[index - W - 3]
    ix1_, iy1_ = pad[index - 1], pad[index - 2 - W]
    dx, dy = 0.5 * (ix1 - ix1_), 0.5 * (iy1 - iy1_)
    derivative = np.concatenate([dx, dy], axis=1).reshape(N, K, 2, 1)
    dxx, dyy = ix1 - 2 * i_ + ix1_, iy1 - 2 * i_ + iy1_
    dxy = 0.5 * (ix1y1 - ix1 - iy1 + i_ + i_ - ix1_ - iy1_ + ix1_y1_)
    hessian = np.concatenate([dxx, dxy, dxy, dyy], axis=1).reshape(N, K, 2, 2)
    hessian = np.linalg.inv(hessian + np.finfo(np.float32).eps * np.eye(2))
    coords -= np.einsum('ijmn,ijnk->ijmk', hessian, derivative).reshape(N, K, 2)
    return coords


def legacy_decode(heatmaps, post_process, use_udp=False, kernel=11):
    """``keypoints_from_heatmaps`` up to (excluding) ``transform_preds``."""
    heatmaps = heatmaps.copy()
    preds, maxvals = legacy_get_max_preds(heatmaps)
    N, K, H, W = heatmaps.shape
    if use_udp:
        return legacy_post_dark_udp(preds, heatmaps, kernel), maxvals
    if post_process == 'unbiased':
        heatmaps = np.log(np.maximum(legacy_gaussian_blur(heatmaps, kernel), 1e-10))
        for n in range(N):
            for k in range(K):
                preds[n][k] = legacy_taylor(heatmaps[n][k], preds[n][k])
    elif post_process is not None:
        for n in range(N):
            for k in range(K):
                hm = heatmaps[n][k]
                px, py = int(preds[n][k][0]), int(preds[n][k][1])
                if 1 < px < W - 1 and 1 < py < H - 1:
                    diff = np.array([hm[py][px + 1] - hm[py][px - 1],
                                     hm[py + 1][px] - hm[py - 1][px]])
                    preds[n][k] += np.sign(diff) * .25
    return preds, maxvals


# ------------------------------------------------------------------------------ helpers
def _random_keypoints(rng, num):
    """Keypoints inside, at the edges of and outside the crop, with mixed visibility."""
    kpts = rng.uniform(-60, 260, size=(num, 2)).astype(np.float32)
    edges = np.array([[0, 0], [191, 255], [-30, -30], [215, 100], [216, 100], [-26, 5],
                      [-24.5, 100], [192, 256], [207.9, 271.9], [96, 128]], np.float32)
    pick = rng.random(num) < 0.3
    kpts[pick] = edges[rng.integers(0, len(edges), pick.sum())]
    on_grid = rng.random(num) < 0.2        # exact multiples of 2 hit the int(x + 0.5) ties
    kpts[on_grid] = np.round(kpts[on_grid] / 2) * 2
    visible = rng.choice(np.array([0, 1, 1, 1, 0.3, 0.7], np.float32), size=num)
    return kpts, visible


def _encode_decode(codec, kpt, center):
    enc = codec.encode(np.array([kpt], np.float32), np.ones(1))
    kpts, _ = codec.decode(enc['heatmaps'][None])
    return transform_preds(kpts, np.array([center]), np.array([[0.96, 1.28]]), HEATMAP,
                           use_udp=codec.use_udp)[0, 0]


# -------------------------------------------------------------------------------- tests
@pytest.mark.parametrize('cfg', [
    dict(type='MSRAHeatmap', sigma=2), dict(type='MSRAHeatmap', sigma=3.0),
    dict(type='MSRAHeatmap', sigma=1.5), dict(type='MSRAHeatmap', sigma=2, unbiased=True),
    dict(type='UDPHeatmap', sigma=2), dict(type='UDPHeatmap', sigma=1.5)
])
def test_encode_matches_legacy_loops(cfg):
    codec = KEYPOINT_CODECS.build(dict(cfg, input_size=INPUT, heatmap_size=HEATMAP))
    rng = np.random.default_rng(0)
    for _ in range(200):
        kpts, visible = _random_keypoints(rng, int(rng.integers(1, 18)))
        enc = codec.encode(kpts, visible)
        if codec.use_udp:
            target, weight = legacy_udp_target(kpts, visible, codec.sigma)
        else:
            target, weight = legacy_msra_target(kpts, visible, codec.sigma, codec.unbiased)
        assert enc['heatmaps'].dtype == enc['keypoint_weights'].dtype == np.float32
        assert_array_equal(enc['heatmaps'], target)
        assert_array_equal(enc['keypoint_weights'], weight)


@pytest.mark.filterwarnings('ignore::RuntimeWarning')  # the oracle blurs an all-zero map
@pytest.mark.parametrize('post_process', [None, 'default', 'unbiased', 'udp'])
def test_decode_matches_legacy(post_process):
    rng = np.random.default_rng(1)
    if post_process == 'udp':
        codec = UDPHeatmap(INPUT, HEATMAP, blur_kernel_size=11)
    else:
        codec = MSRAHeatmap(INPUT, HEATMAP, post_process=post_process, blur_kernel_size=11)
    for batch_size in (9, 4, 4, 1):   # 9 x 17 maps > one cv2 image of 128 channels
        kpts, visible = _random_keypoints(rng, 17)
        heatmaps = np.stack([codec.encode(kpts + rng.normal(0, 3, kpts.shape), visible)
                             ['heatmaps'] for _ in range(batch_size)])
        heatmaps += rng.normal(0, 0.02, heatmaps.shape).astype(np.float32)
        heatmaps[0, 0] = 0                                      # all-zero map: pred -1
        original = heatmaps.copy()
        preds, scores = codec.decode(heatmaps)
        expected, maxvals = legacy_decode(heatmaps, post_process, post_process == 'udp')
        assert_array_equal(heatmaps, original)
        assert preds.shape == (batch_size, 17, 2) and scores.shape == (batch_size, 17)
        assert_array_equal(scores, maxvals)
        assert_array_equal(preds, expected)


@pytest.mark.parametrize('codec', [
    MSRAHeatmap(INPUT, HEATMAP, post_process=None), MSRAHeatmap(INPUT, HEATMAP),
    MSRAHeatmap(INPUT, HEATMAP, unbiased=True), UDPHeatmap(INPUT, HEATMAP)])
def test_decode_empty_heatmaps(codec):
    for shape in ((2, 3, 64, 48), (1, 1, 64, 48)):
        preds, scores = codec.decode(np.zeros(shape, np.float32))
        assert_array_equal(preds, np.full(shape[:2] + (2,), -1.))
        assert_array_equal(scores, np.zeros(shape[:2]))


def test_msra_target_values():
    codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    hm = codec.encode(np.array([[96, 128], [97, 129], [98, 130], [0, 0]]), np.ones(4))['heatmaps']
    assert hm.shape == (4, 64, 48)
    assert hm[0, 32, 24] == 1.0
    assert_allclose(hm[0, 32, 24:32], [1, 0.882497, 0.606531, 0.324652, 0.135335, 0.043937,
                                       0.011109, 0], atol=1e-6)
    assert_allclose(hm[0, 33, 25], 0.778801, atol=1e-6)
    assert_allclose(hm[0].sum(), 25.0813, atol=1e-4)
    assert np.count_nonzero(hm[0]) == 169
    assert_array_equal(hm[1], hm[0])
    assert np.unravel_index(hm[2].argmax(), hm[2].shape) == (33, 25)
    assert hm[3, 0, 0] == 1.0 and np.count_nonzero(hm[3]) == 49
    assert_allclose(hm[3].sum(), 9.0244, atol=1e-4)


def test_msra_weights_and_edge_quirks():
    codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    enc = codec.encode(np.array([[215, 100], [216, 100], [96, 128], [-30, -30]]),
                       np.array([1, 1, 0, 1]))
    assert_array_equal(enc['keypoint_weights'], [0, 0, 0, 1])
    assert not enc['heatmaps'].any()  # (-30, -30): weight 1 with an all-zero heatmap


def test_dark_and_udp_target_values():
    dark = MSRAHeatmap(INPUT, HEATMAP, sigma=2, unbiased=True)
    hm = dark.encode(np.array([[96, 128], [98, 130]]), np.ones(2))['heatmaps']
    assert_allclose([hm[0, 32, 24], hm[0, 32, 25], hm[0, 33, 25]], [1, 0.882497, 0.778801],
                    atol=1e-6)
    assert_allclose(hm[0].sum(), 25.1327, atol=1e-4)
    assert_allclose([hm[1, 32, 24], hm[1, 32, 25], hm[1, 33, 25]], [0.939413] * 3, atol=1e-6)

    udp = UDPHeatmap(INPUT, HEATMAP, sigma=2)
    assert_allclose(udp.stride, [4.06383, 4.047619], atol=1e-6)
    kpts = np.array([[96, 128], [0, 0], [191, 255], [98, 130]])
    hm = udp.encode(kpts, np.ones(4))['heatmaps']
    assert_allclose([hm[0, 32, 23], hm[0, 32, 24], hm[0, 32, 25]],
                    [0.935908, 0.965143, 0.775134], atol=1e-6)
    assert hm[1, 0, 0] == 1.0 and hm[2, 63, 47] == 1.0
    assert_allclose(hm[3, 32, 24], 0.996617, atol=1e-6)


def test_decode_facts_section4():
    heatmaps = np.ones((1, 1, 64, 64), np.float32)
    heatmaps[0, 0, 31, 31] = 2
    for post_process in ('default', 'unbiased'):
        codec = MSRAHeatmap((256, 256), (64, 64), post_process=post_process)
        preds, scores = codec.decode(heatmaps)
        preds = transform_preds(preds, np.array([[127, 127]]), np.array([[0.32, 0.32]]),
                                (64, 64))
        assert_allclose(preds, [[[126, 126]]], atol=1e-4)
        assert_array_equal(scores, [[2]])
    with pytest.raises(ValueError):
        MSRAHeatmap((256, 256), (64, 64), post_process='unbiased', blur_kernel_size=0)

    heatmaps = np.ones((32, 17, 64, 64), np.float32)
    heatmaps[:, :, 31, 31] = 2
    preds, scores = UDPHeatmap((256, 256), (64, 64)).decode(heatmaps)
    preds = transform_preds(preds, np.full((32, 2), 127.), np.full((32, 2), 32.), (64, 64),
                            use_udp=True)
    assert_allclose(preds, np.full((32, 17, 2), 76.), atol=0.5)
    assert_array_equal(scores, np.full((32, 17), 2))


def test_round_trips_identity_crop():
    msra = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
    assert_allclose(_encode_decode(msra, (96, 128), (96, 128)), (96, 128), atol=1e-5)
    assert_allclose(_encode_decode(msra, (98, 130), (96, 128)), (100, 132), atol=1e-5)
    dark = MSRAHeatmap(INPUT, HEATMAP, sigma=2, unbiased=True)
    assert_allclose(_encode_decode(dark, (98, 130), (96, 128)), (97.9986, 129.9986), atol=1e-4)
    udp = UDPHeatmap(INPUT, HEATMAP, sigma=2)
    assert_allclose(_encode_decode(udp, (98, 130), (95.5, 127.5)), (98.0132, 130.0099),
                    atol=1e-4)


@pytest.mark.parametrize('codec', [
    MSRAHeatmap(INPUT, HEATMAP, unbiased=True), UDPHeatmap(INPUT, HEATMAP)])
def test_sub_pixel_round_trip(codec):
    rng = np.random.default_rng(2)
    kpts = rng.uniform([30, 30], [160, 220], size=(17, 2)).astype(np.float32)
    preds, scores = codec.decode(codec.encode(kpts, np.ones(17))['heatmaps'][None])
    stride = codec.stride
    assert_allclose(preds[0] * stride, kpts, atol=0.05)
    assert (scores > 0.9).all()


@pytest.mark.parametrize('use_udp, max_err, mean_err', [(False, 3.3600, 1.7815),
                                                       (True, 0.00026, 0.00016)])
def test_coco_record0_round_trip(samples, use_udp, max_err, mean_err):
    """Image -> crop -> target -> decode -> image; errors are per coordinate, |dx| and |dy|."""
    anns = json.loads((samples / 'coco/test_coco.json').read_text())['annotations']
    ann = next(a for a in anns if a['id'] == 442619)
    joints = np.array(ann['keypoints'], np.float32).reshape(-1, 3)[:, :2]
    x, y, w, h = ann['bbox']
    center, scale = bbox_xywh2cs([x, y, w - 1, h - 1], aspect_ratio=0.75)
    if use_udp:
        codec = UDPHeatmap(INPUT, HEATMAP, sigma=2)
        mat = get_warp_matrix(0, center * 2.0, np.array(INPUT) - 1.0, scale * 200.0)
    else:
        codec = MSRAHeatmap(INPUT, HEATMAP, sigma=2)
        mat = get_affine_transform(center, scale, 0, INPUT)
    crop = affine_transform_points(joints, mat).astype(np.float32)
    preds, _ = codec.decode(codec.encode(crop, np.ones(17))['heatmaps'][None])
    err = np.abs(transform_preds(preds, center[None], scale[None], HEATMAP, use_udp)[0] - joints)
    assert err.max() == pytest.approx(max_err, abs=1e-4 if use_udp else 1e-3)
    assert err.mean() == pytest.approx(mean_err, abs=1e-4 if use_udp else 1e-3)


def test_invalid_arguments():
    with pytest.raises(ValueError, match='post_process'):
        MSRAHeatmap(INPUT, HEATMAP, post_process='megvii')
    with pytest.raises(ValueError):
        MSRAHeatmap(INPUT, HEATMAP, unbiased=True, post_process=None)
    with pytest.raises(ValueError, match='heatmap_size'):
        UDPHeatmap(INPUT, (48,))
    with pytest.raises(ValueError, match='keypoints'):
        UDPHeatmap(INPUT, HEATMAP).encode(np.zeros((3, 3)), np.ones(3))
    with pytest.raises(ValueError, match='heatmaps'):
        UDPHeatmap(INPUT, HEATMAP).decode(np.zeros((3, 64, 48)))


def test_torch_udp_decoding_matches_the_codec():
    """Decoding on the device (torch) agrees with the numpy reference codec."""
    import torch

    from mmpose.codecs.torch_decode import decode_udp
    rng = np.random.default_rng(0)
    codec = UDPHeatmap((192, 256), (48, 64), sigma=2)
    kpts = rng.uniform(10, 180, (8, 17, 2)) * [1, 1.3]
    hms = np.stack([codec.encode(k, np.ones(17))['heatmaps'] for k in kpts])
    hms = hms + rng.uniform(0, 0.05, hms.shape).astype(np.float32)
    ref_xy, ref_s = codec.decode(hms)
    xy, s = decode_udp(torch.from_numpy(hms), 11)
    np.testing.assert_allclose(xy.numpy(), ref_xy, atol=2e-3)
    np.testing.assert_allclose(s.numpy(), ref_s)
