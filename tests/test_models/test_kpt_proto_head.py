"""PoseBH keypoint prototype head: global-index bank updates, DDP sync, loss scales, CSS, CPS,
state-dict layout and round trips."""
import copy
from datetime import timedelta

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from mmengine.runner.checkpoint import load_state_dict as mmengine_load_state_dict
from torch import nn

from mmpose.codecs import UDPHeatmap
from mmpose.codecs._refinement import get_max_preds
from mmpose.codecs._refinement import refine_dark_udp as refine_dark_udp_np
from mmpose.codecs.torch_decode import refine_dark_udp
from mmpose.models.heads import HeatmapHead, KptProtoHead, KptPrototype
from mmpose.models.heads.cps import cluster_prototypes
from mmpose.models.heads.css import (
    make_pseudo_targets,
    render_udp_gaussians,
    select_pseudo_joints,
)
from mmpose.registry import MODELS

NAMES = ('a', 'b', 'c')
KS = (3, 4, 5)              # global rows: a 0..2, b 3..6, c 7..11
H, W, D, C, M = 16, 12, 8, 16, 3


def make_head(**kw) -> KptProtoHead:
    torch.manual_seed(0)
    cfg = dict(type='KptProtoHead', in_channels=C, datasets=NAMES, num_keypoints=KS,
               out_channels=D, channels=8, num_deconv_filters=(8, 8), cp_size=0)
    head = MODELS.build({**cfg, **kw})
    head.init_weights()
    return head


def make_heads() -> nn.ModuleDict:
    torch.manual_seed(1)
    heads = nn.ModuleDict({n: HeatmapHead(C, k, num_deconv_filters=(8, 8))
                           for n, k in zip(NAMES, KS)})
    for h in heads.values():
        nn.init.normal_(h.final_layer.weight, std=0.1)  # non-trivial heatmaps
    return heads


def targets_for(names, joints: dict) -> dict:
    """UDP Gaussian targets; ``joints[name]`` = {local joint: (x, y)} (others invisible)."""
    codec = UDPHeatmap(input_size=(W, H), heatmap_size=(W, H))
    out = {}
    for name in dict.fromkeys(names):
        idx = [i for i, n in enumerate(names) if n == name]
        k = KS[NAMES.index(name)]
        kpts, vis = np.zeros((k, 2)), np.zeros(k)
        for j, xy in joints.get(name, {}).items():
            kpts[j], vis[j] = xy, 1
        enc = codec.encode(kpts, vis)
        out[name] = dict(index=torch.tensor(idx),
                         heatmaps=torch.from_numpy(enc['heatmaps'])[None].repeat(len(idx), 1, 1, 1),
                         keypoint_weights=torch.from_numpy(enc['keypoint_weights'])[None].repeat(
                             len(idx), 1))
    return out


