"""UDP Gaussian heatmaps (unbiased data processing) with DARK-UDP decoding."""
from __future__ import annotations

import numpy as np

from mmpose.registry import KEYPOINT_CODECS

from ._gaussian import check_codec_args, check_keypoints, gaussian_windows, windowed_gaussians
from ._refinement import get_max_preds, refine_dark_udp


@KEYPOINT_CODECS.register_module()
class UDPHeatmap:
    """Keypoints <-> Gaussian heatmaps with UDP (Huang et al., "The Devil is in the Details",
    CVPR 2020), as mmpose 0.x ``TopDownGenerateTarget(target_type='GaussianHeatmap')`` and
    ``keypoints_from_heatmaps(use_udp=True)``.

    Sizes are measured in pixel intervals: ``stride = (input_size - 1) / (heatmap_size - 1)``.
    Encoding places a (6 sigma + 1)^2 window at the rounded location and centres the Gaussian
    inside it on the exact sub-pixel location. Decoding is always the argmax refined by
    DARK-UDP (0.x applies it whatever ``post_process`` says); map the result to the image with
    ``transform_preds(..., use_udp=True)``.

    Args:
        input_size: input crop size (w, h).
        heatmap_size: heatmap size (w, h).
        sigma: Gaussian standard deviation in heatmap pixels.
        blur_kernel_size: odd kernel of the DARK-UDP blur (0.x ``modulate_kernel``).
    """

    use_udp = True

    def __init__(self,
                 input_size: tuple[int, int],
                 heatmap_size: tuple[int, int],
                 sigma: float = 2.0,
                 blur_kernel_size: int = 11) -> None:
        check_codec_args(input_size, heatmap_size, sigma, blur_kernel_size)
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = float(sigma)
        self.blur_kernel_size = blur_kernel_size
        # Float64 as in 0.x: ``(image_size - 1.0) / (heatmap_size - 1.0)``.
        self.stride = (np.array(input_size) - 1.0) / (np.array(heatmap_size) - 1.0)

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(input_size={self.input_size}, heatmap_size='
                f'{self.heatmap_size}, sigma={self.sigma}, '
                f'blur_kernel_size={self.blur_kernel_size})')

    def encode(self, keypoints: np.ndarray, keypoints_visible: np.ndarray) -> dict:
        """Encode one instance's keypoints into heatmaps.

        Args:
            keypoints: keypoints (K, 2) in input-crop pixels (stored as float32, as 0.x).
            keypoints_visible: visibility (K,).

        Returns:
            dict: ``heatmaps`` (K, H, W) float32 and ``keypoint_weights`` (K,) float32
            (the visibility, zeroed for keypoints whose window misses the map).
        """
        keypoints, visible = check_keypoints(keypoints, keypoints_visible)
        heatmaps, weights = windowed_gaussians(keypoints, visible, self.stride, self.sigma,
                                               self.heatmap_size, subpixel=True)
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def encode_windows(self, keypoints: np.ndarray, keypoints_visible: np.ndarray) -> dict:
        """What :meth:`encode` draws, as windows for
        :func:`mmpose.codecs.torch_encode.render_gaussian_windows` on the accelerator.

        Returns:
            dict: ``heatmap_windows`` (K, 4) int32, ``heatmap_centers`` (K, 2) float32 and
            ``keypoint_weights`` (K,) float32 (as :meth:`encode`).
        """
        keypoints, visible = check_keypoints(keypoints, keypoints_visible)
        windows, centers, weights = gaussian_windows(keypoints, visible, self.stride,
                                                     self.sigma, self.heatmap_size,
                                                     subpixel=True)
        return dict(heatmap_windows=windows, heatmap_centers=centers, keypoint_weights=weights)

    def decode(self, heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decode a batch of heatmaps.

        Args:
            heatmaps: heatmaps (N, K, H, W); not modified.

        Returns:
            tuple: ``keypoints`` (N, K, 2) float32 in heatmap pixels and ``scores`` (N, K),
            the maxima of the un-blurred heatmaps.
        """
        heatmaps = np.asarray(heatmaps)
        if heatmaps.ndim != 4:
            raise ValueError(f'expected heatmaps (N, K, H, W), got shape {heatmaps.shape}')
        keypoints, scores = get_max_preds(heatmaps)
        keypoints = refine_dark_udp(keypoints, heatmaps, self.blur_kernel_size)
        return keypoints, scores
