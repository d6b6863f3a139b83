"""Canonical rest poses of the synthetic figures: a human (body, feet, 68-point face, hands and
SMPL's extra joints), a quadruped and a single hand.

Every model is a kinematic tree of named nodes. Coordinates are 2D, y down, in units of the
figure's height; the human faces the viewer, so its *left* side is at +x. A dataset picks the
nodes named like its keypoints (see :mod:`.template`), so all human datasets (COCO, AIC, MPII,
CrowdPose, 3DPW, COCO-WholeBody) are posed from one model and stay mutually consistent. The
proportions are stylised (a large head) so that face keypoints stay visually separable.
"""
from __future__ import annotations

import numpy as np

_FINGERS = ('thumb', 'forefinger', 'middle_finger', 'ring_finger', 'pinky_finger')

# One hand, wrist at the origin, fingers along +y, thumb towards +x; unit = wrist-to-middle-tip.
# Per finger: joints 1 (base) .. 4 (tip), the COCO-WholeBody / InterHand2.6M numbering.
_HAND = {
    'thumb': [(0.20, 0.15), (0.32, 0.30), (0.42, 0.45), (0.50, 0.60)],
    'forefinger': [(0.17, 0.50), (0.19, 0.68), (0.20, 0.80), (0.21, 0.92)],
    'middle_finger': [(0.05, 0.52), (0.05, 0.72), (0.05, 0.86), (0.05, 1.00)],
    'ring_finger': [(-0.07, 0.50), (-0.08, 0.68), (-0.09, 0.80), (-0.10, 0.92)],
    'pinky_finger': [(-0.18, 0.46), (-0.20, 0.60), (-0.22, 0.70), (-0.24, 0.80)],
}


def _face_68() -> np.ndarray:
    """The 68-point face layout (iBUG order), (68, 2), unit face width, centred on the eyes.

    Index 0 is the jaw point on the subject's right, i.e. at -x for a face looking at the viewer.
    """
    theta = np.linspace(0, np.pi, 17)
    jaw = np.stack([-0.5 * np.cos(theta), 0.15 + 0.55 * np.sin(theta)], 1)
    brow_r = [(-0.42, -0.30), (-0.34, -0.36), (-0.25, -0.38), (-0.16, -0.36), (-0.09, -0.32)]
    brow_l = [(-x, y) for x, y in reversed(brow_r)]
    bridge = [(0.0, -0.20), (0.0, -0.10), (0.0, 0.0), (0.0, 0.10)]
    nostrils = [(-0.12, 0.16), (-0.06, 0.18), (0.0, 0.19), (0.06, 0.18), (0.12, 0.16)]
    eye_r = [(-0.32, 0.0), (-0.26, -0.04), (-0.18, -0.04), (-0.12, 0.0), (-0.18, 0.04),
             (-0.26, 0.04)]
    eye_l = [(0.12, 0.0), (0.18, -0.04), (0.26, -0.04), (0.32, 0.0), (0.26, 0.04), (0.18, 0.04)]
    lips_out = [(-0.20, 0.36), (-0.12, 0.32), (-0.05, 0.31), (0.0, 0.32), (0.05, 0.31),
                (0.12, 0.32), (0.20, 0.36), (0.12, 0.42), (0.05, 0.44), (0.0, 0.445),
                (-0.05, 0.44), (-0.12, 0.42)]
    lips_in = [(-0.15, 0.36), (-0.06, 0.35), (0.0, 0.35), (0.06, 0.35), (0.15, 0.36),
               (0.06, 0.385), (0.0, 0.39), (-0.06, 0.385)]
    rest = [brow_r, brow_l, bridge, nostrils, eye_r, eye_l, lips_out, lips_in]
    return np.concatenate([jaw] + [np.asarray(p, float) for p in rest])


