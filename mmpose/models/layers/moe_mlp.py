"""ViTPose+ mixture-of-experts FFN: a shared output part plus one expert part per dataset."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class MoEMlp(nn.Module):
    """FFN whose last ``part_features`` output channels come from a per-sample expert.

    ``h = GELU(fc1(x))``; output ``concat([fc2(h), experts[e](h)], -1)`` where ``e`` is the
    sample's expert index (ViTPose+, Xu et al. 2022, Sec. 3.3). With a fixed ``e`` this equals a
    plain :class:`Mlp` whose fc2 is ``rows-concat(fc2, experts[e])``; checkpoint export relies on
    that.

    By default each expert runs only on its own samples (grouped dispatch: gather, run, scatter).
    Every expert is still called, on an empty batch if it has no samples, so it stays in the
    autograd graph and receives a zero gradient; DDP then needs no ``find_unused_parameters``.
    ``dense=True`` switches to the original "run every expert on every sample and mask" form,
    kept as a numerical reference and for benchmarks.

    Args:
        in_features: Token width C (also the output width).
        hidden_features: Hidden width (4C in ViT).
        num_experts: Number of experts E (one per dataset in ViTPose+).
        part_features: Expert output width P; fc2 produces the other C - P channels.
        drop: Dropout on the output. The original creates it but never applies it; with the
            released configs (drop 0) both are identical.
        dense: Use compute-all-and-mask instead of grouped dispatch.
    """

    def __init__(self,
                 in_features: int,
                 hidden_features: int,
                 num_experts: int,
                 part_features: int,
                 drop: float = 0.,
                 dense: bool = False) -> None:
        super().__init__()
        if num_experts < 1:
            raise ValueError(f'num_experts must be >= 1, got {num_experts}')
        if not 0 < part_features < in_features:
            raise ValueError(f'part_features must be in (0, in_features={in_features}), '
                             f'got {part_features}')
        self.num_experts = num_experts
        self.part_features = part_features
        self.dense = dense
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_features, in_features - part_features)
        self.experts = nn.ModuleList(
            nn.Linear(hidden_features, part_features) for _ in range(num_experts))
        self.drop = nn.Dropout(drop)

    def forward(self, x: Tensor, expert_idx: Tensor | None = None) -> Tensor:
        """Args:
            x: Tokens, (B, N, C).
            expert_idx: Expert of each sample, LongTensor (B,) with values in [0, E).

        Returns:
            (B, N, C).
        """
        if expert_idx is None:
            raise ValueError('MoEMlp needs expert_idx, a LongTensor (B,) giving each sample\'s '
                             'expert; pass it through the backbone forward.')
        counts = self._count_samples(x, expert_idx)
        h = self.act(self.fc1(x))
        if self.dense:
            expert_out = self._dense_experts(h, expert_idx)
        else:
            expert_out = self._grouped_experts(h, expert_idx, counts)
        return self.drop(torch.cat([self.fc2(h), expert_out], dim=-1))

    def _grouped_experts(self, h: Tensor, expert_idx: Tensor, counts: list[int]) -> Tensor:
        # Sort samples by expert so each expert sees one contiguous chunk, then undo the sort.
        order = torch.argsort(expert_idx, stable=True)
        chunks = h.index_select(0, order).split(counts)
        out = torch.cat([expert(chunk) for expert, chunk in zip(self.experts, chunks)])
        return torch.empty_like(out).index_copy(0, order, out)

    def _dense_experts(self, h: Tensor, expert_idx: Tensor) -> Tensor:
        masks = (expert_idx.view(-1, 1, 1, 1) == torch.arange(self.num_experts, device=h.device))
        masks = masks.to(h.dtype)  # (B, 1, 1, E)
        return torch.stack([expert(h) for expert in self.experts], dim=-1).mul(masks).sum(-1)

    def _count_samples(self, x: Tensor, expert_idx: Tensor) -> list[int]:
        """Validates ``expert_idx`` and returns the number of samples of each expert."""
        if expert_idx.shape != (x.shape[0], ) or expert_idx.dtype != torch.long:
            raise ValueError(f'expert_idx must be a LongTensor of shape ({x.shape[0]},), got '
                             f'{expert_idx.dtype} {tuple(expert_idx.shape)}')
        # One host sync for validation and counts: bin 0 collects negative indices and the
        # bins past E the too-large ones.
        bins = torch.bincount(expert_idx.clamp(min=-1) + 1, minlength=self.num_experts + 1)
        counts = bins.tolist()[1:self.num_experts + 1]
        if sum(counts) != len(expert_idx):
            bad = expert_idx[(expert_idx < 0) | (expert_idx >= self.num_experts)]
            raise ValueError(f'expert index {sorted(set(bad.tolist()))} out of range '
                             f'[0, {self.num_experts}) for MoEMlp with {self.num_experts} '
                             'experts')
        return counts

    def extra_repr(self) -> str:
        return (f'num_experts={self.num_experts}, part_features={self.part_features}, '
                f'dense={self.dense}')
