"""InterHand2.6M, single hand in 2D (21): each finger from tip (4) to base (1), then the wrist.

Names and skeleton follow mmpose's ``configs/_base_/datasets/interhand2d.py``; the order is
InterHand2.6M's own (reference_expectations §7.8). A single hand has no flip partners. Upstream
leaves ``sigmas`` empty because InterHand is evaluated with PCK/AUC/EPE; we derive them from the
COCO-WholeBody hand sigmas of the same joint (re-ordered to this layout) so that OKS-based tools
work.
"""
_FINGERS = ['thumb', 'forefinger', 'middle_finger', 'ring_finger', 'pinky_finger']
# COCO-WholeBody hand sigmas in WholeBody order: root, then each finger base (1) -> tip (4)
_WHOLEBODY_HAND_SIGMAS = [0.029, 0.022, 0.035, 0.037, 0.047, 0.026, 0.025, 0.024, 0.035, 0.018,
                          0.024, 0.022, 0.026, 0.017, 0.021, 0.021, 0.032, 0.02, 0.019, 0.022,
                          0.031]


def _wholebody_sigma(finger_idx: int, joint: int) -> float:
    return _WHOLEBODY_HAND_SIGMAS[1 + 4 * finger_idx + (joint - 1)]


METAINFO = dict(
    paper_name='InterHand2.6M',
    keypoint_names=[f'{finger}{j}' for finger in _FINGERS for j in (4, 3, 2, 1)] + ['wrist'],
    flip_pairs=[],
    upper_body=[],
    skeleton=[link for finger in _FINGERS for link in zip(
        ['wrist', f'{finger}1', f'{finger}2', f'{finger}3'],
        [f'{finger}1', f'{finger}2', f'{finger}3', f'{finger}4'])],
    joint_weights=[1.] * 21,
    sigmas=[_wholebody_sigma(f, j) for f in range(5) for j in (4, 3, 2, 1)]
    + [_WHOLEBODY_HAND_SIGMAS[0]],
)
