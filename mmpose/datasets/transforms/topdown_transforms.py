"""Top-down augmentation and the crop warp (mmpose 0.24 semantics).

The horizontal flip does not copy the image: it flips keypoints and the box centre and records
``results['flip']``; :class:`TopdownAffine` folds the mirror into its single warp.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from mmpose.registry import TRANSFORMS
from mmpose.structures import (
    affine_transform_points,
    fliplr_joints,
    get_affine_transform,
    get_warp_matrix,
)

from .encoded_jpeg import EncodedJpeg

PIXEL_STD = 200.0  # box scales are in units of 200 px (mmpose 0.x convention)


@TRANSFORMS.register_module()
class TopdownRandomShiftCenter:
    """Shift the box centre by U(-f, f) x (box w, h) with probability ``prob``.

    mmpose 0.24 applies this once when the dataset is built (f = 0.2, p = 0.3), which freezes
    the shift for the whole run; here it is drawn for every sample.
    """

    def __init__(self, shift_factor: float = 0.2, prob: float = 0.3) -> None:
        self.shift_factor = shift_factor
        self.prob = prob

    def __call__(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            wh = results['bbox'][2:4]
            shift = 2 * self.shift_factor * (np.random.rand(2) - 0.5) * wh
            results['center'] = (results['center'] + shift).astype(np.float32)
        return results


@TRANSFORMS.register_module()
class TopdownRandomFlip:
    """Horizontal flip with probability ``prob`` (keypoints swapped by ``flip_indices``)."""

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = prob

    def __call__(self, results: dict) -> dict:
        results.setdefault('flip', False)
        if np.random.rand() <= self.prob:
            width = results['img_shape'][1]
            kpts, vis = fliplr_joints(results['keypoints'], results['keypoints_visible'], width,
                                      results['flip_indices'])
            results['keypoints'], results['keypoints_visible'] = kpts, vis
            center = results['center'].copy()
            center[0] = width - center[0] - 1
            results['center'] = center
            results['flip'] = not results['flip']
        return results


@TRANSFORMS.register_module()
class TopdownHalfBody:
    """Crop to the upper or lower body (mmpose 0.24 ``TopDownHalfBodyTransform``).

    Fires with probability ``prob`` when more than ``min_keypoints`` keypoints are visible. The
    upper body is chosen when ``randn() < 0.5`` (about 69 % of the time, as the reference does).
    """

    def __init__(self, input_size: Sequence[int], min_keypoints: int = 8, prob: float = 0.3,
                 padding: float = 1.5) -> None:
        self.aspect_ratio = input_size[0] / input_size[1]
        self.min_keypoints = min_keypoints
        self.prob = prob
        self.padding = padding

    def __call__(self, results: dict) -> dict:
        vis = results['keypoints_visible'] > 0
        if vis.sum() <= self.min_keypoints or np.random.rand() >= self.prob:
            return results
        upper_mask = np.zeros_like(vis)
        upper_mask[list(results['upper_body_ids'])] = True
        upper = results['keypoints'][vis & upper_mask]
        lower = results['keypoints'][vis & ~upper_mask]
        if np.random.randn() < 0.5 and len(upper) > 2:
            selected = upper
        elif len(lower) > 2:
            selected = lower
        else:
            selected = upper
        if len(selected) < 2:
            return results
        center = selected.mean(axis=0)
        w, h = selected.max(axis=0) - selected.min(axis=0)
        if w > self.aspect_ratio * h:
            h = w / self.aspect_ratio
        elif w < self.aspect_ratio * h:
            w = h * self.aspect_ratio
        results['center'] = center.astype(np.float32)
        results['scale'] = (np.array([w, h], np.float32) / PIXEL_STD * self.padding)
        return results


@TRANSFORMS.register_module()
class TopdownRandomScaleRotation:
    """Random box scale ``clip(1 + sf·N(0,1), 1-sf, 1+sf)`` and rotation
    ``clip(rf·N(0,1), -2rf, 2rf)`` (applied with probability ``rot_prob``)."""

    def __init__(self, rot_factor: float = 40, scale_factor: float = 0.5,
                 rot_prob: float = 0.6) -> None:
        self.rot_factor = rot_factor
        self.scale_factor = scale_factor
        self.rot_prob = rot_prob

    def __call__(self, results: dict) -> dict:
        sf, rf = self.scale_factor, self.rot_factor
        s_factor = np.clip(np.random.randn() * sf + 1, 1 - sf, 1 + sf)
        results['scale'] = (results['scale'] * s_factor).astype(np.float32)
        r_factor = np.clip(np.random.randn() * rf, -rf * 2, rf * 2)
        results['rotation'] = float(r_factor) if np.random.rand() <= self.rot_prob else 0.
        return results


@TRANSFORMS.register_module()
class TopdownAffine:
    """Warp the box to the network input in one ``cv2.warpAffine`` (flip folded in).

    Args:
        input_size: Network input (w, h).
        use_udp: Unbiased data processing (UDP) warp instead of the classic affine.
    """

    def __init__(self, input_size: Sequence[int], use_udp: bool = False) -> None:
        self.input_size = np.asarray(input_size, dtype=np.float32)
        self.use_udp = use_udp

    def matrix(self, results: dict) -> np.ndarray:
        """Crop matrix (2, 3) from (flipped) image coordinates to input pixels."""
        c, s = results['center'], results['scale']
        r = results.get('rotation', 0.)
        if self.use_udp:
            return get_warp_matrix(r, c * 2.0, self.input_size - 1.0, s * PIXEL_STD)
        return get_affine_transform(c, s, r, self.input_size)

    def __call__(self, results: dict) -> dict:
        mat = self.matrix(results).astype(np.float64)
        img_mat = mat
        if results.get('flip', False):
            width = results['img_shape'][1]
            mirror = np.array([[-1., 0., width - 1.], [0., 1., 0.], [0., 0., 1.]])
            img_mat = img_mat @ mirror
        w, h = int(self.input_size[0]), int(self.input_size[1])
        img = results['img']
        if isinstance(img, EncodedJpeg):  # decode only the region (and resolution) needed
            results['img'] = img.warp(img_mat, (w, h))
        else:
            results['img'] = cv2.warpAffine(img, img_mat, (w, h), flags=cv2.INTER_LINEAR)
        if 'keypoints' in results:
            results['keypoints'] = affine_transform_points(results['keypoints'],
                                                           mat).astype(np.float32)
        results['input_size'] = (w, h)
        return results
