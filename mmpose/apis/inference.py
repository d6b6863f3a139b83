"""Top-down inference on single images: build a model from a config, then pose every box.

The test-time settings come from the config, so inference sees exactly what evaluation sees:
the network input size (the test pipeline's ``input_size``, else the backbone's ``img_size``),
the dataset's box padding, the warp (UDP or classic, from ``model.test_cfg['use_udp']``), the
flip test and the heatmap decoding of ``model.test_cfg``.
"""
from __future__ import annotations

import copy
import inspect
import logging
import os.path as osp
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import torch
from mmengine.config import Config
from torch import nn

from mmpose.checkpoint import load_model_weights
from mmpose.datasets.collate import pose_collate
from mmpose.datasets.metainfo import get_metainfo
from mmpose.datasets.transforms import PackPoseInputs, TopdownAffine
from mmpose.registry import DATASETS, MODELS, TRANSFORMS
from mmpose.structures import bbox_xywh2cs

logger = logging.getLogger(__name__)

BBOX_FORMATS = ('xyxy', 'xywh')
_DEFAULT_PADDING = 1.25  # mmpose 0.x box padding of the COCO-style datasets
_INPUT_SIZE_STEPS = ('TopdownTestPipeline', 'TopdownTrainPipeline', 'TopdownAffine')


def _check_device(device: str) -> torch.device:
    try:
        dev = torch.device(device)
    except RuntimeError as e:
        raise ValueError(f'invalid device {device!r} ({e}); use e.g. "cpu" or "cuda:0"') from None
    if dev.type == 'cuda' and not torch.cuda.is_available():
        raise ValueError(f'device {device!r} requested but CUDA is not available; use "cpu"')
    return dev


def init_model(config: str | Path | Config, checkpoint: str | None = None, device: str = 'cpu',
               cfg_options: dict | None = None) -> nn.Module:
    """Build a pose model from a config, load its weights and put it in eval mode.

    Args:
        config: Config file or a loaded :class:`~mmengine.config.Config` (not modified).
        checkpoint: Whole-model checkpoint (ours or an official ViTPose / ViTPose+ / PoseBH
            file), loaded strictly. None keeps the random initialisation.
        device: Torch device, e.g. ``'cpu'``, ``'cuda'``, ``'cuda:1'``.
        cfg_options: Overrides merged into the config, as ``--cfg-options`` does.

    Returns:
        The model (a ``MultiDatasetTopdown``), with the config used to build it on ``model.cfg``.

    Raises:
        FileNotFoundError: Missing config or checkpoint file.
        ValueError: Unusable device, or a checkpoint that does not match the model.
    """
    if isinstance(config, (str, Path)):
        if not osp.isfile(config):
            raise FileNotFoundError(f'config not found: {str(config)!r}')
        cfg = Config.fromfile(str(config))
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError(f'config must be a file path or a Config, got {type(config).__name__}')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'model' not in cfg:
        raise KeyError(f'config {cfg.filename or "<Config>"} has no `model` section')
    if checkpoint is not None and not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {checkpoint!r}')
    dev = _check_device(device)
    # the checkpoint provides every weight: no backbone / multi-head initialisation files needed
    cfg.model.pretrained = None
    cfg.model.multihead_pretrained = None
    model = MODELS.build(cfg.model)
    if checkpoint is None:
        model.init_weights()
        logger.warning('init_model: no checkpoint given, the model has random weights')
    else:
        load_model_weights(model, checkpoint)
    model.cfg = cfg
    return model.to(dev).eval()


# ---- test-time settings from the config -----------------------------------------------------
def _dataset_cfgs(node: object) -> Iterator[dict]:
    """Every dataset dict under a dataloader's ``dataset`` (through ``CombinedDataset`` lists)."""
    if isinstance(node, dict):
        if 'dataset_name' in node or 'pipeline' in node:
            yield node
        for key in ('datasets', 'dataset'):
            children = node.get(key)
            for child in children if isinstance(children, (list, tuple)) else [children]:
                yield from _dataset_cfgs(child)


