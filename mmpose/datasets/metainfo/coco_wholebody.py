"""COCO-WholeBody v1.0 (133 = 17 body + 6 foot + 68 face + 21 left hand + 21 right hand).

Names, flip partners and skeleton follow mmpose's ``configs/_base_/datasets/coco_wholebody.py``
(face landmarks are named by their 68-point index, ``face-0`` ... ``face-67``). Sigmas are the
official COCO-WholeBody evaluation values (``myeval_wholebody.py`` of jin-s13/COCO-WholeBody),
which mmpose copies; joint weights are all 1, as upstream.
"""
from .coco import METAINFO as _COCO

_FOOT = ['left_big_toe', 'left_small_toe', 'left_heel', 'right_big_toe', 'right_small_toe',
         'right_heel']
_FACE = [f'face-{i}' for i in range(68)]
_FINGERS = ['thumb', 'forefinger', 'middle_finger', 'ring_finger', 'pinky_finger']
# root, then each finger from its base joint (1) to its tip (4)
_HAND = ['hand_root'] + [f'{finger}{j}' for finger in _FINGERS for j in range(1, 5)]

# 68-point face: mirror partners by landmark index (jaw, brows, nose, eyes, outer and inner lips)
_FACE_PAIRS = [(0, 16), (1, 15), (2, 14), (3, 13), (4, 12), (5, 11), (6, 10), (7, 9),
               (17, 26), (18, 25), (19, 24), (20, 23), (21, 22),
               (31, 35), (32, 34),
               (36, 45), (37, 44), (38, 43), (39, 42), (40, 47), (41, 46),
               (48, 54), (49, 53), (50, 52), (55, 59), (56, 58),
               (60, 64), (61, 63), (65, 67)]

_FOOT_SIGMAS = [0.068, 0.066, 0.066, 0.092, 0.094, 0.094]
_FACE_SIGMAS = [
    0.042, 0.043, 0.044, 0.043, 0.040, 0.035, 0.031, 0.025, 0.020, 0.023, 0.029, 0.032, 0.037,
    0.038, 0.043, 0.041, 0.045, 0.013, 0.012, 0.011, 0.011, 0.012, 0.012, 0.011, 0.011, 0.013,
    0.015, 0.009, 0.007, 0.007, 0.007, 0.012, 0.009, 0.008, 0.016, 0.010, 0.017, 0.011, 0.009,
    0.011, 0.009, 0.007, 0.013, 0.008, 0.011, 0.012, 0.010, 0.034, 0.008, 0.008, 0.009, 0.008,
    0.008, 0.007, 0.010, 0.008, 0.009, 0.009, 0.009, 0.007, 0.007, 0.008, 0.011, 0.008, 0.008,
    0.008, 0.01, 0.008
]
_HAND_SIGMAS = [0.029, 0.022, 0.035, 0.037, 0.047, 0.026, 0.025, 0.024, 0.035, 0.018, 0.024,
                0.022, 0.026, 0.017, 0.021, 0.021, 0.032, 0.02, 0.019, 0.022, 0.031]


def _hand_skeleton(side: str) -> list:
    links = []
    for finger in _FINGERS:
        chain = [f'{side}_hand_root'] + [f'{side}_{finger}{j}' for j in range(1, 5)]
        links += list(zip(chain[:-1], chain[1:]))
    return links


METAINFO = dict(
    paper_name='COCO-WholeBody',
    keypoint_names=(_COCO['keypoint_names'] + _FOOT + _FACE + [f'left_{n}' for n in _HAND]
                    + [f'right_{n}' for n in _HAND]),
    flip_pairs=(_COCO['flip_pairs']
                + [('left_big_toe', 'right_big_toe'), ('left_small_toe', 'right_small_toe'),
                   ('left_heel', 'right_heel')]
                + [(f'face-{a}', f'face-{b}') for a, b in _FACE_PAIRS]
                + [(f'left_{n}', f'right_{n}') for n in _HAND]),
    # upstream types only the COCO upper body as 'upper'; face and hands are untyped
    upper_body=_COCO['upper_body'],
    skeleton=(_COCO['skeleton']
              + [('left_ankle', 'left_big_toe'), ('left_ankle', 'left_small_toe'),
                 ('left_ankle', 'left_heel'), ('right_ankle', 'right_big_toe'),
                 ('right_ankle', 'right_small_toe'), ('right_ankle', 'right_heel')]
              + _hand_skeleton('left') + _hand_skeleton('right')),
    joint_weights=[1.] * 133,
    sigmas=_COCO['sigmas'] + _FOOT_SIGMAS + _FACE_SIGMAS + _HAND_SIGMAS + _HAND_SIGMAS,
)
