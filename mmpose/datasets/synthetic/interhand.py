"""Writer for InterHand2.6M: the ``data``/``camera``/``joint_3d`` JSON triple.

Hands are drawn in 2D first; each drawn joint (u, v) is then lifted to a random depth z through
its image's camera, ``cam = ((u - c_x) z / f_x, (v - c_y) z / f_y, z)``, and stored in world
coordinates ``X = R^T cam + campos``. Projecting back with the loader's
``cam = R (X - campos)``, ``u = cam_x / cam_z * f_x + c_x`` (reference_expectations §7.8)
reproduces the drawn joints. Joints 0-20 are the right hand, 21-41 the left.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .scene import SceneConfig, render_scene
from .writer import SyntheticWriter, dump_json

_HAND_TYPES = ('right', 'left', 'interacting')
_IMAGES_PER_CAPTURE = 20
_CAMERAS_PER_CAPTURE = 4
_ABSENT_JOINT = [1.0, 1.0, 1.0]  # world_coord of an unannotated hand in the real files


class InterHandWriter(SyntheticWriter):
    """``annotations/{all,machine_annot}/InterHand2.6M_{split}_{data,camera,joint_3d}.json``."""

    scene_cfg = SceneConfig(size_range=(0.4, 0.8), small_prob=0.1, occluders_p=(0.6, 0.3, 0.1))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.images: list[dict] = []
        self.annotations: list[dict] = []
        self.cameras: dict[str, dict[str, dict]] = {}
        self.joints: dict[str, dict[str, dict]] = {}

    def add(self, index: int, rng: np.random.Generator) -> None:
        hand_type = _HAND_TYPES[int(rng.integers(len(_HAND_TYPES)))]
        mirrors = {'right': [False], 'left': [True], 'interacting': [False, True]}[hand_type]
        scene = render_scene(self.meta, rng, self.image_size, self.scene_cfg, mirrors=mirrors)
        capture = index // _IMAGES_PER_CAPTURE + 1
        cams = self._capture_cameras(capture, rng)
        camera = sorted(cams)[int(rng.integers(len(cams)))]
        rot, campos, focal, princpt = (np.array(cams[camera][k]) for k in
                                       ('camrot', 'campos', 'focal', 'princpt'))
        image_id, frame_idx = self.image_id(index), index
        seq_name = f'{capture:04d}_synthetic'
        file_name = self.save_image(scene.image, capture=capture, seq_name=seq_name,
                                    camera=camera, frame_idx=frame_idx)

        world = np.tile(_ABSENT_JOINT, (42, 1))
        valid = np.zeros(42, np.int64)
        for inst in scene.instances:
            start = 21 if inst.mirrored else 0  # a mirrored right hand is a left hand
            depth = rng.uniform(500.0, 900.0) + rng.normal(0.0, 8.0, 21)  # mm
            cam = np.stack([(inst.keypoints[:, 0] - princpt[0]) / focal[0] * depth,
                            (inst.keypoints[:, 1] - princpt[1]) / focal[1] * depth, depth], 1)
            world[start:start + 21] = cam @ rot + campos  # R^T cam + campos, row-wise
            valid[start:start + 21] = inst.visibility > 0
        width, height = self.image_size
        self.images.append(dict(id=image_id, file_name=file_name, width=width, height=height,
                                capture=capture, subject=capture, seq_name=seq_name,
                                camera=camera, frame_idx=frame_idx))
        self.annotations.append(dict(
            id=image_id, image_id=image_id, bbox=_hand_box(scene.instances),
            joint_valid=[[int(v)] for v in valid], hand_type=hand_type, hand_type_valid=1))
        self.joints.setdefault(str(capture), {})[str(frame_idx)] = dict(
            world_coord=world.tolist(), joint_valid=[[bool(v)] for v in valid],
            hand_type=hand_type, hand_type_valid=True)

    def _capture_cameras(self, capture: int, rng: np.random.Generator) -> dict[str, dict]:
        """Cameras of a capture, made when its first image is drawn: name -> parameters."""
        key = str(capture)
        if key not in self.cameras:
            width, height = self.image_size
            cams = {}
            for c in range(_CAMERAS_PER_CAPTURE):
                name = str(400000 + 100 * capture + c)
                cams[name] = dict(
                    campos=rng.uniform(-500.0, 500.0, 3).tolist(),
                    camrot=_rotation(rng.uniform(-1, 1, 3) * np.deg2rad([60, 30, 10])).tolist(),
                    focal=rng.uniform(1200.0, 1300.0, 2).tolist(),
                    princpt=(np.array([width, height]) / 2 + rng.uniform(-10, 10, 2)).tolist())
            self.cameras[key] = cams
        return self.cameras[key]

    def finish(self) -> dict[str, Path]:
        # the camera file is keyed capture -> parameter -> camera name
        cameras = {cap: {k: {name: p[k] for name, p in cams.items()}
                         for k in ('campos', 'camrot', 'focal', 'princpt')}
                   for cap, cams in self.cameras.items()}
        return {'data': dump_json(dict(images=self.images, annotations=self.annotations),
                                  self.paths['data']),
                'camera': dump_json(cameras, self.paths['camera']),
                'joint_3d': dump_json(self.joints, self.paths['joint_3d']),
                'images': self.paths['images']}


def _rotation(angles: np.ndarray) -> np.ndarray:
    """Rotation matrix R = Rz Ry Rx from (x, y, z) Euler angles in radians, (3, 3)."""
    cx, cy, cz = np.cos(angles)
    sx, sy, sz = np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def _hand_box(instances) -> list[float]:
    """The record's ``bbox``: the box of all valid joints, grown 1.2x about its centre."""
    pts = np.concatenate([i.keypoints[i.visibility > 0] for i in instances] + [np.zeros((0, 2))])
    if len(pts) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    lo, hi = pts.min(0), pts.max(0)
    centre, size = (lo + hi) / 2, (hi - lo) * 1.2
    return [float(v) for v in np.concatenate([centre - size / 2, size])]
