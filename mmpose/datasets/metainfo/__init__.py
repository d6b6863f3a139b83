"""Dataset metadata as data: one module per keypoint definition."""
from .dataset_meta import DatasetMeta, available_metainfo, get_metainfo, parse_metainfo

__all__ = ['DatasetMeta', 'get_metainfo', 'parse_metainfo', 'available_metainfo']
