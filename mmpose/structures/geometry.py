"""Top-down geometry in the mmpose 0.x conventions, vectorised.

Conventions (as in mmpose 0.24, which ViTPose and PoseBH vendor):

* ``center`` is in image pixels, shape (2,) or (N, 2);
* ``scale`` is the box size in units of ``PIXEL_STD`` = 200 px, shape (2,) or (N, 2);
* sizes (``image_size``, ``heatmap_size``, ``output_size``) are given as (w, h);
* heatmaps are laid out (N, K, H, W).

Every function reproduces the 0.x arithmetic (operation order and float32/float64 choices) so
the results are numerically identical to the loop versions it replaces.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import torch

# The 0.x box scale is normalised by this many pixels (``pixel_std`` in mmpose 0.x).
PIXEL_STD = 200.0

ArrayLike = np.ndarray | Sequence[float]


def rotate_point(pt: ArrayLike, angle_rad: float) -> list:
    """Rotate a point about the origin.

    Args:
        pt: the point (x, y).
        angle_rad: rotation angle in radians (counter-clockwise in x-right, y-up axes).

    Returns:
        The rotated point [x', y'] as a list, like 0.x.
    """
    if len(pt) != 2:
        raise ValueError(f'rotate_point expects a 2D point, got {pt!r}')
    sn, cs = np.sin(angle_rad), np.cos(angle_rad)
    return [pt[0] * cs - pt[1] * sn, pt[0] * sn + pt[1] * cs]


def _get_3rd_point(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the point c such that (a - b) rotated by 90 degrees is (c - b).

    Args:
        a: first point (2,), float32.
        b: second point (2,), float32.

    Returns:
        The third point (2,).
    """
    direction = a - b
    return b + np.array([-direction[1], direction[0]], dtype=np.float32)


def get_affine_transform(center: ArrayLike,
                         scale: ArrayLike,
                         rot: float,
                         output_size: Sequence[int],
                         shift: Sequence[float] = (0., 0.),
                         inv: bool = False) -> np.ndarray:
    """The 0.x affine matrix mapping a (center, scale) box onto ``output_size``.

    Only the box width ``scale[0] * 200`` sets the zoom; the output aspect ratio is assumed to
    match the box (the loaders enforce it). Three point pairs (center, a point above it and a
    third point perpendicular to both) are passed to ``cv2.getAffineTransform`` in float32.

    Args:
        center: box center (2,) in image pixels.
        scale: box size (2,) in units of 200 px.
        rot: rotation angle in degrees (counter-clockwise).
        output_size: destination size (w, h).
        shift: translation as a fraction of the box size.
        inv: if True, return the inverse mapping (output -> image).

    Returns:
        The affine matrix (2, 3), float64.
    """
    if len(center) != 2 or len(scale) != 2 or len(output_size) != 2 or len(shift) != 2:
        raise ValueError('center, scale, output_size and shift must all have length 2, got '
                         f'{center!r}, {scale!r}, {output_size!r}, {shift!r}')
    center = np.asarray(center)
    scale_tmp = np.asarray(scale) * PIXEL_STD
    shift_px = scale_tmp * np.array(shift)
    src_w = scale_tmp[0]
    dst_w, dst_h = output_size[0], output_size[1]

    rot_rad = np.pi * rot / 180
    src_dir = rotate_point([0., src_w * -0.5], rot_rad)
    dst_dir = np.array([0., dst_w * -0.5])

    src = np.zeros((3, 2), dtype=np.float32)
    src[0, :] = center + shift_px
    src[1, :] = center + src_dir + shift_px
    src[2, :] = _get_3rd_point(src[0, :], src[1, :])

    dst = np.zeros((3, 2), dtype=np.float32)
    dst[0, :] = [dst_w * 0.5, dst_h * 0.5]
    dst[1, :] = np.array([dst_w * 0.5, dst_h * 0.5]) + dst_dir
    dst[2, :] = _get_3rd_point(dst[0, :], dst[1, :])

    if inv:
        return cv2.getAffineTransform(dst, src)
    return cv2.getAffineTransform(src, dst)


