"""Geometry of top-down crops in the mmpose 0.x conventions (center, scale in 200 px)."""
from .geometry import (
    PIXEL_STD,
    affine_transform_points,
    bbox_cs2xyxy,
    bbox_xywh2cs,
    flip_heatmaps,
    fliplr_joints,
    get_affine_transform,
    get_warp_matrix,
    rotate_point,
    transform_preds,
)

__all__ = [
    'PIXEL_STD', 'affine_transform_points', 'bbox_cs2xyxy', 'bbox_xywh2cs', 'flip_heatmaps',
    'fliplr_joints', 'get_affine_transform', 'get_warp_matrix', 'rotate_point',
    'transform_preds'
]
