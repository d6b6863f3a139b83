"""Drawing keypoints and skeletons with the dataset's colours."""
import numpy as np
import pytest

from mmpose.datasets.metainfo import get_metainfo
from mmpose.visualization import default_sizes, draw_bboxes, draw_keypoints

META = get_metainfo('coco')


def _pose(h: int = 240, w: int = 320) -> np.ndarray:
    """17 well separated keypoints (a 6 x 3 grid) inside an (h, w) image, (17, 2)."""
    xs, ys = np.meshgrid(np.linspace(30, w - 30, 6), np.linspace(30, h - 30, 3))
    return np.stack([xs.ravel(), ys.ravel()], -1)[:17]


def test_keypoints_drawn_in_their_colour():
    img = np.zeros((240, 320, 3), np.uint8)
    kpts = _pose()
    out = draw_keypoints(img, kpts[None], np.ones((1, 17)), META)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert not img.any()  # the input is not drawn on
    for (x, y), color in zip(kpts.round().astype(int), META.colors):
        np.testing.assert_array_equal(out[y, x], color)


def test_limb_colour_is_mean_of_endpoints():
    img = np.zeros((240, 320, 3), np.uint8)
    a, b = META.skeleton[0]
    kpts = np.full((17, 2), np.nan)
    kpts[a], kpts[b] = (40, 120), (280, 120)
    out = draw_keypoints(img, kpts[None], None, META, thickness=3)
    expected = ((META.colors[a].astype(np.float32) + META.colors[b]) / 2).astype(np.uint8)
    np.testing.assert_allclose(out[120, 160], expected, atol=1)
    # only the two endpoints and their link are drawn (NaN keypoints are skipped)
    assert not out[:100].any() and not out[140:].any()


def test_low_scores_and_zero_persons_draw_nothing():
    img = np.full((100, 120, 3), 7, np.uint8)
    low = draw_keypoints(img, _pose(100, 120)[None], np.full((1, 17), 0.1), META, score_thr=0.3)
    np.testing.assert_array_equal(low, img)
    none = draw_keypoints(img, np.zeros((0, 17, 2)), np.zeros((0, 17)), META)
    np.testing.assert_array_equal(none, img)
    empty = draw_keypoints(img, [], None, META)
    np.testing.assert_array_equal(empty, img)


def test_score_threshold_is_per_keypoint():
    img = np.zeros((240, 320, 3), np.uint8)
    kpts = _pose()
    scores = np.ones(17)
    scores[0] = 0.0
    out = draw_keypoints(img, kpts, scores, META)  # (K, 2) is one instance
    x, y = kpts[0].round().astype(int)
    assert not out[y, x].any()
    x, y = kpts[5].round().astype(int)
    np.testing.assert_array_equal(out[y, x], META.colors[5])


def test_sizes_scale_with_image():
    assert default_sizes((100, 100)) == (2, 1)
    r_small, t_small = default_sizes((480, 640))
    r_big, t_big = default_sizes((2160, 3840))
    assert r_big > r_small and t_big > t_small


def test_bad_shapes_are_errors():
    img = np.zeros((50, 50, 3), np.uint8)
    with pytest.raises(ValueError, match=r'\(N, 17, 2\)'):
        draw_keypoints(img, np.zeros((1, 16, 2)), None, META)
    with pytest.raises(ValueError, match='scores'):
        draw_keypoints(img, np.zeros((1, 17, 2)), np.zeros((2, 17)), META)
    with pytest.raises(ValueError, match='uint8'):
        draw_keypoints(img.astype(np.float32), np.zeros((1, 17, 2)), None, META)


def test_draw_bboxes():
    img = np.zeros((100, 100, 3), np.uint8)
    out = draw_bboxes(img, np.array([[10, 20, 60, 80]]), color=(255, 0, 0), thickness=1)
    np.testing.assert_array_equal(out[20, 35], (255, 0, 0))
    assert not out[50, 35].any()
