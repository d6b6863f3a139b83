"""Deconvolution heatmap head of SimpleBaseline / ViTPose (classic and "simple" decoder)."""
from __future__ import annotations

import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmpose.registry import MODELS

# ConvTranspose2d (padding, output_padding) that exactly doubles the resolution, per kernel size
# (mmpose 0.x ``TopdownHeatmapSimpleHead._get_deconv_cfg``).
_DECONV_PADDING = {4: (1, 0), 3: (1, 1), 2: (0, 0)}


@MODELS.register_module()
class HeatmapHead(BaseModule):
    """Feature map -> per-keypoint heatmaps.

    ``[relu -> bilinear x upsample] -> n x (ConvTranspose2d(stride 2) -> BN -> ReLU) -> conv``.
    The state-dict layout (``deconv_layers.{0,1,3,4,...}``, ``final_layer``) equals mmpose 0.x
    ``TopdownHeatmapSimpleHead``, so ViTPose checkpoints load as they are. The head only predicts;
    the estimator computes losses.

    ViTPose's classic decoder is 2 deconvs of 256 (x4: 16x12 -> 64x48); its "simple" decoder is
    ``num_deconv_layers=0, upsample=4, final_conv_kernel=3``.

    Args:
        in_channels: Feature channels C.
        out_channels: Number of keypoints K.
        num_deconv_layers: Number of stride-2 deconvolution stages.
        num_deconv_filters: Output channels of each deconv stage.
        num_deconv_kernels: Kernel of each deconv stage, each in {2, 3, 4}.
        final_conv_kernel: Odd kernel of the final conv (padding ``(k - 1) // 2``).
        upsample: If > 0, ``relu`` then bilinear upsampling by this factor before the deconvs.
        align_corners: ``align_corners`` of that upsampling.
        init_cfg: mmengine init config, applied after the default init.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_deconv_layers: int = 2,
                 num_deconv_filters: tuple[int, ...] = (256, 256),
                 num_deconv_kernels: tuple[int, ...] = (4, 4),
                 final_conv_kernel: int = 1,
                 upsample: int = 0,
                 align_corners: bool = False,
                 init_cfg: dict | list[dict] | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if final_conv_kernel < 1 or final_conv_kernel % 2 == 0:
            raise ValueError(f'final_conv_kernel must be a positive odd number, '
                             f'got {final_conv_kernel}')
        self.upsample = upsample
        self.align_corners = align_corners
        self.deconv_layers = self._make_deconv_layers(in_channels, num_deconv_layers,
                                                      num_deconv_filters, num_deconv_kernels)
        final_in = num_deconv_filters[num_deconv_layers - 1] if num_deconv_layers else in_channels
        self.final_layer = nn.Conv2d(
            final_in,
            out_channels,
            kernel_size=final_conv_kernel,
            padding=(final_conv_kernel - 1) // 2)
        self._init_default_weights()

    @staticmethod
    def _make_deconv_layers(in_channels: int, num_layers: int, filters: tuple[int, ...],
                            kernels: tuple[int, ...]) -> nn.Module:
        if num_layers != len(filters) or num_layers != len(kernels):
            raise ValueError(f'num_deconv_layers={num_layers} must equal the lengths of '
                             f'num_deconv_filters {tuple(filters)} and num_deconv_kernels '
                             f'{tuple(kernels)}')
        if num_layers == 0:
            return nn.Identity()
        layers: list[nn.Module] = []
        for planes, kernel in zip(filters, kernels):
            if kernel not in _DECONV_PADDING:
                raise ValueError(f'deconv kernel {kernel} not supported; valid: '
                                 f'{sorted(_DECONV_PADDING)}')
            padding, output_padding = _DECONV_PADDING[kernel]
            layers += [
                nn.ConvTranspose2d(
                    in_channels,
                    planes,
                    kernel_size=kernel,
                    stride=2,
                    padding=padding,
                    output_padding=output_padding,
                    bias=False),
                nn.BatchNorm2d(planes),
                nn.ReLU(inplace=True),
            ]
            in_channels = planes
        return nn.Sequential(*layers)

    def _init_default_weights(self) -> None:
        # mmpose 0.x TopdownHeatmapSimpleHead.init_weights.
        for m in self.deconv_layers.modules():
            if isinstance(m, nn.ConvTranspose2d):
                nn.init.normal_(m.weight, std=.001)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.final_layer.weight, std=.001)
        assert self.final_layer.bias is not None  # built with bias
        nn.init.zeros_(self.final_layer.bias)

    def init_weights(self) -> None:
        """Default 0.x init, then ``init_cfg`` on top."""
        self._init_default_weights()
        if self.init_cfg:
            super().init_weights()
        # Without init_cfg, mmengine's BaseModule.init_weights would only log every
        # parameter as unchanged (it snapshots them after the default init above).
        self._is_init = True

    def forward(self, x: Tensor) -> Tensor:
        """Args:
            x: Backbone feature map, (B, C, Hp, Wp).

        Returns:
            Heatmaps (B, K, H, W), ``H = Hp * upsample * 2**num_deconv_layers`` (upsample 0
            counts as 1).
        """
        if self.upsample > 0:
            x = F.interpolate(
                F.relu(x),
                scale_factor=self.upsample,
                mode='bilinear',
                align_corners=self.align_corners)
        return self.final_layer(self.deconv_layers(x))


@MODELS.register_module()
class TopdownHeatmapSimpleHead(HeatmapHead):
    """mmpose 0.x / ViTPose config name of :class:`HeatmapHead`, with 0.x defaults.

    Translates the 0.x ``extra=dict(final_conv_kernel=k)`` argument; the loss (0.x
    ``loss_keypoint``) belongs to the estimator, not the head.

    Args:
        in_channels: Feature channels C.
        out_channels: Number of keypoints K.
        num_deconv_layers: Number of stride-2 deconvolution stages (0.x default 3).
        num_deconv_filters: Output channels of each deconv stage.
        num_deconv_kernels: Kernel of each deconv stage.
        extra: Only ``final_conv_kernel`` is accepted (default 1).
        upsample: Bilinear pre-upsampling factor (ViTPose simple decoder).
        align_corners: ``align_corners`` of that upsampling.
        init_cfg: mmengine init config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 num_deconv_layers: int = 3,
                 num_deconv_filters: tuple[int, ...] = (256, 256, 256),
                 num_deconv_kernels: tuple[int, ...] = (4, 4, 4),
                 extra: dict | None = None,
                 upsample: int = 0,
                 align_corners: bool = False,
                 init_cfg: dict | list[dict] | None = None) -> None:
        extra = dict(extra or {})
        unknown = sorted(set(extra) - {'final_conv_kernel'})
        if unknown:
            raise ValueError(f'unsupported keys {unknown} in extra; valid: [final_conv_kernel]')
        super().__init__(in_channels, out_channels, num_deconv_layers, num_deconv_filters,
                         num_deconv_kernels, extra.get('final_conv_kernel', 1), upsample,
                         align_corners, init_cfg)
