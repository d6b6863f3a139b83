"""Metrics (mmengine ``BaseMetric`` subclasses registered in ``mmpose.registry.METRICS``)."""
from .coco_metric import CocoMetric
from .multi_dataset_metric import MultiDatasetMetric

__all__ = ['CocoMetric', 'MultiDatasetMetric']
