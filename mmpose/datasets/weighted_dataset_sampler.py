"""Sampling several concatenated datasets with chosen ratios."""
from __future__ import annotations

import math
from collections.abc import Iterator

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import ConcatDataset, Sampler

from mmpose.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class WeightedDatasetSampler(Sampler):
    """Draws samples of a ``ConcatDataset`` so that dataset ``d`` makes up a share
    ``ratios[d] / sum(ratios)`` of every epoch (with replacement inside each dataset).

    Without ``ratios`` every dataset keeps its natural share (a plain shuffle). The epoch length
    is the total dataset length, split evenly over ranks; ``set_epoch`` reseeds.

    Args:
        dataset: The concatenation; its parts need a ``dataset_name`` attribute.
        ratios: ``{dataset_name: ratio}``; every part must be named.
        seed: Base seed (synchronised across ranks when None).
    """

    def __init__(self, dataset: ConcatDataset, ratios: dict[str, float] | None = None,
                 seed: int | None = None) -> None:
        if not isinstance(dataset, ConcatDataset):
            raise TypeError('WeightedDatasetSampler needs a ConcatDataset of named datasets')
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.sizes = [len(d) for d in dataset.datasets]
        self.offsets = [0] + list(dataset.cumulative_sizes[:-1])
        names = [getattr(d, 'dataset_name', None) for d in dataset.datasets]
        if ratios is None:
            shares = [float(s) for s in self.sizes]
        else:
            missing = [n for n in names if n not in ratios]
            unknown = sorted(set(ratios) - set(names))
            if missing or unknown:
                raise ValueError(f'ratios must name every dataset {names}; missing {missing}, '
                                 f'unknown {unknown}')
            shares = [float(ratios[n]) for n in names]
        total = sum(shares)
        self.probs = torch.tensor([s / total for s in shares], dtype=torch.float64)
        self.total_size = sum(self.sizes)
        self.num_samples = math.ceil(self.total_size / self.world_size)

    def __iter__(self) -> Iterator[int]:
        g = torch.Generator().manual_seed(self.seed + self.epoch)
        n = self.num_samples * self.world_size
        which = torch.multinomial(self.probs, n, replacement=True, generator=g)
        idx = torch.empty(n, dtype=torch.long)
        for d, (size, offset) in enumerate(zip(self.sizes, self.offsets)):
            mask = which == d
            count = int(mask.sum())
            if count:
                perm = torch.randint(size, (count,), generator=g) if count > size else \
                    torch.randperm(size, generator=g)[:count]
                idx[mask] = perm + offset
        return iter(idx[self.rank::self.world_size].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch
