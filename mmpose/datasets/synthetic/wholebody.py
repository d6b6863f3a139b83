"""Splitting 133 COCO-WholeBody keypoints into the per-part fields of its annotation files."""
from __future__ import annotations

import numpy as np

from .writer import box_xywh

# part -> (first, end) keypoint index; order: keypoints, foot, face, left hand, right hand
_PARTS = {'foot': (17, 23), 'face': (23, 91), 'lefthand': (91, 112), 'righthand': (112, 133)}
_MIN_PART_BOX = 6.0  # px; smaller faces/hands are left unannotated, as annotators would


def wholebody_parts(keypoints: np.ndarray, visibility: np.ndarray, image_size) -> dict:
    """The ``foot_kpts``/``face_kpts``/``*hand_kpts``, ``*_box`` and ``*_valid`` fields.

    Value types follow the real files: foot ``[int x, int y, int v]``; face floats with v 1.0;
    hands float coordinates with int v; absent points ``[0.0, 0.0, 0.0]``; boxes xywh floats,
    ``[0.0, 0.0, 0.0, 0.0]`` when the part is not annotated.

    Args:
        keypoints: (133, 2) pixel coordinates.
        visibility: (133,) in {0, 1, 2}.
        image_size: (W, H).
    """
    out: dict = {}
    for part, (lo, hi) in _PARTS.items():
        xy, vis = keypoints[lo:hi], visibility[lo:hi]
        labelled = vis > 0
        box = np.zeros(4)
        if labelled.any():
            p0, p1 = xy[labelled].min(0), xy[labelled].max(0)
            centre, half = (p0 + p1) / 2, np.maximum((p1 - p0) * 0.6, 1.0)
            c0 = np.clip(centre - half, 0, np.array(image_size) - 1)
            c1 = np.clip(centre + half, 0, np.array(image_size) - 1)
            box = np.concatenate([c0, c1 - c0])
        valid = bool(labelled.any() and (part == 'foot' or box[2:].max() >= _MIN_PART_BOX))
        kpts: list = []
        for (x, y), v in zip(xy, vis):
            if not (valid and v > 0):
                kpts += [0.0, 0.0, 0.0]
            elif part == 'foot':
                kpts += [int(x), int(y), int(v)]
            elif part == 'face':
                kpts += [float(x), float(y), 1.0]
            else:
                kpts += [float(x), float(y), int(v)]
        out[f'{part}_kpts'] = kpts
        out[f'{part}_valid'] = valid
        if part != 'foot':
            out[f'{part}_box'] = box_xywh(box) if valid else [0.0, 0.0, 0.0, 0.0]
    return out