def get_warp_matrix(theta: float, size_input: ArrayLike, size_dst: ArrayLike,
                    size_target: ArrayLike) -> np.ndarray:
    """The UDP affine matrix (Huang et al., "The Devil is in the Details", CVPR 2020).

    ``TopDownAffine(use_udp=True)`` calls it as
    ``get_warp_matrix(rot, 2 * center, image_size - 1, scale * 200)``.

    Args:
        theta: rotation angle in degrees.
        size_input: size (w, h) of the input image, i.e. twice the box center.
        size_dst: size (w, h) of the destination measured in pixel intervals (size - 1).
        size_target: size (w, h) of the box in the input image.

    Returns:
        The affine matrix (2, 3), float32.
    """
    # float64 throughout, as numpy < 2 promoted float32 scalars times Python floats in 0.x.
    size_input, size_dst, size_target = (np.asarray(size, dtype=np.float64)
                                         for size in (size_input, size_dst, size_target))
    theta = np.deg2rad(theta)
    cos, sin = math.cos(theta), math.sin(theta)
    scale_x = size_dst[0] / size_target[0]
    scale_y = size_dst[1] / size_target[1]
    matrix = np.zeros((2, 3), dtype=np.float32)
    matrix[0, 0] = cos * scale_x
    matrix[0, 1] = -sin * scale_x
    matrix[0, 2] = scale_x * (-0.5 * size_input[0] * cos + 0.5 * size_input[1] * sin +
                              0.5 * size_target[0])
    matrix[1, 0] = sin * scale_y
    matrix[1, 1] = cos * scale_y
    matrix[1, 2] = scale_y * (-0.5 * size_input[0] * sin - 0.5 * size_input[1] * cos +
                              0.5 * size_target[1])
    return matrix


def affine_transform_points(points: ArrayLike, mat: ArrayLike) -> np.ndarray:
    """Apply an affine matrix to points.

    Computed as one ``np.dot`` of homogeneous coordinates with ``mat.T``, the way 0.x's
    ``warp_affine_joints`` does (float32 points and matrix stay float32, as in its UDP path;
    a float64 matrix gives float64, as in 0.x ``affine_transform``).

    Args:
        points: points (..., 2).
        mat: affine matrix (2, 3).

    Returns:
        The transformed points (..., 2) in the promoted dtype of the inputs.
    """
    points = np.asarray(points)
    mat = np.asarray(mat)
    if points.shape[-1] != 2 or mat.shape != (2, 3):
        raise ValueError(f'expected points (..., 2) and a (2, 3) matrix, got {points.shape} '
                         f'and {mat.shape}')
    dtype = np.result_type(points.dtype, mat.dtype, np.float32)
    flat = points.reshape(-1, 2).astype(dtype)
    homogeneous = np.concatenate([flat, np.ones((len(flat), 1), dtype)], axis=1)
    return np.dot(homogeneous, mat.T.astype(dtype)).reshape(points.shape)


