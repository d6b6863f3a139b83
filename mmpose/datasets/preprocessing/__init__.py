"""Turn released annotation files into the files the dataset configs read.

Pure conversions (dict in, dicts out; a path is accepted and read with errors that name it);
``tools/dataset/*.py`` are thin CLIs over them and write with :func:`write_json_atomic`.
"""
from __future__ import annotations

import contextlib
import json
import os
import os.path as osp
import tempfile

from .apt36k import SPLITS as APT36K_SPLITS
from .apt36k import rebuild_file_name, split_apt36k, split_bounds, video_of_image
from .pw3d import convert_pw3d, joints_to_keypoints, pw3d_category

__all__ = ['APT36K_SPLITS', 'convert_pw3d', 'joints_to_keypoints', 'pw3d_category',
           'rebuild_file_name', 'split_apt36k', 'split_bounds', 'video_of_image',
           'write_json_atomic']


def write_json_atomic(obj: object, path: str | os.PathLike) -> None:
    """Write ``obj`` as JSON through a temporary file in the same folder, then rename it."""
    path = os.fspath(path)
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(json.dumps(obj))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
