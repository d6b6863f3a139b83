"""Moves a collated batch to the device and normalises uint8 images there."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from mmpose.codecs.torch_encode import render_gaussian_windows
from mmpose.registry import MODELS


@MODELS.register_module()
class PoseDataPreprocessor(BaseDataPreprocessor):
    """``(x / 255 - mean) / std`` on the device, in float32 (the 0.x ``ToTensor`` +
    ``NormalizeTensor`` order, so results match the reference bit for bit). Training targets
    that arrive as Gaussian windows (``GenerateTarget(on_device=True)``) are drawn here.

    Args:
        mean: Per-channel mean in [0, 1] (RGB). ImageNet by default.
        std: Per-channel std in [0, 1] (RGB).
        channels_last: Return images in channels-last memory format.
    """

    def __init__(self, mean: Sequence[float] = (0.485, 0.456, 0.406),
                 std: Sequence[float] = (0.229, 0.224, 0.225),
                 channels_last: bool = False) -> None:
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1),
                             persistent=False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1),
                             persistent=False)
        self.channels_last = channels_last

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs'].float().div_(255.).sub_(self.mean).div_(self.std)
        if self.channels_last:
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        data['inputs'] = inputs
        for t in (data.get('targets') or {}).values():
            if 'heatmap_windows' in t:
                w, h, sigma = t.pop('heatmap_spec')
                t['heatmaps'] = render_gaussian_windows(t.pop('heatmap_windows'),
                                                        t.pop('heatmap_centers'), sigma, (w, h))
        return data
