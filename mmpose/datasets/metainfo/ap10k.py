"""AP-10K animal pose (17); APT-36K shares this definition (see ``_ALIASES``).

Names follow the AP-10K annotation file (``left_eye``, ..., ``right_back_paw``); mmpose's
``configs/_base_/datasets/ap10k.py`` spells them ``L_Eye`` etc. Joint weights, sigmas and
skeleton are mmpose's. The joint weights are COCO's list verbatim (an upstream copy, kept for
fidelity). The upper group excludes ``right_front_paw`` because upstream types it ``lower``
(reference_expectations §7.5: upper ids 0, 1, 2, 3, 5, 6, 7, 8, 9).
"""
METAINFO = dict(
    paper_name='AP-10K',
    keypoint_names=[
        'left_eye', 'right_eye', 'nose', 'neck', 'root_of_tail', 'left_shoulder', 'left_elbow',
        'left_front_paw', 'right_shoulder', 'right_elbow', 'right_front_paw', 'left_hip',
        'left_knee', 'left_back_paw', 'right_hip', 'right_knee', 'right_back_paw'
    ],
    flip_pairs=[('left_eye', 'right_eye'), ('left_shoulder', 'right_shoulder'),
                ('left_elbow', 'right_elbow'), ('left_front_paw', 'right_front_paw'),
                ('left_hip', 'right_hip'), ('left_knee', 'right_knee'),
                ('left_back_paw', 'right_back_paw')],
    upper_body=['left_eye', 'right_eye', 'nose', 'neck', 'left_shoulder', 'left_elbow',
                'left_front_paw', 'right_shoulder', 'right_elbow'],
    skeleton=[('left_eye', 'right_eye'), ('left_eye', 'nose'), ('right_eye', 'nose'),
              ('nose', 'neck'), ('neck', 'root_of_tail'), ('neck', 'left_shoulder'),
              ('left_shoulder', 'left_elbow'), ('left_elbow', 'left_front_paw'),
              ('neck', 'right_shoulder'), ('right_shoulder', 'right_elbow'),
              ('right_elbow', 'right_front_paw'), ('root_of_tail', 'left_hip'),
              ('left_hip', 'left_knee'), ('left_knee', 'left_back_paw'),
              ('root_of_tail', 'right_hip'), ('right_hip', 'right_knee'),
              ('right_knee', 'right_back_paw')],
    joint_weights=[1., 1., 1., 1., 1., 1., 1., 1.2, 1.2, 1.5, 1.5, 1., 1., 1.2, 1.2, 1.5, 1.5],
    sigmas=[.025, .025, .026, .035, .035, .079, .072, .062, .079, .072, .062, .107, .087, .089,
            .107, .087, .089],
)
