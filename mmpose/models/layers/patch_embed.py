"""Image to patch tokens with one strided convolution (ViTPose ``PatchEmbed``)."""
from __future__ import annotations

from torch import Tensor, nn


class PatchEmbed(nn.Module):
    """Conv2d(kernel=patch_size, stride=patch_size // ratio), then flatten to tokens.

    The padding ``4 + 2 * (ratio // 2 - 1)`` (2 for ratio 1) is a ViTPose quirk kept so that
    released checkpoints see the same receptive fields; it does not change the 256x192 grid
    (16x12) because ``floor((256 + 4 - 16) / 16) + 1 = 16``.

    Args:
        img_size: Input (H, W), used for ``num_patches``.
        patch_size: Patch side.
        in_channels: Image channels.
        embed_dim: Token width C.
        ratio: Token oversampling factor (stride ``patch_size // ratio``).

    Attributes:
        num_patches: ``(H // patch) * (W // patch) * ratio**2`` as ViTPose computes it; sizes
            ``pos_embed``.
        grid_size: (Hp, Wp) of the output for an ``img_size`` input, e.g. (16, 12).
    """

    def __init__(self,
                 img_size: tuple[int, int] = (256, 192),
                 patch_size: int = 16,
                 in_channels: int = 3,
                 embed_dim: int = 768,
                 ratio: int = 1) -> None:
        super().__init__()
        self.img_size = tuple(img_size)
        self.patch_size = patch_size
        self.num_patches = (img_size[0] // patch_size) * (img_size[1] // patch_size) * ratio**2
        stride, padding = patch_size // ratio, 4 + 2 * (ratio // 2 - 1)
        self.proj = nn.Conv2d(
            in_channels, embed_dim, kernel_size=patch_size, stride=stride, padding=padding)
        # Token grid (Hp, Wp) the convolution produces for an ``img_size`` input.
        self.grid_size = tuple((size + 2 * padding - patch_size) // stride + 1
                               for size in img_size)

    def forward(self, x: Tensor) -> tuple[Tensor, tuple[int, int]]:
        """Args:
            x: Images, (B, 3, H, W).

        Returns:
            Tokens (B, Hp * Wp, C) and the grid (Hp, Wp).
        """
        x = self.proj(x)
        grid = (x.shape[2], x.shape[3])
        return x.flatten(2).transpose(1, 2), grid
