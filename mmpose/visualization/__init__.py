"""Visualisation (drawing predictions)."""
from .draw import default_sizes, draw_bboxes, draw_keypoints

__all__ = ['draw_keypoints', 'draw_bboxes', 'default_sizes']
