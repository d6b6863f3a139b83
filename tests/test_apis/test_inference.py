"""init_model / inference_topdown on the tiny demo config with random weights."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmpose.apis import inference_topdown, init_model
from mmpose.apis.inference import _bbox_padding, _find_dataset_cfg, _input_size
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


def _assert_inside(result: dict, crop: np.ndarray) -> None:
    """Keypoints with a positive score lie in ``crop`` (xyxy); a heatmap whose maximum is not
    positive decodes to no location (score <= 0), which random weights can produce."""
    kpts = result['keypoints'][result['keypoint_scores'] > 0]
    assert len(kpts) and (kpts >= crop[:2] - 1).all() and (kpts <= crop[2:] + 1).all()


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
        _assert_inside(r, crop)


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
    _assert_inside(res[0], _crop_xyxy(np.array([[0., 0., 256., 200.]]))[0])
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


def test_multi_dataset_model_selects_head_and_settings(image):
    """A ViTPose+-style MoE model: ``dataset`` picks the head/expert; input size and box
    padding come from that dataset's test pipeline and dataset class."""
    size = (48, 64)  # (w, h)
    cfg = Config(dict(
        model=dict(type='TopDownMoE', datasets=('coco', 'interhand2d'),
                   backbone=dict(type='ViTMoE', num_expert=2, part_features=8,
                                 img_size=(size[1], size[0]), embed_dim=32, depth=1,
                                 num_heads=2),
                   keypoint_head=dict(type='HeatmapHead', in_channels=32,
                                      num_deconv_filters=(16, 16)),
                   test_cfg=dict(flip_test=True, use_udp=False)),
        test_dataloader=dict(dataset=dict(type='CombinedDataset', datasets=[
            dict(type='CocoStyleDataset', dataset_name='coco',
                 pipeline=[dict(type='TopdownTestPipeline', input_size=size)]),
            dict(type='InterHand2DDataset', dataset_name='interhand2d',
                 pipeline=[dict(type='TopdownTestPipeline', input_size=size, udp=False)])]))))
    model = init_model(cfg)
    assert model.cfg.model.type == 'TopDownMoE'
    box = np.array([[40., 40., 120., 160.]])
    coco = inference_topdown(model, image, box)
    hand = inference_topdown(model, image, box, dataset='interhand2d')
    assert coco[0]['keypoints'].shape == (17, 2) and coco[0]['dataset'] == 'coco'
    assert hand[0]['keypoints'].shape == (21, 2) and hand[0]['dataset'] == 'interhand2d'
    # InterHand2D pads its boxes by 1.5 (the dataset class default), COCO by 1.25
    for res, padding in ((coco, 1.25), (hand, 1.5)):
        center, scale = bbox_xywh2cs(np.array([[40., 40., 80., 120.]]), size[0] / size[1],
                                     padding)
        _assert_inside(res[0], bbox_cs2xyxy(center, scale)[0])
    with pytest.raises(ValueError, match=r"\['coco', 'interhand2d'\]"):
        inference_topdown(model, image, box, dataset='mpii')
    # the settings behind it
    assert _bbox_padding(_find_dataset_cfg(cfg, 'interhand2d')) == 1.5
    assert _bbox_padding(_find_dataset_cfg(cfg, 'coco')) == 1.25
    assert _input_size(cfg, _find_dataset_cfg(cfg, 'coco')) == size
    no_loaders = Config(dict(model=cfg.model))
    assert _find_dataset_cfg(no_loaders, 'coco') is None
    assert _input_size(no_loaders, None) == size  # from the backbone's img_size (h, w)
