"""Clustered prototype supervision (CPS) of PoseBH: group similar keypoint prototypes.

The ``J x M`` keypoint prototypes are clustered by soft k-means on the cosine distance; each
cluster is represented by its ``M`` nearest prototypes and tied to the keypoint type of the
nearest one. Several cluster counts are tried and the one with the smallest size-weighted
reconstruction error is kept.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

import torch
import torch.distributed as dist
import torch.nn.functional as F
from mmengine.logging import print_log
from torch import Tensor


class Clusters(NamedTuple):
    """Result of :func:`cluster_prototypes`.

    Attributes:
        members: Member prototypes of each cluster (Kc, M, D), nearest first.
        keypoint: Keypoint type (row of the bank) of each cluster's nearest prototype (Kc,).
        errors: Weighted reconstruction error of every tried cluster count.
    """
    members: Tensor
    keypoint: Tensor
    errors: dict[int, float]


def _soft_kmeans(x: Tensor, num_clusters: int, num_protos: int, iters: int,
                 beta: float) -> Tensor:
    """Centres (Kc, D) of soft k-means on ``(1 - cos) / 2``, seeded with the first prototype of
    each of the first Kc keypoint types (PoseBH's initialisation)."""
    centres = x[torch.arange(num_clusters) * num_protos]
    for _ in range(iters):
        dist = (1 - F.normalize(x, dim=-1) @ F.normalize(centres, dim=-1).t()) / 2
        assign = torch.softmax(-beta * dist, dim=1)                       # (J*M, Kc)
        centres = (assign.t() @ x) / assign.sum(0)[:, None]
    return centres


def _cluster(x: Tensor, kc: int, num_protos: int, num_types: int, iters: int,
             beta: float) -> tuple[float, Tensor, Tensor]:
    """Weighted error, members (Kc, M, D) and keypoint type (Kc,) for one cluster count."""
    centres = _soft_kmeans(x, kc, num_protos, iters, beta)
    dist = (1 - x @ F.normalize(centres, dim=-1).t()) / 2                   # (J*M, Kc)
    # Intended selection: each cluster's M nearest prototypes (sorting over prototypes).
    top = dist.argsort(dim=0)[:num_protos].t()                              # (Kc, M)
    residual = torch.linalg.lstsq(centres.t(), x.t(), driver='gelsd').solution
    err = float((centres.t() @ residual - x.t()).pow(2).sum()) * (kc / num_types)**2
    return err, x[top].reshape(kc, num_protos, -1), top[:, 0] // num_protos


def cluster_prototypes(bank: Tensor, options: Sequence[int], iters: int = 500,
                       beta: float = 20.) -> Clusters:
    """Cluster a prototype bank; intended PoseBH member selection.

    Runs on CPU in float64, so every process obtains the same clusters from the same bank.

    Args:
        bank: Keypoint prototypes (J, M, D).
        options: Cluster counts to try; counts >= J are skipped (PoseBH: 64, 96, 128).
        iters: Soft k-means iterations (PoseBH: 500).
        beta: Inverse temperature of the soft assignment (PoseBH: 20).

    Returns:
        The clusters of the count with the smallest ``err * (Kc / J)**2``, ``err`` being the
        least-squares residual of the prototypes on the centres. With ``D <= Kc`` the centres
        span the space and every residual is ~0 (PoseBH's criterion is then arbitrary; pass a
        single option to pin Kc).

    Raises:
        ValueError: No option is smaller than J.
    """
    num_types, num_protos, dim = bank.shape
    usable = [int(k) for k in options if 0 < int(k) < num_types]
    if not usable:
        raise ValueError(f'cluster_options {list(options)} has no count in [1, {num_types}) '
                         f'(the bank has {num_types} keypoint types)')
    x = F.normalize(bank.detach().to('cpu', torch.float64), dim=-1).reshape(-1, dim)
    results = {}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: threads only add overhead (25x on a busy host)
    try:
        for kc in usable:
            results[kc] = _cluster(x, kc, num_protos, num_types, iters, beta)
    finally:
        torch.set_num_threads(threads)
    errors = {kc: r[0] for kc, r in results.items()}
    kc = min(errors, key=errors.get)
    _, members, keypoint = results[kc]
    print_log(f'CPS: {kc} clusters chosen from {usable} (weighted errors {errors})',
              logger='current', level=logging.INFO)
    return Clusters(members.to(bank), keypoint.to(bank.device), errors)


def broadcast_clusters(clusters: Clusters) -> Clusters:
    """Rank 0's clusters on every process (identity without torch.distributed).

    Raises:
        RuntimeError: The processes chose different cluster counts (their banks differ).
    """
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return clusters
    members, keypoint = clusters.members.contiguous(), clusters.keypoint.contiguous()
    size = torch.tensor([len(keypoint)], device=keypoint.device)
    dist.broadcast(size, 0)
    if int(size) != len(keypoint):
        raise RuntimeError(f'rank {dist.get_rank()} chose {len(keypoint)} clusters, rank 0 '
                           f'chose {int(size)}: the prototype banks differ across ranks')
    dist.broadcast(members, 0)
    dist.broadcast(keypoint, 0)
    return Clusters(members, keypoint, clusters.errors)
