"""Heatmap regression loss of SimpleBaseline / ViTPose."""
from __future__ import annotations

from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class JointsMSELoss(nn.Module):
    """Mean squared error between heatmaps, optionally weighted per keypoint.

    ``loss_weight * mean_{n,k,h,w} (w_nk * (output - target))**2``, which equals mmpose 0.x's
    "mean over joints of ``MSELoss(pred * w, gt * w)``" (no factor 0.5).

    Args:
        use_target_weight: Multiply both heatmaps by the per-keypoint weight (0 for invisible
            or unannotated keypoints).
        loss_weight: Scale of the loss.
    """

    def __init__(self, use_target_weight: bool = True, loss_weight: float = 1.) -> None:
        super().__init__()
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight

    def forward(self,
                output: Tensor,
                target: Tensor,
                target_weight: Tensor | None = None) -> Tensor:
        """Args:
            output: Predicted heatmaps, (N, K, H, W).
            target: Target heatmaps, (N, K, H, W).
            target_weight: Keypoint weights, (N, K) or (N, K, 1); required when
                ``use_target_weight``.

        Returns:
            Scalar loss.
        """
        if output.shape != target.shape:
            raise ValueError(f'output {tuple(output.shape)} and target {tuple(target.shape)} '
                             'differ in shape')
        diff = output - target
        if self.use_target_weight:
            if target_weight is None:
                raise ValueError('JointsMSELoss(use_target_weight=True) needs target_weight')
            N, K = output.shape[:2]
            if target_weight.numel() != N * K:
                raise ValueError(f'target_weight {tuple(target_weight.shape)} does not match '
                                 f'(N, K) = ({N}, {K})')
            diff = diff * target_weight.reshape(N, K, 1, 1)
        return diff.pow(2).mean() * self.loss_weight
