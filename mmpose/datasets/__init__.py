"""Datasets, transforms, samplers and collation."""
from . import transforms  # noqa: F401  (registers the transforms)
from .base_topdown_dataset import BaseTopdownDataset
from .coco_style_dataset import CocoStyleDataset
from .collate import pose_collate

__all__ = ['BaseTopdownDataset', 'CocoStyleDataset', 'pose_collate']
