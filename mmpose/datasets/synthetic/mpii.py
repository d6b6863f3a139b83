"""Writer for MPII: mmpose's JSON list plus, for the val split, the official ``mpii_gt_val.mat``.

JSON entries are ``{joints_vis, joints, image, scale, center}`` with 1-based (Matlab)
coordinates; unlabelled joints are (-1, -1) with ``joints_vis`` 0. ``scale`` is the person
height / 200 and ``center`` sits 15 * scale px above the box centre, so that the loader's
``center_y += 15 * scale`` lands on it (reference_expectations §7.3).
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .scene import render_scene
from .writer import SyntheticWriter, dump_json

# names of the official file's ``dataset_joints``, in MPII joint order
_MAT_JOINTS = ('rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thor', 'neck', 'head',
               'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri')
_MAT_HEADER = b'MATLAB 5.0 MAT-file, Platform: posix, Created by: mmpose synthetic'.ljust(116)


class MpiiWriter(SyntheticWriter):
    """``annotations/mpii_{split}.json`` (+ ``mpii_gt_val.mat`` for ``split='val'``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.records: list[dict] = []
        self.head_boxes: list[np.ndarray] = []  # (2, 2): [[x1, y1], [x2, y2]], 1-based
        names = self.meta.keypoint_names
        self._neck, self._top = names.index('upper_neck'), names.index('head_top')

    def add(self, index: int, rng: np.random.Generator) -> None:
        scene = render_scene(self.meta, rng, self.image_size, self.scene_cfg)
        name = self.save_image(scene.image, image_id=self.image_id(index))
        for inst in scene.instances:
            labelled = inst.visibility > 0
            if not inst.labelled or not labelled.any():
                continue
            kpts = inst.keypoints
            joints = np.where(labelled[:, None], kpts + 1.0, -1.0)
            lo, hi = kpts.min(0), kpts.max(0)
            scale = max(hi[1] - lo[1], hi[0] - lo[0]) / 200.0
            centre = (lo + hi) / 2 + 1.0 - (0.0, 15.0 * scale)
            self.records.append(dict(
                joints_vis=[int(v) for v in labelled], joints=joints.tolist(), image=name,
                scale=round(float(scale), 6), center=[float(c) for c in centre]))
            neck, top = kpts[self._neck] + 1.0, kpts[self._top] + 1.0
            half = np.linalg.norm(top - neck) / 2
            mid = (neck + top) / 2
            self.head_boxes.append(np.stack([mid - half, mid + half]))

    def finish(self) -> dict[str, Path]:
        out = {'annotation': dump_json(self.records, self.paths['annotation']),
               'images': self.paths['images']}
        if self.split == 'val':
            out['gt_mat'] = self._write_mat(self.paths['gt_mat'])
        return out

    def _write_mat(self, path: Path) -> Path:
        """The official PCKh ground truth: ``dataset_joints`` (1x16 cell of names),
        ``jnt_missing`` (16, N), ``pos_gt_src`` (16, 2, N) and ``headboxes_src`` (2, 2, N),
        persons in the JSON's order, 1-based coordinates."""
        from scipy.io import savemat
        n = len(self.records)
        joints = np.array([r['joints'] for r in self.records], float).reshape(n, 16, 2)
        missing = 1 - np.array([r['joints_vis'] for r in self.records], float).reshape(n, 16)
        names = np.empty((1, 16), dtype=object)
        for i, j in enumerate(_MAT_JOINTS):
            names[0, i] = np.array([j])
        boxes = np.array(self.head_boxes, float).reshape(n, 2, 2)
        buf = io.BytesIO()
        savemat(buf, dict(dataset_joints=names, jnt_missing=missing.T,
                          pos_gt_src=joints.transpose(1, 2, 0),
                          headboxes_src=boxes.transpose(1, 2, 0)))
        data = bytearray(buf.getvalue())
        data[:116] = _MAT_HEADER  # scipy stamps the current time here; keep bytes reproducible
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(data))
        return path
