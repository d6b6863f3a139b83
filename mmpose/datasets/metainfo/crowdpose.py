"""CrowdPose (14), in CrowdPose's order (COCO's limbs, then head top and neck).

Values from mmpose's ``configs/_base_/datasets/crowdpose.py``; the annotation file itself names
the head keypoint ``head`` where mmpose says ``top_head``. The joint weights are upstream's
unusual list (reference_expectations §7.6); they only matter with per-joint loss weights.
"""
METAINFO = dict(
    paper_name='CrowdPose',
    keypoint_names=[
        'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist',
        'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
        'right_ankle', 'top_head', 'neck'
    ],
    flip_pairs=[('left_shoulder', 'right_shoulder'), ('left_elbow', 'right_elbow'),
                ('left_wrist', 'right_wrist'), ('left_hip', 'right_hip'),
                ('left_knee', 'right_knee'), ('left_ankle', 'right_ankle')],
    upper_body=['left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist',
                'right_wrist', 'top_head', 'neck'],
    skeleton=[('left_ankle', 'left_knee'), ('left_knee', 'left_hip'),
              ('right_ankle', 'right_knee'), ('right_knee', 'right_hip'),
              ('left_hip', 'right_hip'), ('left_shoulder', 'left_hip'),
              ('right_shoulder', 'right_hip'), ('left_shoulder', 'right_shoulder'),
              ('left_shoulder', 'left_elbow'), ('right_shoulder', 'right_elbow'),
              ('left_elbow', 'left_wrist'), ('right_elbow', 'right_wrist'),
              ('top_head', 'neck'), ('right_shoulder', 'neck'), ('left_shoulder', 'neck')],
    joint_weights=[0.2, 0.2, 0.2, 1.3, 1.5, 0.2, 1.3, 1.5, 0.2, 0.2, 0.5, 0.2, 0.2, 0.5],
    sigmas=[.079, .079, .072, .072, .062, .062, .107, .107, .087, .087, .089, .089, .079, .079],
)
