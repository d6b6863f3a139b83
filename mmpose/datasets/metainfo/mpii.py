"""MPII Human Pose (16), in MPII's native order.

Values from mmpose's ``configs/_base_/datasets/mpii.py`` (mmpose 0.x / 1.x, ViTPose, PoseBH).
MPII is evaluated with PCKh, so the sigmas only matter for OKS-based tooling.
"""
METAINFO = dict(
    paper_name='MPII Human Pose',
    keypoint_names=[
        'right_ankle', 'right_knee', 'right_hip', 'left_hip', 'left_knee', 'left_ankle',
        'pelvis', 'thorax', 'upper_neck', 'head_top', 'right_wrist', 'right_elbow',
        'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist'
    ],
    flip_pairs=[('right_ankle', 'left_ankle'), ('right_knee', 'left_knee'),
                ('right_hip', 'left_hip'), ('right_wrist', 'left_wrist'),
                ('right_elbow', 'left_elbow'), ('right_shoulder', 'left_shoulder')],
    # the half-body transform's upper group: mmpose 0.x ``upper_body_ids = (7, ..., 15)``
    upper_body=['thorax', 'upper_neck', 'head_top', 'right_wrist', 'right_elbow',
                'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist'],
    skeleton=[('right_ankle', 'right_knee'), ('right_knee', 'right_hip'),
              ('right_hip', 'pelvis'), ('pelvis', 'left_hip'), ('left_hip', 'left_knee'),
              ('left_knee', 'left_ankle'), ('pelvis', 'thorax'), ('thorax', 'upper_neck'),
              ('upper_neck', 'head_top'), ('upper_neck', 'right_shoulder'),
              ('right_shoulder', 'right_elbow'), ('right_elbow', 'right_wrist'),
              ('upper_neck', 'left_shoulder'), ('left_shoulder', 'left_elbow'),
              ('left_elbow', 'left_wrist')],
    joint_weights=[1.5, 1.2, 1., 1., 1.2, 1.5, 1., 1., 1., 1., 1.5, 1.2, 1., 1., 1.2, 1.5],
    sigmas=[.089, .083, .107, .107, .083, .089, .026, .026, .026, .026, .062, .072, .179, .179,
            .072, .062],
)
