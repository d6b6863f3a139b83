"""Batch collation that groups training targets by dataset."""
from __future__ import annotations

from collections import defaultdict

import torch

from mmpose.registry import FUNCTIONS


@FUNCTIONS.register_module()
def pose_collate(batch: list[dict]) -> dict:
    """Stack images; group heatmap targets by dataset name.

    Datasets have different keypoint counts, so their targets cannot share one tensor; each
    dataset gets its own stack plus the batch positions of its samples.

    Returns:
        ``dict(inputs=uint8 (B, 3, H, W), data_samples=list[dict], targets=None | {name:
        dict(index=(n,), heatmaps=(n, K, h, w), keypoint_weights=(n, K))})``; targets to be
        drawn on the device carry ``heatmap_windows`` (n, K, 4), ``heatmap_centers`` (n, K, 2)
        and ``heatmap_spec`` (w, h, sigma) instead of ``heatmaps``.
    """
    inputs = torch.stack([b['inputs'] for b in batch])
    samples = [dict(b['data_samples']) for b in batch]
    targets = None
    if samples and 'keypoint_weights' in samples[0]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(samples):
            groups[s['dataset_name']].append(i)
        targets = {name: _stack_targets([samples[i] for i in idx], idx)
                   for name, idx in groups.items()}
    return dict(inputs=inputs, data_samples=samples, targets=targets)


def _stack_targets(group: list[dict], idx: list[int]) -> dict:
    """Move one dataset's target fields out of its samples into stacked tensors."""
    out = dict(index=torch.tensor(idx, dtype=torch.long))
    for key in ('heatmaps', 'heatmap_windows', 'heatmap_centers', 'keypoint_weights'):
        if key in group[0]:
            out[key] = torch.stack([s.pop(key) for s in group])
    if 'heatmap_spec' in group[0]:
        specs = {tuple(s.pop('heatmap_spec')) for s in group}
        if len(specs) != 1:
            raise ValueError(f"samples of dataset {group[0]['dataset_name']!r} disagree on the "
                             f'heatmap size / sigma: {sorted(specs)}')
        out['heatmap_spec'] = specs.pop()
    return out
