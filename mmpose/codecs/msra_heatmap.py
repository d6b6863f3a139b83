"""MSRA Gaussian heatmaps (SimpleBaseline), optionally with DARK encoding/decoding."""
from __future__ import annotations

import numpy as np

from mmpose.registry import KEYPOINT_CODECS

from ._gaussian import check_codec_args, check_keypoints, full_gaussians, gaussian_windows, windowed_gaussians
from ._refinement import get_max_preds, refine_dark, refine_quarter_offset

_POST_PROCESSES = (None, 'default', 'unbiased')


@KEYPOINT_CODECS.register_module()
class MSRAHeatmap:
    """Keypoints <-> Gaussian heatmaps as mmpose 0.x ``TopDownGenerateTarget`` (MSRA) and
    ``keypoints_from_heatmaps`` with ``use_udp=False``.

    Encoding puts an unnormalised Gaussian (peak 1) at ``int(kpt / stride + 0.5)``, truncated
    to a (6 sigma + 1)^2 window, with ``stride = input_size / heatmap_size``. With
    ``unbiased=True`` (DARK, Zhang et al. CVPR 2020) the Gaussian is centred at the exact
    location and covers the whole map.

    Decoding returns heatmap-pixel coordinates: the argmax, refined by ``post_process``:
    ``None`` (plain argmax), ``'default'`` (quarter-pixel shift toward the higher neighbour)
    or ``'unbiased'`` (DARK: blur, log, Taylor step). As in 0.x, ``unbiased=True`` turns
    ``'default'`` into ``'unbiased'``.

    Args:
        input_size: input crop size (w, h).
        heatmap_size: heatmap size (w, h).
        sigma: Gaussian standard deviation in heatmap pixels.
        unbiased: use DARK encoding and decoding.
        post_process: decoding refinement, one of None, 'default', 'unbiased'.
        blur_kernel_size: odd kernel of the DARK blur (0.x ``modulate_kernel``).
    """

    use_udp = False

    def __init__(self,
                 input_size: tuple[int, int],
                 heatmap_size: tuple[int, int],
                 sigma: float = 2.0,
                 unbiased: bool = False,
                 post_process: str | None = 'default',
                 blur_kernel_size: int = 11) -> None:
        check_codec_args(input_size, heatmap_size, sigma, blur_kernel_size)
        if post_process not in _POST_PROCESSES:
            raise ValueError(f'post_process must be one of {_POST_PROCESSES}, got '
                             f'{post_process!r}')
        if unbiased and post_process is None:
            raise ValueError('unbiased=True decodes with DARK; post_process=None conflicts')
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = float(sigma)
        self.unbiased = unbiased
        self.post_process = 'unbiased' if unbiased else post_process
        self.blur_kernel_size = blur_kernel_size
        # Input pixels per heatmap pixel, float64 as in 0.x (``image_size / [W, H]``).
        self.stride = np.array(input_size, dtype=np.float64) / np.array(heatmap_size)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(input_size={self.input_size}, heatmap_size='
                f'{self.heatmap_size}, sigma={self.sigma}, unbiased={self.unbiased}, '
                f'post_process={self.post_process!r}, blur_kernel_size={self.blur_kernel_size})')

    def encode(self, keypoints: np.ndarray, keypoints_visible: np.ndarray) -> dict:
        """Encode one instance's keypoints into heatmaps.

        Args:
            keypoints: keypoints (K, 2) in input-crop pixels (stored as float32, as 0.x).
            keypoints_visible: visibility (K,).

        Returns:
            dict: ``heatmaps`` (K, H, W) float32 and ``keypoint_weights`` (K,) float32
            (the visibility, zeroed for keypoints whose Gaussian misses the map).
        """
        keypoints, visible = check_keypoints(keypoints, keypoints_visible)
        if self.unbiased:
            heatmaps, weights = full_gaussians(keypoints, visible, self.stride, self.sigma,
                                               self.heatmap_size)
        else:
            heatmaps, weights = windowed_gaussians(keypoints, visible, self.stride, self.sigma,
                                                   self.heatmap_size, subpixel=False)
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def encode_windows(self, keypoints: np.ndarray, keypoints_visible: np.ndarray) -> dict:
        """What :meth:`encode` draws, as windows for
        :func:`mmpose.codecs.torch_encode.render_gaussian_windows` on the accelerator.

        Returns:
            dict: ``heatmap_windows`` (K, 4) int32, ``heatmap_centers`` (K, 2) float32 and
            ``keypoint_weights`` (K,) float32 (as :meth:`encode`).
        """
        if self.unbiased:
            raise ValueError('DARK targets (unbiased=True) cover the whole map and are drawn on '
                             'the host; set targets_on_device=False')
        keypoints, visible = check_keypoints(keypoints, keypoints_visible)
        windows, centers, weights = gaussian_windows(keypoints, visible, self.stride,
                                                     self.sigma, self.heatmap_size,
                                                     subpixel=False)
        return dict(heatmap_windows=windows, heatmap_centers=centers, keypoint_weights=weights)

    def decode(self, heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decode a batch of heatmaps.

        Args:
            heatmaps: heatmaps (N, K, H, W); not modified.

        Returns:
            tuple: ``keypoints`` (N, K, 2) float32 in heatmap pixels (-1 where the maximum is
            <= 0) and ``scores`` (N, K), the heatmap maxima.
        """
        heatmaps = np.asarray(heatmaps)
        if heatmaps.ndim != 4:
            raise ValueError(f'expected heatmaps (N, K, H, W), got shape {heatmaps.shape}')
        keypoints, scores = get_max_preds(heatmaps)
        if self.post_process == 'unbiased':
            keypoints = refine_dark(keypoints, heatmaps, self.blur_kernel_size)
        elif self.post_process == 'default':
            keypoints = refine_quarter_offset(keypoints, heatmaps)
        return keypoints, scores
