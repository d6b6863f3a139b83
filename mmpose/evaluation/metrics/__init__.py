"""Metrics (mmengine ``BaseMetric`` subclasses registered in ``mmpose.registry.METRICS``)."""
from .coco_metric import CocoMetric

__all__ = ['CocoMetric']
