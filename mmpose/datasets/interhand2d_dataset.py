"""InterHand2.6M as single 2D hands, loaded with the mmpose 0.24 ``InterHand2DDataset`` rules.

Three JSON files (reference_expectations §7.8): the data file (COCO-like ``images`` with
``capture``/``camera``/``frame_idx``, and ``annotations`` with ``joint_valid`` 42 x [v]), the
camera file (``capture -> campos/camrot/focal/princpt -> camera``) and the joint file
(``capture -> frame_idx -> world_coord`` 42 x 3). Per image:

* project: ``cam = R (X - campos)``, ``u = cam_x / (cam_z + 1e-8) f_x + c_x`` (same for v);
* joints 0-20 are the right hand, 21-41 the left; each hand's validity is multiplied by its
  wrist's (an invalid root invalidates the hand), and a hand is kept only with more than 11
  valid joints, right hand first;
* the box is the tight box of the valid joints, turned into center/scale with padding 1.5.

The tight box stays in the record (``bbox``): PCK normalises by 0.2 x its longer side. The
image-pixel ground truth is copied to ``gt_keypoints``/``gt_keypoints_visible`` because the
pipeline moves ``keypoints`` into the crop, and the metric needs the originals.
"""
from __future__ import annotations

import os.path as osp
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from mmpose.registry import DATASETS

from .base_topdown_dataset import BadRecord, BaseTopdownDataset, load_json

_HANDS = 2  # right (joints 0-20), then left (21-41)
_MIN_VALID = 11  # 0.24 keeps a hand only when more than 11 of its joints are valid
_EPS = 1e-8  # InterHand2.6M's cam2pixel guard against z = 0


def _camera(cameras: dict, capture: str, name: str, where: str) -> tuple[np.ndarray, ...]:
    """``(campos (3,), camrot (3, 3), focal (2,), princpt (2,))`` as float32."""
    try:
        cam = cameras[capture]
        params = tuple(np.asarray(cam[key][name], np.float32)
                       for key in ('campos', 'camrot', 'focal', 'princpt'))
    except (KeyError, TypeError):
        raise BadRecord(f'{where}: camera {name!r} of capture {capture!r} is not in the '
                        'camera file') from None
    shapes = tuple(p.shape for p in params)
    if shapes != ((3, ), (3, 3), (2, ), (2, )) or not all(np.isfinite(p).all() for p in params):
        raise BadRecord(f'{where}: malformed camera {name!r} of capture {capture!r}')
    return params


def _project(world: np.ndarray, campos: np.ndarray, camrot: np.ndarray, focal: np.ndarray,
             princpt: np.ndarray) -> np.ndarray:
    """World joints (N, 3) -> image pixels (N, 2), float32 as in 0.24."""
    cam = np.dot(camrot, world.T - campos.reshape(3, 1)).T
    u = cam[:, 0] / (cam[:, 2] + _EPS) * focal[0] + princpt[0]
    v = cam[:, 1] / (cam[:, 2] + _EPS) * focal[1] + princpt[1]
    return np.stack([u, v], axis=1).astype(np.float32)


def _tight_bbox(joints: np.ndarray, valid: np.ndarray, width: float,
                height: float) -> np.ndarray:
    """The tight (x, y, w, h) box of the valid joints.

    0.24 starts the running min at the image size and the running max at 0, so a hand lying
    wholly right of / below the image (or left of / above it) gets a clipped edge; kept as is.
    """
    pts = joints[valid > 0]
    x1 = min(float(width), float(pts[:, 0].min()))
    y1 = min(float(height), float(pts[:, 1].min()))
    x2 = max(0.0, float(pts[:, 0].max()))
    y2 = max(0.0, float(pts[:, 1].max()))
    return np.array([x1, y1, x2 - x1, y2 - y1], np.float64)