def _find_dataset_cfg(cfg: Config, dataset: str) -> dict | None:
    """The test (else val, else train) dataset config of ``dataset``, or the first one."""
    first = None
    for loader in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        for ds in _dataset_cfgs((cfg.get(loader) or {}).get('dataset')):
            if ds.get('dataset_name') == dataset:
                return ds
            first = first or ds
    return first


def _default_arg(cls: type, name: str) -> object:
    param = inspect.signature(cls).parameters.get(name)
    return None if param is None or param.default is inspect.Parameter.empty else param.default


def _input_size(cfg: Config, ds_cfg: dict | None) -> tuple[int, int]:
    """Network input (w, h): the dataset pipeline's ``input_size``, else the backbone's."""
    for step in (ds_cfg or {}).get('pipeline', []):
        kind = step.get('type') if isinstance(step, dict) else None
        if kind in _INPUT_SIZE_STEPS:
            size = step.get('input_size', _default_arg(TRANSFORMS.get(kind), 'input_size'))
            if size is not None:
                return int(size[0]), int(size[1])
    img_size = cfg.model.get('backbone', {}).get('img_size')
    if img_size is None:
        raise KeyError('cannot tell the network input size: the config has no test pipeline '
                       'with `input_size` and no `model.backbone.img_size`')
    h, w = (img_size, img_size) if isinstance(img_size, int) else img_size
    return int(w), int(h)


def _bbox_padding(ds_cfg: dict | None) -> float:
    """The dataset's box padding (its config value, else its class default)."""
    if not ds_cfg:
        return _DEFAULT_PADDING
    if 'bbox_padding' in ds_cfg:
        return float(ds_cfg['bbox_padding'])
    cls = DATASETS.get(ds_cfg.get('type', '')) if ds_cfg.get('type') else None
    default = _default_arg(cls, 'bbox_padding') if cls is not None else None
    return _DEFAULT_PADDING if default is None else float(default)


# ---- inputs ---------------------------------------------------------------------------------
def _read_image(img: str | Path | np.ndarray) -> np.ndarray:
    """A BGR (H, W, 3) uint8 image from a file or an array (grayscale is expanded)."""
    if isinstance(img, (str, Path)):
        path = str(img)
        if not osp.isfile(path):
            raise FileNotFoundError(f'image not found: {path!r}')
        arr = cv2.imread(path, cv2.IMREAD_COLOR)
        if arr is None:
            raise ValueError(f'cannot decode image {path!r} (corrupt or not an image)')
        return arr
    if not isinstance(img, np.ndarray):
        raise TypeError(f'img must be a file path or a BGR numpy array, got {type(img).__name__}')
    if img.dtype != np.uint8:
        raise ValueError(f'img must be uint8, got {img.dtype}')
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'img must be (H, W, 3) BGR or (H, W) grayscale, got {img.shape}')
    return img


def _boxes_xywh(bboxes: np.ndarray | None, bbox_format: str,
                img_shape: tuple[int, ...]) -> np.ndarray:
    """Boxes (N, 4) as float64 xywh; the whole image when ``bboxes`` is None."""
    if bbox_format not in BBOX_FORMATS:
        raise ValueError(f'bbox_format must be one of {BBOX_FORMATS}, got {bbox_format!r}')
    if bboxes is None:
        h, w = img_shape[:2]
        return np.array([[0., 0., w, h]])
    boxes = np.asarray(bboxes, dtype=np.float64)
    if boxes.size == 0:
        return boxes.reshape(0, 4)
    if boxes.ndim == 1:
        boxes = boxes[None]
    if boxes.ndim != 2 or boxes.shape[1] < 4:
        raise ValueError(f'bboxes must be (N, 4) as {bbox_format}, got shape {boxes.shape}')
    boxes = boxes[:, :4].copy()  # a trailing score column is allowed and ignored
    if bbox_format == 'xyxy':
        boxes[:, 2:] -= boxes[:, :2]
    bad = ~np.isfinite(boxes).all(1) | (boxes[:, 2] <= 0) | (boxes[:, 3] <= 0)
    if bad.any():
        raise ValueError(f'bboxes {np.flatnonzero(bad).tolist()} are empty or not finite '
                         f'(format {bbox_format!r}): {np.asarray(bboxes)[bad][:3].tolist()}')
    return boxes


