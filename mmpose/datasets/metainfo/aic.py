"""AI Challenger keypoints (14), in AIC's native order (right side first, unlike COCO).

Values from mmpose's ``configs/_base_/datasets/aic.py`` (identical in mmpose 0.x / 1.x, ViTPose,
PoseBH). The sigmas are AIC's own, much tighter than COCO's, as used by its official evaluation.
"""
METAINFO = dict(
    paper_name='AI Challenger',
    keypoint_names=[
        'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow',
        'left_wrist', 'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee',
        'left_ankle', 'head_top', 'neck'
    ],
    flip_pairs=[('right_shoulder', 'left_shoulder'), ('right_elbow', 'left_elbow'),
                ('right_wrist', 'left_wrist'), ('right_hip', 'left_hip'),
                ('right_knee', 'left_knee'), ('right_ankle', 'left_ankle')],
    upper_body=['right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow',
                'left_wrist', 'head_top', 'neck'],
    skeleton=[('right_wrist', 'right_elbow'), ('right_elbow', 'right_shoulder'),
              ('right_shoulder', 'neck'), ('neck', 'left_shoulder'),
              ('left_shoulder', 'left_elbow'), ('left_elbow', 'left_wrist'),
              ('right_ankle', 'right_knee'), ('right_knee', 'right_hip'),
              ('right_hip', 'left_hip'), ('left_hip', 'left_knee'), ('left_knee', 'left_ankle'),
              ('head_top', 'neck'), ('right_shoulder', 'right_hip'),
              ('left_shoulder', 'left_hip')],
    joint_weights=[1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1.2, 1.5, 1., 1.],
    sigmas=[0.01388152, 0.01515228, 0.01057665, 0.01417709, 0.01497891, 0.01402144,
            0.03909642, 0.03686941, 0.01981803, 0.03843971, 0.03412318, 0.02415081,
            0.01291456, 0.01236173],
)