@DATASETS.register_module()
class InterHand2DDataset(BaseTopdownDataset):
    """Top-down InterHand2.6M: one record per valid hand (21 keypoints).

    Args:
        ann_file: Data file (``InterHand2.6M_{split}_data.json``).
        camera_file: Camera file (``InterHand2.6M_{split}_camera.json``).
        joint_file: 3D joint file (``InterHand2.6M_{split}_joint_3d.json``).
        img_prefix: Image folder the data file's ``file_name`` are relative to.
        dataset_name: Metainfo name.
        image_size: Network input size (w, h); sets the box aspect ratio.
        bbox_padding: Box padding (1.5 in 0.24 for InterHand2D).
        pipeline: Transforms applied to each record.
        test_mode: Evaluation mode.
        lazy_init: Defer loading the annotations.
    """

    def __init__(self,
                 ann_file: str,
                 camera_file: str,
                 joint_file: str,
                 img_prefix: str = '',
                 dataset_name: str = 'interhand2d',
                 image_size: Sequence[int] = (192, 256),
                 bbox_padding: float = 1.5,
                 pipeline: Sequence[dict] = (),
                 test_mode: bool = False,
                 lazy_init: bool = False) -> None:
        self.camera_file = camera_file
        self.joint_file = joint_file
        super().__init__(ann_file=ann_file, img_prefix=img_prefix, dataset_name=dataset_name,
                         image_size=image_size, bbox_padding=bbox_padding, pipeline=pipeline,
                         test_mode=test_mode, lazy_init=lazy_init)

    def _load_records(self) -> tuple[list[dict], list[str]]:
        data = load_json(self.ann_file, f'{self.dataset_name} data file (ann_file)')
        if not isinstance(data, dict) or 'images' not in data or 'annotations' not in data:
            raise ValueError(f'{self.ann_file!r} is not an InterHand2.6M data file '
                             "(expected a dict with 'images' and 'annotations')")
        cameras = load_json(self.camera_file, f'{self.dataset_name} camera file (camera_file)')
        joints = load_json(self.joint_file, f'{self.dataset_name} joint file (joint_file)')
        anns = defaultdict(list)
        for ann in data['annotations']:
            if not ann.get('iscrowd', 0):
                anns[ann.get('image_id')].append(ann)
        records: list[dict] = []
        bad: list[str] = []
        for img in data['images']:
            where = f"{self.ann_file}: image {img.get('id')}"
            try:
                if not anns.get(img.get('id')):
                    raise BadRecord(f'{where}: no annotation')
                # 0.24 reads the first annotation of each image (InterHand has one per image)
                records.extend(self._parse_image(img, anns[img['id']][0], cameras, joints,
                                                 len(records), where))
            except BadRecord as e:
                bad.append(str(e))
        return records, bad

    def _parse_image(self, img: dict, ann: dict, cameras: dict, joints: dict, next_bbox_id: int,
                     where: str) -> list[dict]:
        """The kept hands of one image, right hand first."""
        k = self.meta.num_keypoints
        try:
            capture, camera, frame = str(img['capture']), str(img['camera']), str(img['frame_idx'])
            file_name, width, height = img['file_name'], img['width'], img['height']
        except KeyError as e:
            raise BadRecord(f'{where}: missing image field {e}') from None
        campos, camrot, focal, princpt = _camera(cameras, capture, camera, where)
        try:
            world = np.asarray(joints[capture][frame]['world_coord'], np.float32)
        except (KeyError, TypeError):
            raise BadRecord(f'{where}: capture {capture!r} frame {frame!r} is not in the joint '
                            f'file {self.joint_file}') from None
        except ValueError:
            raise BadRecord(f'{where}: world_coord is not a numeric array') from None
        if world.shape != (_HANDS * k, 3) or not np.isfinite(world).all():
            raise BadRecord(f'{where}: world_coord must be {_HANDS * k} finite 3D points, got '
                            f'shape {world.shape}')
        try:
            valid = np.asarray(ann['joint_valid'], np.float32).reshape(-1)
        except (KeyError, TypeError, ValueError):
            raise BadRecord(f"{where}: annotation {ann.get('id')}: missing or malformed "
                            'joint_valid') from None
        if valid.shape != (_HANDS * k, ) or not np.isfinite(valid).all():
            raise BadRecord(f"{where}: annotation {ann.get('id')}: joint_valid has "
                            f'{valid.size} values, expected {_HANDS * k}')
        pixels = _project(world, campos, camrot, focal, princpt).reshape(_HANDS, k, 2)
        valid = valid.reshape(_HANDS, k)
        hands = []
        for hand in range(_HANDS):
            hand_valid = valid[hand] * valid[hand, -1]  # the wrist is each hand's last joint
            if hand_valid.sum() <= _MIN_VALID:
                continue
            visible = np.minimum(1, hand_valid)
            hands.append(self.make_record(
                img_path=osp.join(self.img_prefix, file_name), img_id=img['id'],
                bbox_id=next_bbox_id + len(hands),
                bbox=_tight_bbox(pixels[hand], visible, width, height),
                keypoints=pixels[hand], keypoints_visible=visible,
                gt_keypoints=pixels[hand].copy(), gt_keypoints_visible=visible.copy(),
                id=ann.get('id', -1), category_id=1))
        return hands