def fliplr_joints(joints: np.ndarray, visible: np.ndarray, img_width: int,
                  flip_indices: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Mirror keypoints horizontally and swap left/right partners (0.x ``fliplr_joints``).

    As in 0.x the coordinates of invisible joints (swapped visibility <= 0) become 0. This
    is the later-0.x rule (``* (visible > 0)``); v0.24 multiplied by the visibility value,
    which is the same for the 0/1 visibilities its loaders produce.

    Args:
        joints: keypoints (K, 2) or (K, 3) in image pixels.
        visible: visibility (K,) (a trailing singleton or per-coordinate axis is accepted).
        img_width: image width in pixels; x' = img_width - 1 - x.
        flip_indices: flip_indices[k] is the index of the partner of keypoint k.

    Returns:
        The flipped keypoints with the shape of ``joints`` and the swapped visibility with
        the shape of ``visible``.
    """
    joints = np.asarray(joints)
    visible = np.asarray(visible)
    if len(joints) != len(visible) or len(flip_indices) != len(joints):
        raise ValueError(f'joints ({len(joints)}), visible ({len(visible)}) and flip_indices '
                         f'({len(flip_indices)}) must have one entry per keypoint')
    if img_width <= 0:
        raise ValueError(f'img_width must be positive, got {img_width}')
    index = np.asarray(flip_indices, dtype=np.int64)
    joints_flipped = joints[index].copy()
    visible_flipped = visible[index].copy()
    joints_flipped[:, 0] = img_width - 1 - joints_flipped[:, 0]
    vis = visible_flipped[:, None] if visible_flipped.ndim == 1 else visible_flipped
    return joints_flipped * (vis > 0), visible_flipped


def flip_heatmaps(heatmaps: np.ndarray | torch.Tensor,
                  flip_indices: Sequence[int],
                  shift: bool = False) -> np.ndarray | torch.Tensor:
    """Map heatmaps predicted on a mirrored image back to the original (0.x ``flip_back``).

    The paired channels are swapped, then the maps are mirrored along W. With ``shift`` the
    result is shifted right by one pixel (``out[..., 1:] = out[..., :-1]``, column 0 is kept),
    which is 0.x's ``test_cfg.shift_heatmap``. Applying it twice without shift is the identity.

    Args:
        heatmaps: heatmaps (N, K, H, W), numpy array or torch tensor (any device).
        flip_indices: flip_indices[k] is the index of the partner of keypoint k.
        shift: whether to shift the result right by one pixel.

    Returns:
        The flipped-back heatmaps (N, K, H, W), of the same type as the input (a new array).
    """
    if heatmaps.ndim != 4 or len(flip_indices) != heatmaps.shape[1]:
        raise ValueError(f'expected heatmaps (N, K, H, W) with K == len(flip_indices) = '
                         f'{len(flip_indices)}, got shape {tuple(heatmaps.shape)}')
    if isinstance(heatmaps, torch.Tensor):
        index = torch.as_tensor(list(flip_indices), dtype=torch.long, device=heatmaps.device)
        out = heatmaps.index_select(1, index).flip(-1)
        if shift:
            out = torch.cat([out[..., :1], out[..., :-1]], dim=-1)
        return out
    flipped = np.ascontiguousarray(np.asarray(heatmaps)[:, list(flip_indices), :, ::-1])
    if shift:
        flipped[..., 1:] = flipped[..., :-1].copy()
    return flipped


def transform_preds(coords: np.ndarray,
                    center: np.ndarray,
                    scale: np.ndarray,
                    heatmap_size: Sequence[int],
                    use_udp: bool = False) -> np.ndarray:
    """Map heatmap coordinates back to the image (0.x ``transform_preds``, batched).

    ``x_img = x * s / W + cx - s / 2`` with ``s = scale_x * 200`` (``W - 1`` instead of ``W``
    with UDP), likewise for y. The arithmetic is done in the promoted dtype of the inputs
    (float32 in, float32 out, as 0.x does with its float32 predictions).

    Args:
        coords: heatmap coordinates (N, K, 2), or (K, 2) for a single instance.
        center: box centers (N, 2), or (2,).
        scale: box scales (N, 2), or (2,), in units of 200 px.
        heatmap_size: heatmap size (w, h).
        use_udp: use the unbiased (UDP) pixel-interval mapping.

    Returns:
        Image coordinates with the shape of ``coords``.
    """
    coords, center, scale = np.asarray(coords), np.asarray(center), np.asarray(scale)
    if coords.shape[-1] != 2 or center.shape[-1] != 2 or scale.shape[-1] != 2:
        raise ValueError(f'expected coords (N, K, 2), center and scale (N, 2), got '
                         f'{coords.shape}, {center.shape}, {scale.shape}')
    dtype = np.result_type(coords.dtype, center.dtype, scale.dtype, np.float32)
    coords, center, scale = coords.astype(dtype), center.astype(dtype), scale.astype(dtype)
    scale = scale * dtype.type(PIXEL_STD)
    size = np.asarray(heatmap_size, dtype=dtype) - (dtype.type(1) if use_udp else 0)
    pixel_size = (scale / size)[..., None, :]
    return coords * pixel_size + center[..., None, :] - scale[..., None, :] * dtype.type(0.5)


def bbox_xywh2cs(bbox: ArrayLike,
                 aspect_ratio: float,
                 padding: float = 1.25) -> tuple[np.ndarray, np.ndarray]:
    """Convert boxes to 0.x (center, scale) with the aspect-ratio fix (0.x ``_xywh2cs``).

    The box is enlarged in one direction to match ``aspect_ratio`` = image w / h, then padded.
    No random center shift is applied here (that is a training transform).

    Args:
        bbox: boxes (..., 4) as (x, y, w, h) in image pixels.
        aspect_ratio: target width / height, e.g. 192 / 256.
        padding: scale multiplier (1.25 in 0.x; 1.5 for InterHand2D).

    Returns:
        tuple: ``center`` (..., 2) in image pixels and ``scale`` (..., 2) in units of 200 px,
        both float32.
    """
    bbox = np.asarray(bbox, dtype=np.float64)
    if bbox.shape[-1] != 4:
        raise ValueError(f'expected boxes (..., 4) as xywh, got shape {bbox.shape}')
    x, y, w, h = np.moveaxis(bbox, -1, 0)
    center = np.stack([x + w * 0.5, y + h * 0.5], axis=-1).astype(np.float32)
    w, h = (np.where(w < aspect_ratio * h, h * aspect_ratio, w),
            np.where(w > aspect_ratio * h, w * 1.0 / aspect_ratio, h))
    scale = np.stack([w / PIXEL_STD, h / PIXEL_STD], axis=-1).astype(np.float32)
    return center, scale * float(padding)


def bbox_cs2xyxy(center: ArrayLike, scale: ArrayLike, padding: float = 1.0) -> np.ndarray:
    """Convert (center, scale) back to corner boxes.

    Args:
        center: box centers (..., 2) in image pixels.
        scale: box scales (..., 2) in units of 200 px.
        padding: the padding to remove (use 1.25 to undo :func:`bbox_xywh2cs`).

    Returns:
        Boxes (..., 4) as (x1, y1, x2, y2).
    """
    center = np.asarray(center)
    wh = np.asarray(scale) * PIXEL_STD / padding
    return np.concatenate([center - wh * 0.5, center + wh * 0.5], axis=-1)
