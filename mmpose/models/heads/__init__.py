"""Prediction heads."""
from .heatmap_head import HeatmapHead, TopdownHeatmapSimpleHead
from .kpt_proto_head import KptProtoHead
from .kpt_prototype import KptPrototype

__all__ = ['HeatmapHead', 'KptProtoHead', 'KptPrototype', 'TopdownHeatmapSimpleHead']
