"""3DPW: ScoreHypo-format annotations -> COCO keypoint format (24 SMPL joints).

PoseBH's ``tools/dataset/preprocess_3dpw.py`` (posebh_method.md §10, reference_expectations
§7.9) reads ScoreHypo's 3DPW JSON, a COCO-like dict whose annotations carry ``smpl_joint_img``
(24 x (u, v, depth), the SMPL joints projected into the image), and writes COCO keypoints:

* ``keypoints``: (u, v, vis) per joint with vis = 1 if ``0 <= u < width``, ``0 <= v < height``
  and ``depth >= 0`` (all finite), else 0. The spec only says the flag is stored as 0/1; whether
  PoseBH also zeroes the coordinates of joints with vis = 0 is not recorded (PoseBH's script is
  not available here). We zero them by default (COCO convention, so an all-invisible instance
  reads as "no keypoints"); ``zero_invisible=False`` keeps the projected coordinates. Neither
  training (weight 0) nor COCOeval (v = 0 ground truth is ignored) reads those coordinates.
* ``num_keypoints`` = count of vis = 1; ``iscrowd`` 0; ``category_id`` 1.
* ``bbox`` (x, y, w, h): the annotation's own ``bbox`` when present, else the tight box of the
  visible joints ([0, 0, 0, 0] with none); ``area`` = w * h (the metric uses ``use_area=False``).
* image ``file_name`` = ``<sequence>/<file>``: ``sequence`` from the image record, else the
  folder of its ``file_name``. Images keep ``id``, ``width`` and ``height`` only.
* one category ``person`` with the 24 ``pw3d`` keypoint names and the metainfo's skeleton
  (1-based, COCO convention).
"""
from __future__ import annotations

import os
import posixpath

import numpy as np

from ..base_topdown_dataset import load_json
from ..metainfo import get_metainfo

_FIELD = 'smpl_joint_img'


def pw3d_category() -> dict:
    """The COCO ``person`` category with 3DPW's 24 SMPL joints (names, 1-based skeleton)."""
    meta = get_metainfo('pw3d')
    return dict(id=1, name='person', supercategory='person',
                keypoints=list(meta.keypoint_names),
                skeleton=[[a + 1, b + 1] for a, b in meta.skeleton])


def _image_file_name(img: dict, source: str) -> str:
    """``<sequence>/<file>`` from the image's ``sequence`` or its file's folder."""
    parts = [p for p in str(img.get('file_name', '')).replace('\\', '/').split('/') if p]
    if not parts:
        raise ValueError(f"{source}: image {img.get('id')} has no 'file_name'")
    sequence = img.get('sequence') or (parts[-2] if len(parts) > 1 else None)
    if not sequence:
        raise ValueError(f"{source}: image {img.get('id')} ({parts[-1]!r}) has no 'sequence' "
                         'and its file_name has no sequence folder')
    return posixpath.join(sequence, parts[-1])


def joints_to_keypoints(joints: np.ndarray, width: float, height: float,
                        zero_invisible: bool = True) -> np.ndarray:
    """COCO keypoints from projected joints.

    Args:
        joints: (K, 3) rows of (u, v, depth).
        width: Image width in pixels.
        height: Image height in pixels.
        zero_invisible: Set x = y = 0 for joints with vis = 0.

    Returns:
        (K, 3) rows of (x, y, vis), vis in {0, 1}.
    """
    u, v, depth = joints[:, 0], joints[:, 1], joints[:, 2]
    with np.errstate(invalid='ignore'):
        vis = (np.isfinite(joints).all(1) & (u >= 0) & (u < width) & (v >= 0) & (v < height)
               & (depth >= 0))
    xy = np.where(np.isfinite(joints[:, :2]), joints[:, :2], 0.)
    if zero_invisible:
        xy = np.where(vis[:, None], xy, 0.)
    return np.concatenate([xy, vis[:, None].astype(np.float64)], axis=1)


def _tight_box(kpts: np.ndarray) -> list[float]:
    visible = kpts[kpts[:, 2] > 0, :2]
    if not len(visible):
        return [0., 0., 0., 0.]
    (x0, y0), (x1, y1) = visible.min(0), visible.max(0)
    return [float(x0), float(y0), float(x1 - x0), float(y1 - y0)]


def convert_pw3d(data: dict | str | os.PathLike, zero_invisible: bool = True) -> dict:
    """Convert ScoreHypo-format 3DPW annotations to a COCO keypoint dict.

    Args:
        data: The parsed ScoreHypo JSON (``images``, ``annotations``) or its path.
        zero_invisible: Zero the coordinates of joints with vis = 0 (see module doc).

    Returns:
        COCO dict with ``images``, ``annotations`` and ``categories`` (one ``person``).

    Raises:
        FileNotFoundError: ``data`` is a path that does not exist.
        ValueError: Malformed input, naming the file and the offending record.
    """
    source = '3DPW annotations'
    if not isinstance(data, dict):
        source = os.fspath(data)
        data = load_json(source, 'ScoreHypo 3DPW annotation file')
    if not isinstance(data, dict) or not all(
            isinstance(data.get(k), list) for k in ('images', 'annotations')):
        raise ValueError(f"{source}: expected a dict with 'images' and 'annotations' lists")
    num_joints = len(pw3d_category()['keypoints'])
    images = {}
    for i, img in enumerate(data['images']):
        if not all(k in img for k in ('id', 'width', 'height')):
            raise ValueError(f"{source}: images[{i}] lacks 'id', 'width' or 'height'")
        if img['id'] in images:
            raise ValueError(f"{source}: duplicate image id {img['id']}")
        images[img['id']] = dict(id=img['id'], file_name=_image_file_name(img, source),
                                 width=img['width'], height=img['height'])
    annotations = []
    for i, ann in enumerate(data['annotations']):
        where = f"{source}: annotation {ann.get('id', f'#{i}')}"
        img = images.get(ann.get('image_id'))
        if img is None:
            raise ValueError(f"{where} refers to unknown image_id {ann.get('image_id')!r}")
        joints = np.asarray(ann.get(_FIELD, ()), dtype=np.float64)
        if joints.size != 3 * num_joints:
            raise ValueError(f'{where}: {_FIELD!r} has {joints.size} values, expected '
                             f'{num_joints} x 3 (u, v, depth)')
        kpts = joints_to_keypoints(joints.reshape(num_joints, 3), img['width'], img['height'],
                                   zero_invisible)
        bbox = [float(b) for b in ann['bbox']] if ann.get('bbox') is not None \
            else _tight_box(kpts)
        if len(bbox) != 4:
            raise ValueError(f'{where}: bbox must be (x, y, w, h), got {ann["bbox"]!r}')
        annotations.append(dict(
            id=ann.get('id', i), image_id=img['id'], category_id=1, iscrowd=0,
            keypoints=[v for x, y, vis in kpts.tolist() for v in (round(x, 3), round(y, 3),
                                                               int(vis))],
            num_keypoints=int(kpts[:, 2].sum()), bbox=bbox, area=bbox[2] * bbox[3]))
    return dict(images=list(images.values()), annotations=annotations,
                categories=[pw3d_category()])
