"""Datasets, transforms, samplers and collation."""
from . import transforms  # noqa: F401  (registers the transforms)
from .base_topdown_dataset import BaseTopdownDataset
from .coco_style_dataset import CocoStyleDataset
from .combined_dataset import CombinedDataset
from .collate import pose_collate
from .weighted_dataset_sampler import WeightedDatasetSampler

__all__ = ['BaseTopdownDataset', 'CocoStyleDataset', 'CombinedDataset', 'pose_collate',
           'WeightedDatasetSampler']
