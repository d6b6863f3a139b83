"""Turn released annotation files into the files the dataset configs read.

Pure conversions (dict in, dicts out; a path is accepted and read with errors that name it);
``tools/dataset/*.py`` are thin CLIs over them and write atomically
(:func:`mmpose.checkpoint.atomic_write_json`).
"""
from __future__ import annotations

from .apt36k import SPLITS as APT36K_SPLITS
from .apt36k import rebuild_file_name, split_apt36k, split_bounds, video_of_image
from .pw3d import convert_pw3d, joints_to_keypoints, pw3d_category

__all__ = ['APT36K_SPLITS', 'convert_pw3d', 'joints_to_keypoints', 'pw3d_category',
           'rebuild_file_name', 'split_apt36k', 'split_bounds', 'video_of_image']
