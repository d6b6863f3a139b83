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
        dict(index=(n,), heatmaps=(n, K, h, w), keypoint_weights=(n, K))})``.
    """
    inputs = torch.stack([b['inputs'] for b in batch])
    samples = [dict(b['data_samples']) for b in batch]
    targets = None
    if samples and 'heatmaps' in samples[0]:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(samples):
            groups[s['dataset_name']].append(i)
        targets = {}
        for name, idx in groups.items():
            targets[name] = dict(
                index=torch.tensor(idx, dtype=torch.long),
                heatmaps=torch.stack([samples[i].pop('heatmaps') for i in idx]),
                keypoint_weights=torch.stack([samples[i].pop('keypoint_weights') for i in idx]))
    return dict(inputs=inputs, data_samples=samples, targets=targets)
