"""Keypoint prototype head of PoseBH (Jeong et al., CVPR 2025), as a plug-in of the estimator.

A small deconvolution network maps backbone features to a per-pixel embedding. A bank of unit
prototypes (M per keypoint type of every dataset, addressed by *global* type index: dataset d
owns rows ``offset_d .. offset_d + K_d - 1`` in ``datasets`` order) turns embeddings into
"prototype heatmaps" for all types at once. Training only: the losses teach the embedding, via
the prototypes, a label space shared across datasets; optionally CSS (pseudo labels where head
and prototypes agree, :mod:`.css`) and CPS (clustered prototypes, :mod:`.cps`) are added.

(Slightly over 400 lines: the constructor takes every PoseBH hyper-parameter explicitly, as
config keys, instead of an untyped ``extra`` dict.)
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from itertools import accumulate

import torch
from mmengine.logging import print_log
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpose.registry import MODELS

from .cps import Clusters, broadcast_clusters, cluster_prototypes
from .css import make_pseudo_targets, select_pseudo_joints
from .heatmap_head import HeatmapHead
from .kpt_prototype import KptPrototype

_ACTIVATIONS = {'silu': nn.SiLU, 'relu': nn.ReLU}
_NECKS = ('res', 'conv')


class _ResBlock(nn.Module):
    """``act(bn2(conv2(act(bn1(conv1 x)))) + downsample(x))``, PoseBH's ``neck_type='res'``."""

    def __init__(self, in_channels: int, channels: int, act: type[nn.Module]) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, 1, 1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = nn.Sequential(nn.Conv2d(in_channels, channels, 1, bias=False),
                                        nn.BatchNorm2d(channels))
        self.act = act()

    def forward(self, x: Tensor) -> Tensor:
        out = self.bn2(self.conv2(self.act(self.bn1(self.conv1(x)))))
        return self.act(out + self.downsample(x))


def _sample_pixels(emb: Tensor, heatmaps: Tensor, thr: float) -> tuple[Tensor, Tensor, Tensor]:
    """Pixels where the strongest target exceeds ``thr`` (PoseBH ``hm_sample``).

    Args:
        emb: Embeddings (N, D, H, W).
        heatmaps: Targets (N, K, H, W).

    Returns:
        Embeddings (n, D), class = argmax target (n,), confidence = max target (n,).
    """
    emb = emb.permute(0, 2, 3, 1).reshape(-1, emb.shape[1])
    conf, label = heatmaps.permute(0, 2, 3, 1).reshape(-1, heatmaps.shape[1]).max(dim=1)
    keep = conf > thr
    return emb[keep], label[keep], conf[keep]


