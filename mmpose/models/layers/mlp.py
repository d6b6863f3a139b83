"""Transformer feed-forward network (ViT MLP)."""
from __future__ import annotations

from torch import Tensor, nn

from mmpose.registry import MODELS


@MODELS.register_module()
class Mlp(nn.Module):
    """fc1 -> GELU (exact) -> fc2 -> dropout, as in ViTPose's ``Mlp``.

    Args:
        in_features: Input width C.
        hidden_features: Hidden width (4C in ViT).
        out_features: Output width; ``in_features`` when None.
        drop: Dropout after fc2 (ViTPose applies it only there).
    """

    def __init__(self,
                 in_features: int,
                 hidden_features: int,
                 out_features: int | None = None,
                 drop: float = 0.) -> None:
        super().__init__()
        out_features = out_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_features, out_features)
        self.drop = nn.Dropout(drop)

    def forward(self, x: Tensor, expert_idx: Tensor | None = None) -> Tensor:
        """Args:
            x: Tokens, (B, N, C).
            expert_idx: Ignored; accepted so a block calls every FFN the same way.

        Returns:
            (B, N, out_features).
        """
        return self.drop(self.fc2(self.act(self.fc1(x))))
