"""init_model / inference_topdown on the tiny demo config with random weights."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmpose.apis import inference_topdown, init_model
from mmpose.checkpoint import save_checkpoint
from mmpose.structures import bbox_cs2xyxy, bbox_xywh2cs

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs/demo/vitpose_tiny_synthetic_coco.py'
INPUT_WH = (128, 160)  # the demo config's input size (w, h)
BOXES_XYXY = np.array([[20., 30., 100., 180.], [140., 10., 230., 150.]])


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory) -> str:
    torch.manual_seed(0)
    model = init_model(CONFIG)
    path = str(tmp_path_factory.mktemp('ckpt') / 'tiny.pth')
    save_checkpoint({'state_dict': model.state_dict()}, path)
    return path


@pytest.fixture(scope='module')
def model(checkpoint):
    return init_model(str(CONFIG), checkpoint)


@pytest.fixture(scope='module')
def image() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 255, (200, 256, 3), dtype=np.uint8)


def _crop_xyxy(boxes_xyxy: np.ndarray) -> np.ndarray:
    """The image region each box's network input covers (aspect-fixed, padded 1.25)."""
    xywh = np.concatenate([boxes_xyxy[:, :2], boxes_xyxy[:, 2:] - boxes_xyxy[:, :2]], 1)
    center, scale = bbox_xywh2cs(xywh, INPUT_WH[0] / INPUT_WH[1], 1.25)
    return bbox_cs2xyxy(center, scale)


def test_init_model(model, checkpoint):
    assert not model.training
    assert isinstance(model.cfg, Config)
    assert model.cfg.model.pretrained is None and model.cfg.model.multihead_pretrained is None
    ref = torch.load(checkpoint, weights_only=True)['state_dict']
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, ref[key])


def test_init_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='config not found'):
        init_model(tmp_path / 'nope.py')
    with pytest.raises(FileNotFoundError, match='checkpoint not found'):
        init_model(CONFIG, str(tmp_path / 'nope.pth'))


def test_cfg_options_and_config_object(checkpoint):
    cfg = Config.fromfile(str(CONFIG))
    m = init_model(cfg, checkpoint, cfg_options={'model.test_cfg.flip_test': True})
    assert m.test_cfg['flip_test'] is True
    assert cfg.model.test_cfg.flip_test is False  # the caller's config is untouched


def test_boxes_xyxy_and_xywh(model, image):
    res = inference_topdown(model, image, BOXES_XYXY)
    assert len(res) == 2
    for r, box in zip(res, BOXES_XYXY):
        assert r['keypoints'].shape == (17, 2) and r['keypoint_scores'].shape == (17,)
        assert r['dataset'] == 'coco'
        np.testing.assert_allclose(r['bbox'], box)
    xywh = np.concatenate([BOXES_XYXY[:, :2], BOXES_XYXY[:, 2:] - BOXES_XYXY[:, :2]], 1)
    res_xywh = inference_topdown(model, image, xywh, bbox_format='xywh')
    for a, b in zip(res, res_xywh):
        np.testing.assert_allclose(a['keypoints'], b['keypoints'])
        np.testing.assert_allclose(a['bbox'], b['bbox'])
    # predictions lie in the part of the image the network saw for that box
    for r, crop in zip(res, _crop_xyxy(BOXES_XYXY)):
        kpts = r['keypoints']
        assert (kpts >= crop[:2] - 1).all() and (kpts <= crop[2:] + 1).all()


def test_deterministic_and_batching(model, image):
    a = inference_topdown(model, image, BOXES_XYXY)
    b = inference_topdown(model, image, BOXES_XYXY)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x['keypoints'], y['keypoints'])
        np.testing.assert_array_equal(x['keypoint_scores'], y['keypoint_scores'])
    c = inference_topdown(model, image, BOXES_XYXY, batch_size=1)
    for x, y in zip(a, c):
        np.testing.assert_allclose(x['keypoint_scores'], y['keypoint_scores'], atol=1e-4)


def test_whole_image_and_file_input(model, image, tmp_path):
    res = inference_topdown(model, image)
    assert len(res) == 1
    np.testing.assert_allclose(res[0]['bbox'], [0, 0, 256, 200])
    crop = _crop_xyxy(np.array([[0., 0., 256., 200.]]))[0]
    assert (res[0]['keypoints'] >= crop[:2] - 1).all()
    assert (res[0]['keypoints'] <= crop[2:] + 1).all()
    path = tmp_path / 'img.png'
    cv2.imwrite(str(path), image)
    from_file = inference_topdown(model, str(path), np.array([[0, 0, 256, 200]]))
    np.testing.assert_allclose(from_file[0]['keypoints'], res[0]['keypoints'])


def test_flip_test_runs(checkpoint, image):
    m = init_model(CONFIG, checkpoint, cfg_options={'model.test_cfg.flip_test': True})
    res = inference_topdown(m, image, BOXES_XYXY[:1])
    assert res[0]['keypoints'].shape == (17, 2) and np.isfinite(res[0]['keypoints']).all()


def test_bad_inputs(model, image, tmp_path):
    with pytest.raises(ValueError, match=r"unknown dataset 'aic'.*\['coco'\]"):
        inference_topdown(model, image, BOXES_XYXY, dataset='aic')
    assert inference_topdown(model, image, np.zeros((0, 4))) == []
    with pytest.raises(ValueError, match='bbox_format'):
        inference_topdown(model, image, BOXES_XYXY, bbox_format='cxcywh')
    with pytest.raises(ValueError, match='empty or not finite'):
        inference_topdown(model, image, np.array([[10, 10, 5, 50]]))
    with pytest.raises(FileNotFoundError, match='image not found'):
        inference_topdown(model, str(tmp_path / 'none.jpg'))
    with pytest.raises(ValueError, match='uint8'):
        inference_topdown(model, image.astype(np.float32))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_cuda_matches_cpu(model, checkpoint, image):
    gpu = init_model(CONFIG, checkpoint, device='cuda')
    assert next(gpu.parameters()).is_cuda
    a = inference_topdown(model, image, BOXES_XYXY)
    b = inference_topdown(gpu, image, BOXES_XYXY)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x['keypoint_scores'], y['keypoint_scores'], atol=1e-3)
