"""The top-down estimator: one backbone (plain or MoE), one heatmap head per dataset.

Datasets are addressed by name everywhere: ``heads`` is a ``ModuleDict`` keyed by dataset name,
``dataset_to_expert`` maps a name to its MoE expert, targets arrive grouped by name. Each head
runs only on the samples of its dataset. ViTPose (one dataset, plain ViT) and ViTPose+
(several datasets, MoE FFN) are the same class with different arguments.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch
from mmengine.logging import print_log
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmpose.codecs import MSRAHeatmap, UDPHeatmap
from mmpose.codecs.torch_decode import decode_udp
from mmpose.registry import MODELS
from mmpose.structures import flip_heatmaps, transform_preds

_TEST_CFG_DEFAULTS = dict(flip_test=True, shift_heatmap=False, use_udp=False,
                          post_process='default', modulate_kernel=11,
                          target_type='GaussianHeatmap', amp_dtype=None)
_AMP_DTYPES = {None: None, 'bfloat16': torch.bfloat16, 'float16': torch.float16}
_LOSS_NORMS = ('batch_share', 'dataset_mean')
_PASS_KEYS = ('img_id', 'bbox_id', 'bbox_score', 'area', 'center', 'scale', 'category_id',
              'dataset_name', 'img_path', 'id', 'bbox', 'gt_keypoints', 'gt_keypoints_visible')


def _check_keys(cfg: dict | None, allowed: dict, what: str) -> dict:
    cfg = dict(cfg or {})
    unknown = set(cfg) - set(allowed)
    if unknown:
        raise ValueError(f'{what}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}')
    return {**allowed, **cfg}


@MODELS.register_module()
class MultiDatasetTopdown(BaseModel):
    """Top-down heatmap pose estimator over one or several named datasets.

    Args:
        backbone: Backbone config (``ViT`` or ``ViTMoE``).
        keypoint_head: Head config shared by every dataset; each dataset's head gets
            ``out_channels`` = its keypoint count.
        datasets: Dataset names served by this model, e.g. ``('coco', 'aic')``.
        num_keypoints: Keypoint count per dataset; looked up from the dataset metainfo by
            name when omitted.
        dataset_to_expert: MoE expert of each dataset (required with an MoE backbone).
        loss: Heatmap loss config.
        loss_normalization: ``'batch_share'`` (default): each dataset's mean loss is scaled by
            its share of the batch, which is the effective weighting of ViTPose+ (its masked
            loss averages over the whole batch); ``'dataset_mean'``: plain per-dataset means.
        proto_head: Optional keypoint-prototype head (PoseBH). It receives the dataset names and
            keypoint counts (in ``datasets`` order) and adds its losses in training; it is not
            used for prediction.
        dataset_aliases: ``{dataset: served_by}``: samples of ``dataset`` use the expert and
            head of ``served_by`` (e.g. ``{'ochuman': 'coco'}`` to test a COCO model on
            OCHuman, which shares COCO's keypoints).
        transfer_head: ``multihead_pretrained`` is a single-dataset model of *other* keypoints
            (transfer learning): its head initialises this model's head except the final
            layer, and its prototype banks (if any) are not loaded.
        routing: ``'grouped'`` (default): each expert and each head computes only on its own
            samples; ``'dense'``: the original's formulation (every expert and every head on the
            whole batch, results masked), kept for benchmarks and equivalence tests.
        channels_last: Run the heatmap heads (deconvolutions) in channels-last memory format;
            the ViT hands its tokens over as a channels-last view, without a transpose copy.
        compile_backbone: ``torch.compile`` the backbone in place (parameter names unchanged);
            a dict gives ``torch.compile`` options, e.g. ``dict(mode='max-autotune')``.
        train_cfg: Unused; kept for config compatibility (must be empty).
        test_cfg: ``flip_test``, ``shift_heatmap``, ``use_udp``, ``post_process``
            (``'default'``, ``'unbiased'`` or None), ``modulate_kernel``, ``target_type``,
            ``amp_dtype`` (None, ``'bfloat16'`` or ``'float16'``: run the network under
            autocast for prediction; decoding stays fp32).
        pretrained: Backbone weights (MAE / ViT / ViTPose checkpoints) loaded by
            :meth:`init_weights`.
        multihead_pretrained: Whole-model weights (ViTPose / ViTPose+ / PoseBH checkpoints)
            loaded by :meth:`init_weights`, strictly.
        data_preprocessor: Data preprocessor config.
    """

    def __init__(self,
                 backbone: dict,
                 keypoint_head: dict,
                 datasets: Sequence[str] = ('coco',),
                 num_keypoints: dict[str, int] | None = None,
                 dataset_to_expert: dict[str, int] | None = None,
                 loss: dict | None = None,
                 loss_normalization: str = 'batch_share',
                 proto_head: dict | None = None,
                 dataset_aliases: dict[str, str] | None = None,
                 transfer_head: bool = False,
                 routing: str = 'grouped',
                 channels_last: bool = False,
                 compile_backbone: bool | dict = False,
                 train_cfg: dict | None = None,
                 test_cfg: dict | None = None,
                 pretrained: str | None = None,
                 multihead_pretrained: str | None = None,
                 data_preprocessor: dict | None = None) -> None:
        # built from this package's registry (BaseModel would look in mmengine's root only)
        super().__init__(data_preprocessor=MODELS.build(
            data_preprocessor or dict(type='PoseDataPreprocessor')))
        if isinstance(datasets, str) or not datasets:
            raise ValueError(f'datasets must be a non-empty sequence of names, got {datasets!r}')
        if loss_normalization not in _LOSS_NORMS:
            raise ValueError(f'loss_normalization must be one of {_LOSS_NORMS}, '
                             f'got {loss_normalization!r}')
        _check_keys(train_cfg, {}, 'model.train_cfg')
        self.test_cfg = _check_keys(test_cfg, _TEST_CFG_DEFAULTS, 'model.test_cfg')
        if self.test_cfg['amp_dtype'] not in _AMP_DTYPES:
            raise ValueError(f"model.test_cfg.amp_dtype must be one of {list(_AMP_DTYPES)}, got "
                             f"{self.test_cfg['amp_dtype']!r}")
        self.datasets = tuple(datasets)
        self.dataset_aliases = dict(dataset_aliases or {})
        bad = {a: b for a, b in self.dataset_aliases.items() if b not in self.datasets}
        if bad:
            raise ValueError(f'dataset_aliases must point at served datasets {self.datasets}; '
                             f'got {bad}')
        self.transfer_head = transfer_head
        if routing not in ('grouped', 'dense'):
            raise ValueError(f"routing must be 'grouped' or 'dense', got {routing!r}")
        self.routing = routing
        self.num_keypoints = self._resolve_num_keypoints(num_keypoints)
        self.dataset_to_expert = self._resolve_experts(backbone, dataset_to_expert)
        self.backbone = MODELS.build(dict(backbone, channels_last=True) if channels_last
                                     else backbone)
        self.heads = nn.ModuleDict({
            name: MODELS.build(self._head_cfg(keypoint_head, name)) for name in self.datasets})
        if channels_last:
            self.heads.to(memory_format=torch.channels_last)
        self.proto_head = None
        if proto_head is not None:
            self.proto_head = MODELS.build(dict(
                proto_head, datasets=self.datasets,
                num_keypoints=[self.num_keypoints[n] for n in self.datasets]))
        for module in self.backbone.modules():
            if hasattr(module, 'dense'):  # MoE FFN layers
                module.dense = routing == 'dense'
        self.loss_module = MODELS.build(loss or dict(type='JointsMSELoss', use_target_weight=True))
        self.loss_normalization = loss_normalization
        self.pretrained = pretrained
        self.multihead_pretrained = multihead_pretrained
        self._decoder = (UDPHeatmap if self.test_cfg['use_udp'] else MSRAHeatmap)(
            **self._decoder_args())
        if compile_backbone:
            self.backbone.compile(**(compile_backbone if isinstance(compile_backbone, dict)
                                     else {}))

    # ---- construction helpers -----------------------------------------------------------
    def _resolve_num_keypoints(self, given: dict[str, int] | None) -> dict[str, int]:
        given = dict(given or {})
        extra = set(given) - set(self.datasets)
        if extra:
            raise ValueError(f'num_keypoints names datasets {sorted(extra)} that are not in '
                             f'datasets={self.datasets}')
        if len(given) < len(self.datasets):
            from mmpose.datasets.metainfo import get_metainfo  # wiring only; heads stay decoupled
            for name in self.datasets:
                given.setdefault(name, get_metainfo(name).num_keypoints)
        return {name: int(given[name]) for name in self.datasets}

    def _resolve_experts(self, backbone: dict, mapping: dict[str, int] | None) -> dict | None:
        is_moe = backbone.get('type') in ('ViTMoE',) or 'num_expert' in backbone
        if not is_moe:
            if mapping:
                raise ValueError('dataset_to_expert is given but the backbone has no experts')
            return None
        num_expert = backbone.get('num_expert', 1)
        mapping = dict(mapping) if mapping else {n: i for i, n in enumerate(self.datasets)}
        missing = [n for n in self.datasets if n not in mapping]
        bad = {n: e for n, e in mapping.items() if not 0 <= e < num_expert}
        if missing or bad:
            raise ValueError(f'dataset_to_expert must map every dataset in {self.datasets} to an '
                             f'expert in [0, {num_expert}); missing {missing}, out of range {bad}')
        return mapping

    def _head_cfg(self, template: dict, name: str) -> dict:
        cfg = dict(template)
        k = self.num_keypoints[name]
        if cfg.get('out_channels', k) != k:
            raise ValueError(f"keypoint_head.out_channels={cfg['out_channels']} but dataset "
                             f'{name!r} has {k} keypoints; leave out_channels unset')
        cfg['out_channels'] = k
        return cfg

    def _decoder_args(self) -> dict:
        cfg = self.test_cfg
        args = dict(input_size=(192, 256), heatmap_size=(48, 64),
                    blur_kernel_size=cfg['modulate_kernel'])
        if not cfg['use_udp']:
            args.update(post_process=cfg['post_process'],
                        unbiased=cfg['post_process'] == 'unbiased')
        return args

    # ---- weights ----------------------------------------------------------------------------
    def init_weights(self) -> None:
        """Random init, then ``pretrained`` (backbone) and ``multihead_pretrained`` (model)."""
        from mmpose.checkpoint import load_backbone_weights, load_model_weights
        self.backbone.init_weights()
        for head in self.heads.values():
            head.init_weights()
        if self.proto_head is not None:
            self.proto_head.init_weights()
        if self.pretrained:
            load_backbone_weights(self.backbone, self.pretrained)
        if self.multihead_pretrained:
            load_model_weights(self, self.multihead_pretrained, transfer=self.transfer_head)

    def train_step(self, data: dict, optim_wrapper) -> dict:
        """mmengine's step, refusing to apply a non-finite loss: the run stops with the loss
        values and the batch's image files, before any weight is touched."""
        with optim_wrapper.optim_context(self):
            data = self.data_preprocessor(data, True)
            losses = self._run_forward(data, mode='loss')
        parsed, log_vars = self.parse_losses(losses)
        if not torch.isfinite(parsed):
            values = {k: float(v.detach().float().mean()) for k, v in losses.items()}
            files = sorted({s.get('img_path', '?') for s in data['data_samples']})
            raise FloatingPointError(f'non-finite training loss {values}; batch images: '
                                     f'{files[:8]}{" ..." if len(files) > 8 else ""}')
        optim_wrapper.update_params(parsed)
        return log_vars

    # ---- forward ----------------------------------------------------------------------------
    def _serving(self, data_samples: Sequence[dict]) -> list[str]:
        """The dataset whose head/expert serves each sample."""
        return [self.dataset_aliases.get(s['dataset_name'], s['dataset_name'])
                for s in data_samples]

    def _expert_idx(self, names: Sequence[str], device: torch.device) -> Tensor | None:
        unknown = sorted(set(names) - set(self.datasets))
        if unknown:
            raise KeyError(f'samples of datasets {unknown} reached a model that serves '
                           f'{self.datasets}; add them to model.datasets')
        if self.dataset_to_expert is None:
            return None
        return torch.tensor([self.dataset_to_expert[n] for n in names], dtype=torch.long,
                            device=device)

    def forward(self, inputs: Tensor, data_samples: list[dict] | None = None,
                targets: dict | None = None, mode: str = 'tensor'):
        """Args:
            inputs: Normalised images (B, 3, H, W).
            data_samples: One metadata dict per image (``dataset_name`` at least).
            targets: Heatmap targets grouped by dataset (see ``pose_collate``).
            mode: ``'loss'``, ``'predict'`` or ``'tensor'`` (heatmaps per dataset).
        """
        if data_samples is None:
            data_samples = [dict(dataset_name=self.datasets[0])] * len(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples, targets)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            names = self._serving(data_samples)
            feats = self.backbone(inputs, self._expert_idx(names, inputs.device))
            return {n: self.heads[n](feats[self._positions(names, n, feats.device)])
                    for n in dict.fromkeys(names)}
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got {mode!r}")

    @staticmethod
    def _positions(names: Sequence[str], name: str, device: torch.device) -> Tensor:
        return torch.tensor([i for i, n in enumerate(names) if n == name], dtype=torch.long,
                            device=device)

    def loss(self, inputs: Tensor, data_samples: list[dict], targets: dict) -> dict:
        """Per-dataset heatmap losses ``loss_<name>`` (normalisation: see the class doc)."""
        if not targets:
            raise ValueError('training batch has no targets; is GenerateTarget in the pipeline?')
        names = self._serving(data_samples)
        feats = self.backbone(inputs, self._expert_idx(names, inputs.device))
        batch = len(names)
        if self.routing == 'dense':
            losses = self._dense_loss(feats, targets, batch)
            if self.proto_head is not None:
                preds = {n: self.heads[n](feats.index_select(0, t['index']))
                         for n, t in targets.items()}
                losses.update(self.proto_head.loss(feats, names, targets, preds, self.heads))
            return losses
        losses, preds = {}, {}
        for name, t in targets.items():
            head = self.heads[self.dataset_aliases.get(name, name)]
            preds[name] = pred = head(feats.index_select(0, t['index']))
            loss = self.loss_module(pred, t['heatmaps'], t['keypoint_weights'])
            if self.loss_normalization == 'batch_share':
                loss = loss * (len(t['index']) / batch)
            losses[f'loss_{name}'] = loss
        if self.proto_head is not None:
            losses.update(self.proto_head.loss(feats, names, targets, preds, self.heads))
        return losses

    def _dense_loss(self, feats: Tensor, targets: dict, batch: int) -> dict:
        """The original formulation: every head on the whole batch, targets zero-padded and
        masked (equals ``'batch_share'`` normalisation of the grouped path)."""
        losses = {}
        for name in self.datasets:
            pred = self.heads[name](feats)
            target = pred.new_zeros(pred.shape)
            weight = pred.new_zeros(pred.shape[:2])
            if name in targets:
                t = targets[name]
                target[t['index']] = t['heatmaps']
                weight[t['index']] = t['keypoint_weights']
            losses[f'loss_{name}'] = self.loss_module(pred, target, weight)
        return losses

    @torch.no_grad()
    def predict(self, inputs: Tensor, data_samples: list[dict]) -> list[dict]:
        """Keypoints in image pixels for every box, with the flip test done in one forward.

        Returns:
            One dict per sample: ``pred_keypoints`` (K, 2), ``pred_scores`` (K,) and the sample's
            box metadata (``img_id``, ``bbox_id``, ``bbox_score``, ``area``, ...).
        """
        names = self._serving(data_samples)
        batch = len(names)
        flip = self.test_cfg['flip_test']
        expert = self._expert_idx(names, inputs.device)
        x = torch.cat([inputs, inputs.flip(-1)]) if flip else inputs
        if flip and expert is not None:
            expert = torch.cat([expert, expert])
        dtype = _AMP_DTYPES[self.test_cfg['amp_dtype']]
        with torch.autocast(x.device.type, dtype=dtype or torch.float32, enabled=bool(dtype)):
            feats = self.backbone(x, expert)
        results: list[dict | None] = [None] * batch
        for name in dict.fromkeys(names):
            pos = self._positions(names, name, feats.device)
            rows = torch.cat([pos, pos + batch]) if flip else pos
            with torch.autocast(x.device.type, dtype=dtype or torch.float32, enabled=bool(dtype)):
                heatmaps = self.heads[name](feats.index_select(0, rows)).float()
            if flip:
                n = len(pos)
                flip_idx = data_samples[int(pos[0])]['flip_indices']
                flipped = flip_heatmaps(heatmaps[n:], flip_idx,
                                        shift=self.test_cfg['shift_heatmap'])
                heatmaps = (heatmaps[:n] + flipped) * 0.5
            self._decode_into(results, pos.tolist(), heatmaps, data_samples)
        return results

    def _decode_into(self, results: list, pos: list[int], heatmaps: Tensor,
                     data_samples: list[dict]) -> None:
        if self.test_cfg['use_udp'] and heatmaps.device.type != 'cpu':
            # decode on the accelerator; only (N, K, 3) numbers travel to the host
            coords, scores = decode_udp(heatmaps, self.test_cfg['modulate_kernel'])
            coords, scores = coords.cpu().numpy(), scores.cpu().numpy()
        else:  # the numpy codec: the reference implementation
            coords, scores = self._decoder.decode(heatmaps.cpu().numpy())
        centers = np.stack([np.asarray(data_samples[i]['center'], np.float32) for i in pos])
        scales = np.stack([np.asarray(data_samples[i]['scale'], np.float32) for i in pos])
        h, w = heatmaps.shape[-2:]
        coords = transform_preds(coords, centers, scales, (w, h), use_udp=self.test_cfg['use_udp'])
        for j, i in enumerate(pos):
            meta = {k: data_samples[i][k] for k in _PASS_KEYS if k in data_samples[i]}
            results[i] = dict(pred_keypoints=coords[j], pred_scores=scores[j], **meta)


def log_model_summary(model: MultiDatasetTopdown) -> None:
    """One build-time summary: dataset -> keypoints -> expert -> head parameters."""
    lines = []
    for name in model.datasets:
        expert = '-' if model.dataset_to_expert is None else model.dataset_to_expert[name]
        n_head = sum(p.numel() for p in model.heads[name].parameters())
        lines.append(f'  {name:<16} K={model.num_keypoints[name]:<4} expert={expert:<3} '
                     f'head params={n_head:,}')
    n_all = sum(p.numel() for p in model.parameters())
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print_log('model: ' + f'{n_all:,} parameters ({n_train:,} trainable)\n' + '\n'.join(lines),
              logger='current', level=logging.INFO)