def _resolve_dataset(model: nn.Module, dataset: str | None) -> str:
    if dataset is None:
        return model.datasets[0]
    known = tuple(model.datasets) + tuple(getattr(model, 'dataset_aliases', {}))
    if dataset not in known:
        raise ValueError(f'unknown dataset {dataset!r}; this model serves {list(model.datasets)}'
                         + (f' (aliases {sorted(model.dataset_aliases)})'
                            if getattr(model, 'dataset_aliases', None) else ''))
    return dataset


# ---- inference ------------------------------------------------------------------------------
def inference_topdown(model: nn.Module, img: str | Path | np.ndarray,
                      bboxes: np.ndarray | None = None, bbox_format: str = 'xyxy',
                      dataset: str | None = None, batch_size: int = 64) -> list[dict]:
    """Estimate the keypoints of every person (animal, hand, ...) box in one image.

    Args:
        model: A model from :func:`init_model` (needs ``model.cfg``), in eval mode.
        img: Image file, or a BGR (H, W, 3) uint8 array (OpenCV convention).
        bboxes: Boxes (N, 4) in image pixels, as ``bbox_format``; a 5th (score) column is
            ignored. None: one box covering the whole image.
        bbox_format: ``'xyxy'`` (corners) or ``'xywh'`` (COCO: top-left corner + size).
        dataset: Which dataset's keypoints to predict, i.e. which head and MoE expert serve
            the boxes; one of ``model.datasets`` (or an alias such as ``'ochuman'``).
            Default: ``model.datasets[0]``.
        batch_size: Boxes per forward pass.

    Returns:
        One dict per box, in input order: ``keypoints`` (K, 2) image pixels (x, y),
        ``keypoint_scores`` (K,), ``bbox`` (4,) the box as xyxy, ``dataset`` the name.

    Raises:
        ValueError: Unknown dataset, malformed boxes or image.
        FileNotFoundError: Missing image file.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    cfg = getattr(model, 'cfg', None)
    if cfg is None:
        raise ValueError('model has no `cfg` attribute; build it with mmpose.apis.init_model')
    name = _resolve_dataset(model, dataset)
    image = cv2.cvtColor(_read_image(img), cv2.COLOR_BGR2RGB)
    boxes = _boxes_xywh(bboxes, bbox_format, image.shape)
    if not len(boxes):
        return []
    if model.training:
        logger.warning('inference_topdown: the model is in training mode; call model.eval()')
    ds_cfg = _find_dataset_cfg(cfg, name)
    input_size = _input_size(cfg, ds_cfg)
    centers, scales = bbox_xywh2cs(boxes, input_size[0] / input_size[1], _bbox_padding(ds_cfg))
    # the test pipeline after loading (the image is decoded once, above)
    warp = TopdownAffine(input_size, use_udp=bool(model.test_cfg['use_udp']))
    pack = PackPoseInputs()
    flip_indices = get_metainfo(name).flip_indices
    xyxy = np.concatenate([boxes[:, :2], boxes[:, :2] + boxes[:, 2:]], axis=1).astype(np.float32)
    results = []
    for start in range(0, len(boxes), batch_size):
        items = []
        for i in range(start, min(start + batch_size, len(boxes))):
            sample = dict(img=image, img_shape=image.shape[:2], center=centers[i],
                          scale=scales[i], bbox=boxes[i].astype(np.float32), bbox_id=i,
                          img_id=0, bbox_score=1.0, dataset_name=name, flip_indices=flip_indices)
            items.append(pack(warp(sample)))
        with torch.no_grad():
            preds = model.test_step(pose_collate(items))
        for i, pred in enumerate(preds, start=start):
            results.append(dict(keypoints=np.asarray(pred['pred_keypoints'], np.float32),
                                keypoint_scores=np.asarray(pred['pred_scores'], np.float32),
                                bbox=xyxy[i], dataset=name))
    return results
