"""Stochastic depth (DropPath) with timm semantics."""
from torch import Tensor, nn


def drop_path(x: Tensor, drop_prob: float = 0., training: bool = False) -> Tensor:
    """Zeroes whole samples of a residual branch with probability ``drop_prob``.

    Survivors are scaled by ``1 / (1 - drop_prob)`` so the expectation is unchanged (timm
    ``drop_path``; Huang et al., "Deep Networks with Stochastic Depth", 2016).

    Args:
        x: Residual-branch output, (B, ...).
        drop_prob: Probability of dropping a sample.
        training: Identity unless True.

    Returns:
        Tensor of the same shape as ``x``.
    """
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1. - drop_prob
    mask_shape = (x.shape[0], ) + (1, ) * (x.ndim - 1)
    mask = x.new_empty(mask_shape).bernoulli_(keep_prob)
    return x * mask / keep_prob


class DropPath(nn.Module):
    """Module wrapper of :func:`drop_path`; identity in eval mode or when ``drop_prob`` is 0.

    Args:
        drop_prob: Probability of dropping a sample's residual branch.
    """

    def __init__(self, drop_prob: float = 0.) -> None:
        super().__init__()
        if not 0. <= drop_prob < 1.:
            raise ValueError(f'drop_prob must be in [0, 1), got {drop_prob}')
        self.drop_prob = drop_prob

    def forward(self, x: Tensor) -> Tensor:
        """Args: x: (B, ...). Returns: (B, ...)."""
        return drop_path(x, self.drop_prob, self.training)

    def extra_repr(self) -> str:
        return f'drop_prob={self.drop_prob}'