def feats_for(n: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, C, H // 4, W // 4, generator=torch.Generator().manual_seed(seed))


def constant_embedding(head: KptProtoHead, v: torch.Tensor) -> None:
    """Make every pixel's embedding equal to ``v`` (last conv: zero weight, bias v)."""
    with torch.no_grad():
        head.head[3].weight.zero_()
        head.head[3].bias.copy_(v)


def aligned_bank(rows: dict) -> torch.Tensor:
    """A bank orthogonal to e0/e1 except ``rows`` = {global row: axis}, near that axis."""
    g = torch.Generator().manual_seed(3)
    bank = torch.randn(sum(KS), M, D, generator=g)
    bank[..., :2] = 0
    for row, axis in rows.items():
        bank[row] = 0.2 * torch.randn(M, D, generator=g)
        bank[row, :, axis] = 1.
    return F.normalize(bank, dim=-1)


def eye(i: int) -> torch.Tensor:
    return torch.eye(D)[i]


# ---- prototype bank ------------------------------------------------------------------------
@pytest.mark.parametrize('key', ['b', 'b_alias'])  # targets of an alias served by b's head
def test_update_moves_only_the_sampled_types_global_rows(key):
    head = make_head()
    constant_embedding(head, eye(0))
    head.kpt_prototype.prototypes.copy_(aligned_bank({4: 0}))  # dataset b, local joint 1
    before = head.kpt_prototype.prototypes.clone()
    names = ['b', 'b']
    targets = {key: targets_for(names, {'b': {1: (5.3, 7.6)}})['b']}
    head.loss(feats_for(2), names, targets, {}, make_heads())
    after = head.kpt_prototype.prototypes
    moved = (after - before).abs().amax(dim=(1, 2)) > 1e-6  # others: renormalisation only
    assert moved.nonzero()[:, 0].tolist() == [4]  # not row 1 (dataset a's joint 1)
    torch.testing.assert_close(after.norm(dim=-1), torch.ones(sum(KS), M))
    # moved toward the embedding
    assert (after[4] @ eye(0)).min() > (before[4] @ eye(0)).min()


def test_learn_uses_the_label_space_columns_and_freezing_stops_updates():
    bank = KptPrototype(sum(KS), M, D)
    bank.prototypes.copy_(aligned_bank({4: 0}))
    before = bank.prototypes.clone()
    f = eye(0)[None].repeat(5, 1) + 0.01 * torch.randn(5, D)
    labels = torch.full((5,), 4)
    logits, target = bank.learn(f, labels, torch.ones(5), start=3, count=4, update=False)
    sim = (F.normalize(f, dim=-1) @ before.reshape(-1, D).t()).abs()
    torch.testing.assert_close(logits, sim[:, 3 * M:7 * M])
    assert ((target // M) == 1).all()
    assert torch.equal(bank.prototypes, before)


def _sync_worker(rank: int, tmp: str) -> None:
    dist.init_process_group('gloo', init_method=f'file://{tmp}/init', rank=rank, world_size=2,
                            timeout=timedelta(seconds=60))
    head = make_head(cp_size=4)
    head.kpt_prototype.prototypes.copy_(aligned_bank({0: 0, 4: 1}))
    # different data per rank: rank 0 sees dataset a (row 0), rank 1 dataset b (row 4)
    name, axis, joint = ('a', 0, 0) if rank == 0 else ('b', 1, 1)
    constant_embedding(head, eye(axis))
    names = [name] * 2
    targets = targets_for(names, {name: {joint: (4.2, 9.1)}})
    local, heads = copy.deepcopy(head), make_heads()
    torch.manual_seed(5)  # same Gumbel draws in both runs
    emb = local(feats_for(2, rank)).float()
    local._proto_losses(emb, local._heatmaps(emb, local.kpt_prototype), list(targets.items()))
    torch.manual_seed(5)
    head.loss(feats_for(2, rank), names, targets, {}, heads)  # updates, then all-reduces
    head.build_clusters([4], cluster_iter=5)  # from the synced bank, broadcast from rank 0
    torch.save(dict(local=local.kpt_prototype.prototypes, synced=head.kpt_prototype.prototypes,
                    clusters=head.cluster_prototype.prototypes), f'{tmp}/rank{rank}.pt')
    dist.destroy_process_group()


def test_bank_is_identical_across_two_processes(tmp_path):
    mp.spawn(_sync_worker, args=(str(tmp_path),), nprocs=2, join=True)
    r0, r1 = (torch.load(tmp_path / f'rank{r}.pt') for r in (0, 1))
    assert torch.equal(r0['synced'], r1['synced'])
    assert torch.equal(r0['clusters'], r1['clusters'])
    expected = F.normalize((r0['local'] + r1['local']) / 2, dim=-1)
    torch.testing.assert_close(r0['synced'], expected)
    moved = (r0['synced'] - aligned_bank({0: 0, 4: 1})).abs().amax(dim=(1, 2)) > 1e-6
    assert moved.nonzero()[:, 0].tolist() == [0, 4]


# ---- losses --------------------------------------------------------------------------------
def _sinkhorn_reference(out: torch.Tensor) -> torch.Tensor:
    """ProtoSeg ``distributed_sinkhorn`` for one class, (n, M) -> (n, M)."""
    q = torch.exp(out.double() / 0.05).t()
    b, k = q.shape[1], q.shape[0]
    q = q / q.sum()
    for _ in range(3):
        q = q / q.sum(dim=1, keepdim=True) / k
        q = q / q.sum(dim=0, keepdim=True) / b
    return (q * b).t()


def _reference_losses(head, feats, targets):
    emb = head(feats).detach()
    bank = head.kpt_prototype.prototypes.reshape(-1, D)
    proto = phm = 0.
    for name in NAMES:
        if name not in targets:
            continue
        t, start, k = targets[name], head.offsets[name], head.num_keypoints[name]
        e = emb[t['index']].permute(0, 2, 3, 1).reshape(-1, D)
        conf, lab = t['heatmaps'].permute(0, 2, 3, 1).reshape(-1, k).max(dim=1)
        f = F.normalize(e[conf > 0], dim=-1)
        lab = lab[conf > 0]
        sim = (f @ bank.t()).abs()
        logits = sim[:, start * M:(start + k) * M]
        target = torch.empty(len(f), dtype=torch.long)
        for j in lab.unique():
            rows = lab == j
            target[rows] = _sinkhorn_reference(logits[rows][:, j * M:(j + 1) * M]).argmax(1) + M * j
        ce = F.cross_entropy(logits, target)
        ppd = (1 - logits.gather(1, target[:, None])).pow(2).mean()
        proto += 1.25e-5 * (0.01 * ce + 0.001 * ppd)
        all_f = F.normalize(emb[t['index']].permute(0, 2, 3, 1).reshape(-1, D), dim=-1)
        hm = (all_f @ bank.t()).abs().reshape(-1, sum(KS), M).amax(-1).clamp(1e-4, 1 - 1e-4)
        n = len(t['index'])
        hm = hm.reshape(n, H, W, -1).permute(0, 3, 1, 2)[:, start:start + k]
        w = t['keypoint_weights'][..., None, None]
        phm += 3.33e-6 * ((hm - t['heatmaps']) * w).pow(2).mean()
    return proto, phm


def test_loss_values_match_a_hand_computation():
    head = make_head()
    head.set_bank_frozen(True)  # every dataset sees the same bank
    names = ['a', 'b', 'a']
    targets = targets_for(names, {'a': {0: (3.2, 4.1), 2: (8.5, 12.2)}, 'b': {1: (6.0, 6.0)}})
    feats = feats_for(3)
    losses = head.loss(feats, names, targets, {}, make_heads())
    proto, phm = _reference_losses(head, feats, targets)
    assert set(losses) == {'proto_loss', 'phm_loss'}
    torch.testing.assert_close(losses['proto_loss'].detach(), proto.float(), rtol=1e-5, atol=0)
    torch.testing.assert_close(losses['phm_loss'].detach(), phm.float(), rtol=1e-5, atol=0)
    assert 1e-7 < float(losses['proto_loss'].detach()) < 1e-6  # ~1.25e-7 x CE(~log 9)


def test_every_loss_reaches_the_embedding_but_not_the_banks():
    head = make_head(cp_size=6, css_conf_thr=0., css_match_dist=100.)
    head.build_clusters([6], cluster_iter=5)
    head.set_bank_frozen(True)
    head.set_css_enabled(True)
    heads = make_heads()
    names = ['a', 'b', 'c', 'a']
    targets = targets_for(names, {n: {j: (1. + 2 * j, 2. + 3 * j) for j in range(k)}
                                  for n, k in zip(NAMES, KS)})  # every joint: some cluster
    losses = head.loss(feats_for(4), names, targets, {}, heads)
    assert set(losses) == {'proto_loss', 'phm_loss', 'cps_loss', 'css_loss'}
    emb_param = head.head[3].weight
    for key, loss in losses.items():
        assert torch.isfinite(loss) and loss > 0, key
        grad, = torch.autograd.grad(loss, emb_param, retain_graph=True)
        assert grad.abs().sum() > 0, key
    # CSS trains each head on the other datasets' samples
    grads = torch.autograd.grad(losses['css_loss'], [h.final_layer.weight for h in heads.values()],
                                retain_graph=True)
    assert all(g.abs().sum() > 0 for g in grads)
    names_params = {n for n, _ in head.named_parameters()}
    assert not any('prototype' in n for n in names_params)
    assert not head.kpt_prototype.prototypes.requires_grad


def test_nothing_sampled_gives_zero_tensors_that_backpropagate():
    head = make_head(cp_size=6)
    head.build_clusters([6], cluster_iter=5)
    head.set_css_enabled(True)
    names = ['a', 'b']
    losses = head.loss(feats_for(2), names, targets_for(names, {}), {}, make_heads())
    assert set(losses) == {'proto_loss', 'phm_loss', 'cps_loss', 'css_loss'}
    assert all(isinstance(v, torch.Tensor) and v.requires_grad for v in losses.values())
    assert float(losses['proto_loss'].detach()) == 0.
    sum(losses.values()).backward()


def test_cps_targets_follow_batch_order():
    head = make_head(cp_size=6, loss_proto=dict(type='PixelPrototypeCELoss', weight=0.))
    head.build_clusters([6], cluster_iter=5)
    names = ['b', 'a', 'b', 'c']
    targets = targets_for(names, {'a': {0: (3., 4.)}, 'b': {0: (6., 9.), 3: (2., 12.)},
                                  'c': {1: (2., 2.)}})
    feats = feats_for(4)
    loss = head.loss(feats, names, targets, {}, make_heads())['cps_loss']
    emb = head(feats)
    cphm = head._heatmaps(emb, head.cluster_prototype)
    tgt, wgt = torch.zeros_like(cphm), torch.zeros(cphm.shape[:2])
    for i, name in enumerate(names):
        t = targets[name]
        row = t['index'].tolist().index(i)
        for c, g in enumerate(head.cluster_keypoint.tolist()):
            j = g - head.offsets[name]
            if 0 <= j < head.num_keypoints[name]:
                tgt[i, c], wgt[i, c] = t['heatmaps'][row, j], t['keypoint_weights'][row, j]
    expected = 1e-2 * 3.33e-6 * ((cphm - tgt) * wgt[..., None, None]).pow(2).mean()
    torch.testing.assert_close(loss, expected)


# ---- CSS -----------------------------------------------------------------------------------
def test_torch_dark_udp_and_gaussians_match_the_numpy_codec():
    codec = UDPHeatmap(input_size=(W, H), heatmap_size=(W, H))
    kpts = np.array([[3.3, 4.8], [7.9, 11.2], [5.5, 2.5]])
    ref = codec.encode(kpts, np.ones(3))['heatmaps']
    ours = render_udp_gaussians(torch.tensor(kpts, dtype=torch.float32), (H, W))
    np.testing.assert_allclose(ours.numpy(), ref, atol=1e-6)
    hm = torch.from_numpy(ref)[None] * torch.tensor([0.9, 0.5, 0.7])[None, :, None, None]
    hm = hm + 0.01 * torch.rand(hm.shape, generator=torch.Generator().manual_seed(0))
    preds, _ = get_max_preds(hm.numpy())
    expected = refine_dark_udp_np(preds, hm.numpy(), 11)[0]
    coords, maxvals = refine_dark_udp(hm[0], 11)
    np.testing.assert_allclose(coords.numpy(), expected, atol=1e-4)
    np.testing.assert_allclose(maxvals.numpy(), hm[0].amax(dim=(1, 2)).numpy())


def _peak_map(x: float, y: float, height: float) -> torch.Tensor:
    return height * render_udp_gaussians(torch.tensor([[x, y]]), (32, 24))[0]


def test_css_pseudo_joints_from_constructed_heatmaps():
    # Instance 0: joint 0 agrees within 2.1 px and is confident; joint 1 agrees but the prototype
    # heatmap is weak; joint 2 has the same x but is 3 px off in y (PoseBH's x-vs-y typo would
    # accept it, as x_R == y_R); joint 3 is 2 px off (accepted). Instance 1: head not confident.
    a = torch.stack([torch.stack([_peak_map(10, 12, .9), _peak_map(8, 8, .8),
                                  _peak_map(12, 9, .9), _peak_map(9, 20, .6)]),
                     torch.stack([_peak_map(10, 12, .2)] * 4)])
    r = torch.stack([torch.stack([_peak_map(11, 13, .8), _peak_map(8, 8, .2),
                                  _peak_map(12, 12, .9), _peak_map(9, 18, .3)]),
                     torch.stack([_peak_map(10, 12, .9)] * 4)])
    valid = select_pseudo_joints(a, r, 0.25, 2.1)
    assert valid.tolist() == [[True, False, False, True], [False] * 4]
    tgt, wgt = make_pseudo_targets(a, r, valid)
    assert not tgt[~valid].any() and not wgt[~valid].any()
    torch.testing.assert_close(wgt[0, [0, 3]], torch.tensor([.8, .3]))
    # pseudo joint = confidence-weighted mean of the two peaks (not of a peak and a score)
    expected = torch.tensor([[(.9 * 10 + .8 * 11) / 1.7, (.9 * 12 + .8 * 13) / 1.7],
                             [9., (.6 * 20 + .3 * 18) / .9]])
    torch.testing.assert_close(tgt[0, [0, 3]], render_udp_gaussians(expected, (32, 24)),
                               atol=1e-5, rtol=0)
    coords, peak = refine_dark_udp(tgt[0, [0, 3]])
    torch.testing.assert_close(coords, expected, atol=1e-3, rtol=0)


# ---- CPS -----------------------------------------------------------------------------------
def test_clustering_recovers_constructed_groups():
    g = torch.Generator().manual_seed(0)
    axes = torch.tensor([0, 1, 2] * 3)  # type i belongs to group i % 3 (seeds: types 0, 1, 2)
    bank = 0.05 * torch.randn(9, M, D, generator=g)
    bank[torch.arange(9), :, axes] += 1.
    result = cluster_prototypes(F.normalize(bank, dim=-1), options=[3, 9, 20], iters=50)
    assert list(result.errors) == [3]
    assert result.members.shape == (3, M, D)
    groups = result.keypoint % 3
    assert sorted(groups.tolist()) == [0, 1, 2]
    for c in range(3):  # every member lies on its cluster's group axis
        assert (result.members[c].argmax(dim=-1) == groups[c]).all()
    with pytest.raises(ValueError, match='no count'):
        cluster_prototypes(bank, options=[9, 12])


def test_cluster_state_round_trip_into_a_fresh_head():
    head = make_head(cp_size=6)
    assert not head.clusters_built and head.cluster_keypoint.tolist() == [-1] * 6
    head.build_clusters([4], cluster_iter=5)
    state = head.state_dict()
    assert state['cluster_prototype.prototypes'].shape == (4, M, D)
    for load in (lambda m, s: m.load_state_dict(s, strict=True),
                 lambda m, s: mmengine_load_state_dict(m, s, strict=True)):
        fresh = make_head(cp_size=6)
        load(fresh, state)
        assert fresh.clusters_built
        assert torch.equal(fresh.cluster_keypoint, head.cluster_keypoint)
        assert torch.equal(fresh.cluster_prototype.prototypes, head.cluster_prototype.prototypes)
    # PoseBH layout: no cluster_keypoint -> loads strictly, CPS stays off until clusters are built
    official = {k: v for k, v in state.items() if k != 'cluster_keypoint'}
    fresh = make_head(cp_size=6)
    fresh.load_state_dict(official, strict=True)
    assert not fresh.clusters_built and fresh.cluster_prototype.num_types == 4


def test_cluster_build_errors_without_a_cluster_bank():
    with pytest.raises(ValueError, match='cp_size'):
        make_head().build_clusters([2])


# ---- layout and config ---------------------------------------------------------------------
def _bn(prefix: str, ch: int) -> dict:
    return {f'{prefix}.{k}': (ch,) for k in ('weight', 'bias', 'running_mean', 'running_var')} | {
        f'{prefix}.num_batches_tracked': ()}


def test_state_dict_matches_posebh_b_layout():
    expected = {'deconv_layers.0.weight': (768, 256, 4, 4), 'deconv_layers.3.weight':
                (256, 256, 4, 4), 'neck.conv1.weight': (64, 256, 3, 3), 'neck.conv1.bias': (64,),
                'neck.conv2.weight': (64, 64, 3, 3), 'neck.conv2.bias': (64,),
                'neck.downsample.0.weight': (64, 256, 1, 1), 'head.0.weight': (64, 64, 3, 3),
                'head.0.bias': (64,), 'head.3.weight': (64, 64, 1, 1), 'head.3.bias': (64,),
                'kpt_prototype.prototypes': (214, 3, 64),
                'cluster_prototype.prototypes': (96, 3, 64),
                **_bn('deconv_layers.1', 256), **_bn('deconv_layers.4', 256),
                **_bn('neck.bn1', 64), **_bn('neck.bn2', 64), **_bn('neck.downsample.1', 64),
                **_bn('head.1', 64)}
    with torch.device('meta'):
        head = KptProtoHead(in_channels=768, datasets=('coco', 'aic', 'mpii', 'ap10k', 'apt36k',
                                                       'coco_wholebody'),
                            num_keypoints=[17, 14, 16, 17, 17, 133])
    shapes = {k: tuple(v.shape) for k, v in head.state_dict().items()}
    assert shapes.pop('cluster_keypoint') == (96,)  # our addition (see the class docstring)
    assert shapes == expected
    assert not any(p.numel() for n, p in head.named_parameters() if 'prototype' in n)


@pytest.mark.parametrize('bad, match', [(dict(activation='gelu'), 'activation'),
                                        (dict(neck_type='res2'), 'neck_type'),
                                        (dict(num_keypoints=(3, 4)), 'same length'),
                                        (dict(datasets=('a', 'a', 'c')), 'unique')])
def test_invalid_arguments_fail_fast(bad, match):
    with pytest.raises(ValueError, match=match):
        make_head(**bad)


def test_estimator_with_proto_head_trains_every_parameter():
    model = MODELS.build(dict(
        type='MultiDatasetTopdown', datasets=('coco', 'aic', 'mpii'),
        backbone=dict(type='ViTMoE', img_size=(64, 48), patch_size=16, embed_dim=32, depth=2,
                      num_heads=4, qkv_bias=True, num_expert=3, part_features=8),
        keypoint_head=dict(type='HeatmapHead', in_channels=32, num_deconv_filters=(16, 16)),
        proto_head=dict(type='KptProtoHead', in_channels=32, num_deconv_filters=(16, 16),
                        out_channels=D, channels=8, cp_size=8, css_conf_thr=0.,
                        css_match_dist=100.)))
    model.init_weights()
    head = model.proto_head
    assert head.offsets == {'coco': 0, 'aic': 17, 'mpii': 31}
    head.build_clusters([8], cluster_iter=5)
    head.set_css_enabled(True)
    names = ['coco', 'aic', 'mpii', 'coco']
    targets = {}
    for n in dict.fromkeys(names):
        idx = [i for i, m in enumerate(names) if m == n]
        k = model.num_keypoints[n]
        targets[n] = dict(index=torch.tensor(idx), heatmaps=torch.rand(len(idx), k, 16, 12),
                          keypoint_weights=torch.ones(len(idx), k))
    inputs = torch.randn(4, 3, 64, 48)
    samples = [dict(dataset_name=n) for n in names]
    losses = model.loss(inputs, samples, targets)
    assert {'proto_loss', 'phm_loss', 'cps_loss', 'css_loss'} <= set(losses)
    sum(losses.values()).backward()
    dead = [n for n, p in model.proto_head.named_parameters() if p.grad is None
            or not p.grad.abs().sum()]
    assert not dead, dead
