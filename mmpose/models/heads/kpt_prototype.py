"""A bank of unit keypoint prototypes learned by momentum (PoseBH, after ProtoSeg).

Each of the ``K`` keypoint types owns ``M`` prototypes in the embedding space. A pixel embedding's
similarity to a type is its largest absolute cosine to that type's prototypes. The bank is never
trained by gradients: the embeddings sampled at ground-truth keypoints are assigned to the type's
``M`` prototypes by Sinkhorn-Knopp (ProtoSeg, Zhou et al., CVPR 2022) and the prototypes follow
the weighted mean of their members by exponential moving average.

The bank is a buffer updated in place, so optimizers, DDP and ``state_dict`` always see the same
tensor; similarity computations use a copy, so an update never invalidates a saved autograd graph.
"""
from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor, nn

# ProtoSeg's Sinkhorn constants (``distributed_sinkhorn``: epsilon 0.05, 3 iterations) and its
# Gumbel temperature, kept as in PoseBH.
_SINKHORN_EPS = 0.05
_SINKHORN_ITERS = 3
_GUMBEL_TAU = 0.5
# PoseBH clamps prototype heatmaps into the open unit interval.
_PHM_CLAMP = (1e-4, 1 - 1e-4)


class KptPrototype(nn.Module):
    """``K x M`` unit prototypes of dimension ``D`` with momentum/Sinkhorn learning.

    Args:
        num_types: Number of keypoint types K (all datasets together) or clusters.
        num_protos: Prototypes per type M (PoseBH ``num_in_class_proto``).
        dim: Embedding dimension D.
        gamma: Momentum of the moving average (0.999 in PoseBH).
        hard_cluster: Weight each sampled pixel by 1 (True) or by its target heatmap value.
    """

    def __init__(self, num_types: int, num_protos: int = 3, dim: int = 64, gamma: float = 0.999,
                 hard_cluster: bool = False) -> None:
        super().__init__()
        if min(num_types, num_protos, dim) < 1:
            raise ValueError(f'num_types, num_protos and dim must be >= 1, got {num_types}, '
                             f'{num_protos}, {dim}')
        if not 0. <= gamma <= 1.:
            raise ValueError(f'gamma must lie in [0, 1], got {gamma}')
        self.num_protos = num_protos
        self.dim = dim
        self.gamma = gamma
        self.hard_cluster = hard_cluster
        self.register_buffer('prototypes', torch.empty(num_types, num_protos, dim))
        self.reset_parameters()

    @property
    def num_types(self) -> int:
        return self.prototypes.shape[0]

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """Truncated normal (std 0.02, clipped to [-2, 2]), then unit norm (PoseBH init)."""
        nn.init.trunc_normal_(self.prototypes, std=0.02, a=-2., b=2.)
        self.prototypes.copy_(F.normalize(self.prototypes, dim=-1))

    @torch.no_grad()
    def assign(self, prototypes: Tensor) -> None:
        """Replace the bank by ``prototypes`` (K', M, D), resizing it if needed (normalised)."""
        if prototypes.shape[1:] != self.prototypes.shape[1:]:
            raise ValueError(f'prototypes must be (K, {self.num_protos}, {self.dim}), got '
                             f'{tuple(prototypes.shape)}')
        prototypes = F.normalize(prototypes.to(self.prototypes), dim=-1)
        if prototypes.shape == self.prototypes.shape:
            self.prototypes.copy_(prototypes)
        else:
            self.prototypes = prototypes.clone()

    def similarity(self, feats: Tensor) -> Tensor:
        """Absolute cosine of each embedding to every prototype.

        Args:
            feats: Embeddings (N, D), any scale.

        Returns:
            Similarities (N, K, M) in [0, 1], fp32, differentiable w.r.t. ``feats`` only.
        """
        with torch.autocast(feats.device.type, enabled=False):
            f = F.normalize(feats.float(), dim=-1)
            bank = self.prototypes.detach().clone().float()  # a copy: later updates stay legal
            sim = f @ bank.reshape(-1, self.dim).t()
        return sim.abs().reshape(len(feats), self.num_types, self.num_protos)

    def heatmap(self, feats: Tensor) -> Tensor:
        """Prototype heatmap values: per type, the best prototype's similarity, clamped.

        Args:
            feats: Embeddings (N, D).

        Returns:
            (N, K) in [1e-4, 1 - 1e-4].
        """
        # max(dim).values: its backward scatters through the argmax (amax builds a tie mask of
        # the whole (N, K, M) similarity, several times slower)
        return self.similarity(feats).max(dim=-1).values.clamp(*_PHM_CLAMP)

    def learn(self, feats: Tensor, labels: Tensor, conf: Tensor, start: int, count: int,
              update: bool = True, update_weight: float = 1.) -> tuple[Tensor, Tensor]:
        """Contrastive logits/targets for sampled pixels and (optionally) the momentum update.

        Intended PoseBH behaviour with global type indices: a pixel moves its own type's
        prototypes only when its nearest type overall is its label.

        Args:
            feats: Sampled pixel embeddings (N, D).
            labels: Their type index in the bank (N,), within ``[start, start + count)``.
            conf: Their target heatmap value (N,).
            start: First type of the label space (a dataset's offset in the bank).
            count: Number of types in the label space (a dataset's K).
            update: Write the momentum update into the bank.
            update_weight: Scales the update step: momentum ``1 - (1 - gamma) * w`` for w < 1.

        Returns:
            ``logits`` (N, count * M), the similarities to the label space's prototypes (column
            ``k * M + m``), and ``target`` (N,): the Sinkhorn-assigned column of each pixel.
        """
        sim = self.similarity(feats)                                    # (N, K, M)
        n = len(feats)
        logits = sim[:, start:start + count].reshape(n, count * self.num_protos)
        with torch.no_grad():
            own = sim.detach()[torch.arange(n, device=sim.device), labels]   # (N, M)
            probs = _sinkhorn_per_class(own, labels, self.num_types)
            index = probs.argmax(dim=1)
            target = index + self.num_protos * (labels - start)
            if update and n:
                nearest = sim.detach().amax(dim=-1).argmax(dim=1)
                weight = (nearest == labels).float()
                if not self.hard_cluster:
                    weight = weight * conf.float()
                assign = F.gumbel_softmax(probs, tau=_GUMBEL_TAU, hard=True)
                self._momentum_update(F.normalize(feats.detach().float(), dim=-1), labels,
                                      assign, weight, update_weight)
        return logits, target

    @torch.no_grad()
    def _momentum_update(self, f: Tensor, labels: Tensor, assign: Tensor, weight: Tensor,
                         update_weight: float) -> None:
        # PoseBH weights both the assignment and the feature, so each pixel counts with w**2.
        mass = assign * weight[:, None]                                 # (N, M)
        feat = f * weight[:, None]                                      # (N, D)
        sums = f.new_zeros(self.num_protos, self.num_types, self.dim)  # (M, K, D)
        for m in range(self.num_protos):  # M = 3; avoids an (N, M, D) temporary
            sums[m].index_add_(0, labels, feat * mass[:, m:m + 1])
        sums = sums.transpose(0, 1)                                     # (K, M, D)
        counts = f.new_zeros(self.prototypes.shape[:2]).index_add_(0, labels, mass)
        mu = self.gamma if update_weight >= 1 else 1 - (1 - self.gamma) * update_weight
        bank = self.prototypes.float()
        moved = mu * bank + (1 - mu) * F.normalize(sums, dim=-1)
        bank = torch.where((counts != 0)[..., None], moved, bank)
        self.prototypes.copy_(F.normalize(bank, dim=-1))

    @torch.no_grad()
    def sync(self) -> None:
        """Average the bank over all processes (no-op unless torch.distributed runs)."""
        if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
            return
        dist.all_reduce(self.prototypes, op=dist.ReduceOp.SUM)
        self.prototypes.div_(dist.get_world_size())
        self.prototypes.copy_(F.normalize(self.prototypes, dim=-1))


def _sinkhorn_per_class(scores: Tensor, labels: Tensor, num_classes: int) -> Tensor:
    """ProtoSeg's Sinkhorn-Knopp, run independently for the pixels of each class, vectorised.

    For one class with n pixels and M prototypes it balances ``exp(scores / 0.05)`` so that
    every prototype receives n / M pixels, then returns the per-pixel assignment probabilities.

    Args:
        scores: Similarity of each pixel to its own class's prototypes (N, M).
        labels: Class of each pixel (N,).
        num_classes: Number of classes.

    Returns:
        Assignment probabilities (N, M), each row summing to 1.
    """
    num_protos = scores.shape[1]
    q = torch.exp(scores.double() / _SINKHORN_EPS)
    n_k = torch.bincount(labels, minlength=num_classes).to(q)[labels, None]       # (N, 1)
    total = q.new_zeros(num_classes).index_add_(0, labels, q.sum(1))
    q = q / total[labels, None]
    for _ in range(_SINKHORN_ITERS):
        rows = q.new_zeros(num_classes, num_protos).index_add_(0, labels, q)
        q = q / rows[labels] / num_protos
        q = q / q.sum(1, keepdim=True) / n_k
    return (q * n_k).float()
