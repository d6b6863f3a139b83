"""Targets drawn on the device from their windows equal the numpy codec's heatmaps."""
import numpy as np
import pytest
import torch

from mmpose.codecs import MSRAHeatmap, UDPHeatmap
from mmpose.codecs._gaussian import gaussian_windows, windowed_gaussians
from mmpose.codecs.torch_encode import render_gaussian_windows


@pytest.mark.parametrize('sigma', [1.5, 2, 2.5, 3])
@pytest.mark.parametrize('subpixel', [True, False])
def test_render_matches_numpy(sigma, subpixel):
    """Keypoints inside, on the border of and far outside the map (incl. the 0.x truncation
    quirk at negative coordinates), weights 0 / 0.3 / 1 / 2."""
    rng = np.random.default_rng(int(sigma * 10) + subpixel)
    kpts = rng.uniform(-60, 260, (400, 2)).astype(np.float32)
    kpts[:4] = [[-30, -30], [0, 0], [191, 255], [300, -2]]
    vis = rng.choice([0, 0.3, 1, 2], 400).astype(np.float32)
    stride = np.array([191 / 47, 255 / 63]) if subpixel else np.array([4., 4.])
    ref, ref_w = windowed_gaussians(kpts, vis, stride, sigma, (48, 64), subpixel)
    windows, centers, weights = gaussian_windows(kpts, vis, stride, sigma, (48, 64), subpixel)
    out = render_gaussian_windows(torch.from_numpy(windows), torch.from_numpy(centers), sigma,
                                  (48, 64)).numpy()
    np.testing.assert_array_equal(weights, ref_w)
    np.testing.assert_array_equal(out > 0, ref > 0)  # the same cells are drawn
    np.testing.assert_allclose(out, ref, rtol=0, atol=2e-7)  # exp differs in the last bit
    assert (ref > 0).any(axis=(1, 2)).sum() > 100


def test_codec_windows_and_batch_shapes():
    codec = UDPHeatmap((192, 256), (48, 64), sigma=2)
    kpts = np.random.default_rng(0).uniform(0, 190, (5, 17, 2)).astype(np.float32)
    enc = [codec.encode_windows(k, np.ones(17)) for k in kpts]
    out = render_gaussian_windows(torch.stack([torch.from_numpy(e['heatmap_windows'])
                                               for e in enc]),
                                  torch.stack([torch.from_numpy(e['heatmap_centers'])
                                               for e in enc]), 2.0, (48, 64))
    assert out.shape == (5, 17, 64, 48)
    for k, o in zip(kpts, out):
        np.testing.assert_allclose(o.numpy(), codec.encode(k, np.ones(17))['heatmaps'],
                                   atol=2e-7)
    with pytest.raises(ValueError, match='on_device=False'):
        MSRAHeatmap((192, 256), (48, 64), unbiased=True).encode_windows(kpts[0], np.ones(17))
