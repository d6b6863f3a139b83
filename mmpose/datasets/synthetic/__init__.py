"""Procedural synthetic pose data in every native annotation format.

Stick figures built from a dataset's keypoint definition, each keypoint drawn in its own colour
(and shape), on varied backgrounds with occluders; written with the real datasets' file layout
(:mod:`.layout`) so that loaders, configs, tests and the demo run without the real data.
"""
from .generate import generate_dataset
from .layout import FORMATS, LAYOUTS, SPLITS, FormatLayout, get_layout
from .scene import Instance, Scene, SceneConfig, render_scene

__all__ = ['generate_dataset', 'FORMATS', 'LAYOUTS', 'SPLITS', 'FormatLayout', 'get_layout',
           'render_scene', 'Scene', 'SceneConfig', 'Instance']
