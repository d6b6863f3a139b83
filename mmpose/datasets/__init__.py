"""Datasets, transforms, samplers and collation."""
from . import transforms  # noqa: F401  (registers the transforms)
from .base_topdown_dataset import BaseTopdownDataset
from .coco_style_dataset import CocoStyleDataset
from .collate import pose_collate
from .combined_dataset import CombinedDataset
from .interhand2d_dataset import InterHand2DDataset
from .mpii_dataset import MpiiDataset
from .weighted_dataset_sampler import WeightedDatasetSampler

__all__ = ['BaseTopdownDataset', 'CocoStyleDataset', 'CombinedDataset', 'InterHand2DDataset',
           'MpiiDataset', 'pose_collate', 'WeightedDatasetSampler']
