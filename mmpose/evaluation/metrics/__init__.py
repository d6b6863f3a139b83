"""Metrics (mmengine ``BaseMetric`` subclasses registered in ``mmpose.registry.METRICS``)."""
from .coco_metric import CocoMetric
from .coco_wholebody_metric import CocoWholeBodyMetric
from .keypoint_pck_metric import PCKAccuracyMetric
from .mpii_pckh_metric import MpiiPCKhMetric
from .multi_dataset_metric import MultiDatasetMetric

__all__ = [
    'CocoMetric', 'CocoWholeBodyMetric', 'MpiiPCKhMetric', 'MultiDatasetMetric',
    'PCKAccuracyMetric'
]
