"""Prediction heads."""
from .heatmap_head import HeatmapHead, TopdownHeatmapSimpleHead

__all__ = ['HeatmapHead', 'TopdownHeatmapSimpleHead']