@MODELS.register_module()
class KptProtoHead(BaseModule):
    """Embedding head + keypoint prototypes; PoseBH's ``KptProtoHead`` with its intended fixes.

    State-dict keys equal PoseBH's (``deconv_layers``, ``neck``, ``head``,
    ``kpt_prototype.prototypes`` (K_tot, M, D), ``cluster_prototype.prototypes`` (Kc, M, D)) plus
    ``cluster_keypoint`` (Kc,): the keypoint type of each cluster (-1 until clusters are built),
    which PoseBH did not save. Version 2; PoseBH files load with CPS off (clusters not built), and
    the cluster bank is resized to the file's Kc.

    Args:
        in_channels: Backbone channels C.
        datasets: Dataset names, in the order of their prototype rows (injected by the estimator).
        num_keypoints: Keypoint count of each dataset, same order (injected).
        out_channels: Embedding dimension D (PoseBH ``out_channels``/``extra.channels``: 64).
        channels: Width of the neck and head convs (PoseBH ``extra.channels``: 64).
        num_deconv_layers: Deconv stages (2; 16x12 -> 64x48).
        num_deconv_filters: Their widths.
        num_deconv_kernels: Their kernels.
        head_kernel: Kernel of the head's first conv (3).
        activation: ``'silu'`` or ``'relu'`` in neck and head.
        neck_type: ``'res'`` (one residual block) or ``'conv'`` (conv-BN-act).
        num_in_class_proto: Prototypes per keypoint type M (3).
        gamma: Prototype momentum (0.999).
        hard_cluster: Count sampled pixels equally instead of by target value (transfer: True).
        cluster_conf_thr: Pixels are sampled where the target exceeds it (MDT 0, transfer 0.2).
        phm_loss_weight: Weight of the prototype-heatmap MSE (MDT 3.33e-6, transfer 1.25e-5).
        loss_proto: ``PixelPrototypeCELoss`` config.
        cps_weight: Weight of the CPS loss (1e-2).
        cp_size: Size of the cluster bank placeholder; 0 disables CPS (MDT 96).
        css_weight: Weight of the CSS loss; 0 disables CSS (MDT 1e-3, transfer 0).
        css_conf_thr: Confidence both heatmaps need for a pseudo label (0.25).
        css_update_weight: Scales the prototype step of CSS pixels (3.13e-9; PoseBH stored it
            but never applied it, see docs/posebh_differences.md).
        css_match_dist: Largest head/prototype peak distance in heatmap pixels (2.1).
        init_cfg: mmengine init config, applied after the default init.
    """

    _version = 2

    def __init__(self,
                 in_channels: int,
                 datasets: Sequence[str],
                 num_keypoints: Sequence[int],
                 out_channels: int = 64,
                 channels: int = 64,
                 num_deconv_layers: int = 2,
                 num_deconv_filters: Sequence[int] = (256, 256),
                 num_deconv_kernels: Sequence[int] = (4, 4),
                 head_kernel: int = 3,
                 activation: str = 'silu',
                 neck_type: str = 'res',
                 num_in_class_proto: int = 3,
                 gamma: float = 0.999,
                 hard_cluster: bool = False,
                 cluster_conf_thr: float = 0.,
                 phm_loss_weight: float = 3.33e-6,
                 loss_proto: dict | None = None,
                 cps_weight: float = 1e-2,
                 cp_size: int = 96,
                 css_weight: float = 1e-3,
                 css_conf_thr: float = 0.25,
                 css_update_weight: float = 3.13e-9,
                 css_match_dist: float = 2.1,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self._check_args(datasets, num_keypoints, activation, neck_type, head_kernel)
        self.datasets = tuple(datasets)
        self.num_keypoints = dict(zip(self.datasets, (int(k) for k in num_keypoints)))
        starts = list(accumulate((int(k) for k in num_keypoints), initial=0))
        self.offsets = dict(zip(self.datasets, starts))  # global index of each dataset's first type
        act = _ACTIVATIONS[activation]
        self.deconv_layers = HeatmapHead._make_deconv_layers(
            in_channels, num_deconv_layers, tuple(num_deconv_filters), tuple(num_deconv_kernels))
        neck_in = num_deconv_filters[-1] if num_deconv_layers else in_channels
        self.neck = (_ResBlock(neck_in, channels, act) if neck_type == 'res' else
                     nn.Sequential(nn.Conv2d(neck_in, channels, 3, 1, 1),
                                   nn.BatchNorm2d(channels), act()))
        self.head = nn.Sequential(
            nn.Conv2d(channels, channels, head_kernel, 1, head_kernel // 2),
            nn.BatchNorm2d(channels), act(), nn.Conv2d(channels, out_channels, 1))
        self.kpt_prototype = KptPrototype(starts[-1], num_in_class_proto, out_channels, gamma,
                                          hard_cluster)
        self.cluster_prototype = None
        if cp_size > 0:
            self.cluster_prototype = KptPrototype(cp_size, num_in_class_proto, out_channels)
            self.register_buffer('cluster_keypoint', torch.full((cp_size,), -1))
            self.register_load_state_dict_pre_hook(_adapt_on_load)
        self.loss_proto = MODELS.build(loss_proto or dict(type='PixelPrototypeCELoss'))
        self.mse = MODELS.build(dict(type='JointsMSELoss', use_target_weight=True))
        self.cluster_conf_thr = cluster_conf_thr
        self.phm_loss_weight = phm_loss_weight
        self.cps_weight = cps_weight
        self.css_weight = css_weight
        self.css_conf_thr = css_conf_thr
        self.css_update_weight = css_update_weight
        self.css_match_dist = css_match_dist
        # Training-stage switches, set every epoch by ProtoScheduleHook (derived from the epoch).
        self.bank_frozen = False
        self.css_enabled = False
        self.clusters_built = False  # follows the cluster_keypoint buffer (build / load)

    @staticmethod
    def _check_args(datasets, num_keypoints, activation, neck_type, head_kernel) -> None:
        if isinstance(datasets, str) or len(datasets) != len(num_keypoints) or not datasets:
            raise ValueError(f'datasets {datasets!r} and num_keypoints {num_keypoints!r} must be '
                             'non-empty sequences of the same length')
        if len(set(datasets)) != len(datasets):
            raise ValueError(f'dataset names must be unique, got {datasets!r}')
        if activation not in _ACTIVATIONS:
            raise ValueError(f'activation {activation!r} not in {sorted(_ACTIVATIONS)}')
        if neck_type not in _NECKS:
            raise ValueError(f'neck_type {neck_type!r} not in {_NECKS} (PoseBH "res2" is not '
                             'ported: no config uses it)')
        if head_kernel not in (1, 3):
            raise ValueError(f'head_kernel must be 1 or 3, got {head_kernel}')

    # ---- weights and stage switches ---------------------------------------------------------
    def init_weights(self) -> None:
        """PoseBH init: convs/deconvs N(0, 0.001), biases 0, BN (1, 0); fresh prototypes."""
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                nn.init.normal_(m.weight, std=0.001)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        self.init_prototypes()
        if self.init_cfg:
            super().init_weights()
        self._is_init = True

    def init_prototypes(self) -> None:
        """Re-draw the keypoint bank and forget any clusters."""
        self.kpt_prototype.reset_parameters()
        if self.cluster_prototype is not None:
            self.cluster_prototype.reset_parameters()
            self.cluster_keypoint.fill_(-1)
        self.clusters_built = False

    def set_bank_frozen(self, frozen: bool) -> None:
        """Stop (True) or resume (False) the momentum updates of the keypoint bank."""
        self.bank_frozen = bool(frozen)

    def set_css_enabled(self, enabled: bool) -> None:
        """Switch cross-type self-supervision on or off (no effect when ``css_weight`` is 0)."""
        self.css_enabled = bool(enabled)

    def build_clusters(self, cluster_options: Sequence[int], cluster_iter: int = 500,
                       beta: float = 20.) -> Clusters:
        """Cluster the keypoint bank and switch CPS on (see :func:`.cps.cluster_prototypes`).

        The result lives in buffers (``cluster_prototype.prototypes``, ``cluster_keypoint``), so
        checkpoints carry it. Under torch.distributed, rank 0's clusters are broadcast.
        """
        if self.cluster_prototype is None:
            raise ValueError('this KptProtoHead has no cluster bank (cp_size=0); set cp_size > 0 '
                             'to use clustered prototype supervision')
        clusters = broadcast_clusters(cluster_prototypes(
            self.kpt_prototype.prototypes, cluster_options, cluster_iter, beta))
        self.cluster_prototype.assign(clusters.members)
        self.cluster_keypoint = clusters.keypoint.to(self.cluster_keypoint)
        self.clusters_built = True
        return clusters

    def adapt_state_dict(self, state_dict: dict, prefix: str = '') -> None:
        """Prepare this head for loading ``state_dict`` (modified in place).

        Resizes the cluster buffers to the file's Kc (the ``cp_size`` placeholder may differ) and
        gives PoseBH files, which have no ``cluster_keypoint``, one of -1 (CPS stays off until
        clusters are built). ``load_state_dict`` calls it through a pre-hook; loaders that compare
        shapes before loading (``mmpose.checkpoint.load_state_dict_checked``) should call it first.

        Args:
            state_dict: Whole-model or head weights.
            prefix: Key prefix of this head in ``state_dict``, e.g. ``'proto_head.'``.
        """
        bank = state_dict.get(prefix + 'cluster_prototype.prototypes')
        if self.cluster_prototype is None or bank is None:
            return  # strict loading reports missing / unexpected keys
        key = prefix + 'cluster_keypoint'
        if key not in state_dict:
            print_log(f'{key} not in the weights (PoseBH layout): clustered prototype '
                      'supervision starts when clusters are built', logger='current',
                      level=logging.INFO)
            state_dict[key] = torch.full((len(bank),), -1)
        keypoint = state_dict[key]
        if keypoint.shape != bank.shape[:1]:
            raise ValueError(f'{key} {tuple(keypoint.shape)} does not match '
                             f'{prefix}cluster_prototype.prototypes {tuple(bank.shape)}')
        current = self.cluster_prototype.prototypes
        if len(bank) != len(current):
            self.cluster_prototype.prototypes = current.new_empty((len(bank), *current.shape[1:]))
            self.cluster_keypoint = self.cluster_keypoint.new_empty(len(bank))
        self.clusters_built = bool(len(keypoint)) and bool((keypoint >= 0).all())

    # ---- forward ----------------------------------------------------------------------------
    def forward(self, feats: Tensor) -> Tensor:
        """Args:
            feats: Backbone features (B, C, Hp, Wp).

        Returns:
            Pixel embeddings (B, D, H, W), not normalised.
        """
        return self.head(self.neck(self.deconv_layers(feats)))

    @staticmethod
    def _heatmaps(emb: Tensor, bank: KptPrototype) -> Tensor:
        b, d, h, w = emb.shape
        hm = bank.heatmap(emb.permute(0, 2, 3, 1).reshape(-1, d))
        return hm.view(b, h, w, -1).permute(0, 3, 1, 2)

    def prototype_heatmaps(self, emb: Tensor, dataset: str | None = None) -> Tensor:
        """Prototype heatmaps (for visualisation), (B, K, H, W).

        Args:
            emb: Embeddings (B, D, H, W) from :meth:`forward`.
            dataset: Restrict to this dataset's keypoint types; all types when None.
        """
        hm = self._heatmaps(emb, self.kpt_prototype)
        if dataset is None:
            return hm
        if dataset not in self.offsets:
            raise KeyError(f'unknown dataset {dataset!r}; valid: {self.datasets}')
        start = self.offsets[dataset]
        return hm[:, start:start + self.num_keypoints[dataset]]

    # ---- losses -----------------------------------------------------------------------------
    def loss(self, feats: Tensor, names: Sequence[str], targets: dict, preds: dict,
             heads: nn.ModuleDict) -> dict[str, Tensor]:
        """Prototype losses of one batch; updates the bank unless frozen.

        Args:
            feats: Backbone features (B, C, Hp, Wp).
            names: Dataset serving each sample (B,), one of ``datasets``.
            targets: Per present dataset (or alias of one): ``index`` (n,) into the batch,
                ``heatmaps`` (n, K, H, W), ``keypoint_weights`` (n, K).
            preds: Per present dataset, its head's heatmaps on its samples (unused: kept for the
                estimator's interface).
            heads: Heatmap head of every dataset (CSS runs them on foreign samples).

        Returns:
            ``proto_loss``, ``phm_loss`` and, when active, ``cps_loss`` and ``css_loss``; all
            tensors connected to the graph (zero when nothing applies).
        """
        # The embedding follows the ambient precision (PoseBH: autocast); losses are fp32
        # (similarities and pseudo-label refinement disable autocast internally).
        emb = self.forward(feats).float()
        phm = self._heatmaps(emb, self.kpt_prototype)
        groups = self._group(names, targets)
        proto, phm_raw = self._proto_losses(emb, phm, groups)
        losses = dict(proto_loss=proto, phm_loss=self.phm_loss_weight * phm_raw)
        if self.clusters_built and self.cps_weight > 0:
            losses['cps_loss'] = self.cps_weight * self._cps_loss(emb, groups)
        if self.css_enabled and self.css_weight > 0:
            losses['css_loss'] = self.css_weight * self._css_loss(emb, phm, feats, names, heads)
        if not self.bank_frozen:
            self.kpt_prototype.sync()
        return losses

    def _group(self, names: Sequence[str], targets: dict) -> list[tuple[str, dict]]:
        """(serving dataset, targets) pairs in ``datasets`` order (a target's key may be an
        alias; its samples say which dataset serves them)."""
        pairs = [(names[int(t['index'][0])], t) for t in targets.values() if len(t['index'])]
        return sorted(pairs, key=lambda pair: self.datasets.index(pair[0]))

    def _proto_losses(self, emb: Tensor, phm: Tensor,
                      groups: list[tuple[str, dict]]) -> tuple[Tensor, Tensor]:
        """PPC/PPD on GT pixels (updating the bank) and the phm MSE, summed over datasets."""
        proto = phm_raw = emb.sum() * 0.
        for name, t in groups:  # fixed order: each dataset sees the previous updates
            start, k = self.offsets[name], self.num_keypoints[name]
            e, c, v = _sample_pixels(emb[t['index']], t['heatmaps'], self.cluster_conf_thr)
            if not len(c):  # nothing visible: PoseBH skips the dataset, phm term included
                continue
            logits, target = self.kpt_prototype.learn(e, c + start, v, start, k,
                                                      update=not self.bank_frozen)
            proto = proto + self.loss_proto(logits, target)
            phm_raw = phm_raw + self.mse(phm[t['index'], start:start + k],
                                         t['heatmaps'].float(), t['keypoint_weights'])
        return proto, phm_raw

    def _cps_loss(self, emb: Tensor, groups: list[tuple[str, dict]]) -> Tensor:
        """Clustered prototype supervision with GT copied onto each keypoint's clusters."""
        b, _, h, w = emb.shape
        bank = self.cluster_prototype
        cphm = self._heatmaps(emb, bank)                                   # (B, Kc, H, W)
        cst_t = emb.new_zeros(b, bank.num_types, h, w)
        cst_w = emb.new_zeros(b, bank.num_types)
        for name, t in groups:
            start = self.offsets[name]
            clusters = torch.nonzero((self.cluster_keypoint >= start) & (
                self.cluster_keypoint < start + self.num_keypoints[name]))[:, 0]
            kpts = self.cluster_keypoint[clusters] - start
            rows = t['index'][:, None]
            cst_t[rows, clusters] = t['heatmaps'][:, kpts].float()  # rows in batch order
            cst_w[rows, clusters] = t['keypoint_weights'][:, kpts].float()
        e, c, v = _sample_pixels(emb, cst_t, self.cluster_conf_thr)
        pc = emb.sum() * 0.
        if len(c):
            pc = self.loss_proto(*bank.learn(e, c, v, 0, bank.num_types, update=False))
        return pc + self.phm_loss_weight * self.mse(cphm, cst_t, cst_w)

    def _css_loss(self, emb: Tensor, phm: Tensor, feats: Tensor, names: Sequence[str],
                  heads: nn.ModuleDict) -> Tensor:
        """Cross-type self-supervision: pseudo labels of each dataset's types on foreign images.

        Unweighted sum over datasets of head MSE + phm MSE + prototype loss.
        """
        total = emb.sum() * 0.
        for name in self.datasets:
            foreign = [i for i, n in enumerate(names) if n != name]
            if not foreign:
                continue
            idx = torch.tensor(foreign, device=emb.device)
            start, k = self.offsets[name], self.num_keypoints[name]
            head_hm = heads[name](feats.index_select(0, idx)).float()
            total = total + head_hm.sum() * 0.  # same graph on every rank, whatever is selected
            proto_hm = phm[idx, start:start + k]
            valid = select_pseudo_joints(head_hm.detach(), proto_hm.detach(), self.css_conf_thr,
                                         self.css_match_dist)
            inst = valid.any(dim=1)
            if not bool(inst.any()):
                continue
            head_hm, proto_hm, valid = head_hm[inst], proto_hm[inst], valid[inst]
            tgt, weight = make_pseudo_targets(head_hm.detach(), proto_hm.detach(), valid)
            e, c, v = _sample_pixels(emb[idx[inst]], tgt * weight[..., None, None],
                                     self.cluster_conf_thr)
            if not len(c):  # PoseBH drops the dataset's whole CSS term then
                continue
            logits, target = self.kpt_prototype.learn(
                e, c + start, v, start, k, update=not self.bank_frozen,
                update_weight=self.css_update_weight)
            total = total + self.mse(head_hm, tgt, weight) + self.loss_proto(logits, target) \
                + self.phm_loss_weight * self.mse(proto_hm, tgt, weight)
        return total



def _adapt_on_load(module: KptProtoHead, state_dict: dict, prefix: str, *args) -> None:
    module.adapt_state_dict(state_dict, prefix)
