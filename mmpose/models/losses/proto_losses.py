"""Pixel-prototype contrastive losses of ProtoSeg, as PoseBH weights them."""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class PixelPrototypeCELoss(nn.Module):
    """``weight * (ppc_weight * PPC + ppd_weight * PPD)`` over sampled pixels.

    PPC (pixel-prototype contrast) is the cross-entropy of the pixel's similarities to all
    prototypes of its label space against its assigned prototype; PPD (pixel-prototype
    distance) is ``mean((1 - s_target)**2)``. Logits are raw absolute cosines in [0, 1], without
    a temperature, as in PoseBH. The defaults are PoseBH's (``loss_proto`` of the MDT configs),
    which make the loss tiny (1.25e-7 x CE); keep them: see the method spec, section 3.8.

    Args:
        weight: Overall scale.
        ppc_weight: Weight of the cross-entropy term.
        ppd_weight: Weight of the distance term.
    """

    def __init__(self, weight: float = 1.25e-5, ppc_weight: float = 0.01,
                 ppd_weight: float = 0.001) -> None:
        super().__init__()
        self.weight = weight
        self.ppc_weight = ppc_weight
        self.ppd_weight = ppd_weight

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        """Args:
            logits: Similarities (N, C) of N pixels to the C prototypes of their label space.
            target: Assigned prototype column (N,); -1 is ignored.

        Returns:
            Scalar loss; a zero connected to ``logits`` when no pixel has a target.
        """
        valid = target != -1
        if not bool(valid.any()):
            return logits.sum() * 0.
        logits, target = logits[valid].float(), target[valid]
        ppc = F.cross_entropy(logits, target)
        ppd = (1 - logits.gather(1, target[:, None])).pow(2).mean()
        return self.weight * (self.ppc_weight * ppc + self.ppd_weight * ppd)