class _TreeBuilder:
    """Collects nodes (name, parent, rest position, swing) in parent-before-child order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.parents: list[int] = []
        self.rest: list[tuple[float, float]] = []
        self.swing: list[float] = []

    def add(self, name: str, parent: str | None, xy, swing_deg: float = 5.0) -> None:
        self.names.append(name)
        self.parents.append(-1 if parent is None else self.names.index(parent))
        self.rest.append((float(xy[0]), float(xy[1])))
        self.swing.append(np.deg2rad(swing_deg))

    def add_sided(self, name: str, parent: str | None, xy, swing_deg: float = 5.0) -> None:
        """Add ``left_<name>`` at ``xy`` and ``right_<name>`` mirrored to -x."""
        for side, sign in (('left', 1.0), ('right', -1.0)):
            par = parent.format(side=side) if parent else None
            self.add(f'{side}_{name}', par, (sign * xy[0], xy[1]), swing_deg)

    def add_hand(self, prefix: str, root: str, origin, scale: float, sign: float,
                 angle: float = 0.0) -> None:
        """Add the 20 finger joints of one hand hanging from node ``root``."""
        c, s = np.cos(angle), np.sin(angle)
        for finger in _FINGERS:
            parent = root
            for j, (x, y) in enumerate(_HAND[finger], start=1):
                x, y = sign * x * scale, y * scale
                xy = (origin[0] + c * x - s * y, origin[1] + s * x + c * y)
                self.add(f'{prefix}{finger}{j}', parent, xy, 20.0 if j > 1 else 8.0)
                parent = f'{prefix}{finger}{j}'


def human_model() -> _TreeBuilder:
    """Front-facing human, about 1.0 tall from head top to toes, pelvis at the origin."""
    t = _TreeBuilder()
    t.add('pelvis', None, (0, 0), 0)
    for name, parent, y in (('spine1', 'pelvis', -0.06), ('spine2', 'spine1', -0.13),
                            ('spine3', 'spine2', -0.20), ('thorax', 'spine3', -0.26),
                            ('neck', 'thorax', -0.29), ('upper_neck', 'neck', -0.32)):
        t.add(name, parent, (0, y), 6)
    t.add('jaw', 'upper_neck', (0, -0.35), 18)  # its swing turns the whole head
    face_w, face_c = 0.13, np.array([0.0, -0.43])
    face = _face_68() * face_w + face_c
    for i, xy in enumerate(face):
        t.add(f'face-{i}', 'jaw', xy, 1)
    t.add('nose', 'jaw', face_c + (0, 0.14 * face_w), 2)
    t.add_sided('eye', 'jaw', face_c + (0.22 * face_w, 0), 2)
    t.add_sided('ear', 'jaw', face_c + (0.62 * face_w, 0.05 * face_w), 2)
    t.add('head_top', 'jaw', face_c + (0, -0.75 * face_w), 2)
    # arms: large swings at shoulder and elbow so that poses vary a lot
    t.add_sided('collar', 'thorax', (0.05, -0.27), 5)
    t.add_sided('shoulder', '{side}_collar', (0.13, -0.27), 8)
    t.add_sided('elbow', '{side}_shoulder', (0.16, -0.12), 65)
    t.add_sided('wrist', '{side}_elbow', (0.18, 0.02), 75)
    t.add_sided('hand_root', '{side}_wrist', (0.182, 0.035), 10)
    t.add_sided('thumb', '{side}_wrist', (0.20, 0.06), 10)  # SMPL's hand joint
    for side, sign in (('left', 1.0), ('right', -1.0)):
        t.add_hand(f'{side}_', f'{side}_hand_root', (sign * 0.182, 0.035), 0.09, sign)
    # legs
    t.add_sided('hip', 'pelvis', (0.08, 0.01), 5)
    t.add_sided('knee', '{side}_hip', (0.09, 0.25), 30)
    t.add_sided('ankle', '{side}_knee', (0.09, 0.46), 35)
    t.add_sided('heel', '{side}_ankle', (0.075, 0.49), 5)
    t.add_sided('big_toe', '{side}_ankle', (0.10, 0.53), 8)
    t.add_sided('small_toe', '{side}_ankle', (0.135, 0.515), 8)
    t.add_sided('foot', '{side}_ankle', (0.115, 0.52), 8)
    return t


def quadruped_model() -> _TreeBuilder:
    """Side view of a four-legged animal facing +x; the near (left) legs are drawn in front."""
    t = _TreeBuilder()
    t.add('root_of_tail', None, (-0.35, 0.0), 0)
    t.add('neck', 'root_of_tail', (0.35, -0.05), 8)
    t.add('nose', 'neck', (0.62, -0.02), 35)
    t.add('left_eye', 'nose', (0.53, -0.12), 4)
    t.add('right_eye', 'nose', (0.49, -0.10), 4)
    for side, dx, dy in (('left', 0.0, 0.0), ('right', -0.06, 0.03)):
        t.add(f'{side}_shoulder', 'neck', (0.30 + dx, 0.08 + dy), 5)
        t.add(f'{side}_elbow', f'{side}_shoulder', (0.32 + dx, 0.28 + dy), 30)
        t.add(f'{side}_front_paw', f'{side}_elbow', (0.32 + dx, 0.48 + dy), 35)
        t.add(f'{side}_hip', 'root_of_tail', (-0.28 + dx, 0.08 + dy), 5)
        t.add(f'{side}_knee', f'{side}_hip', (-0.25 + dx, 0.28 + dy), 30)
        t.add(f'{side}_back_paw', f'{side}_knee', (-0.29 + dx, 0.48 + dy), 35)
    return t


def hand_model() -> _TreeBuilder:
    """One right hand seen from the palm, fingers up, wrist at the origin."""
    t = _TreeBuilder()
    t.add('wrist', None, (0.0, 0.0), 0)
    t.add_hand('', 'wrist', (0.0, 0.0), 1.0, 1.0, angle=np.pi)
    return t


MODELS = {'human': human_model, 'quadruped': quadruped_model, 'hand': hand_model}
