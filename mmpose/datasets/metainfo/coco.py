"""COCO person keypoints (17). Sigmas from the COCO keypoint evaluation (cocoapi)."""
METAINFO = dict(
    paper_name='COCO',
    keypoint_names=[
        'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder',
        'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip',
        'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle'
    ],
    flip_pairs=[('left_eye', 'right_eye'), ('left_ear', 'right_ear'),
                ('left_shoulder', 'right_shoulder'), ('left_elbow', 'right_elbow'),
                ('left_wrist', 'right_wrist'), ('left_hip', 'right_hip'),
                ('left_knee', 'right_knee'), ('left_ankle', 'right_ankle')],
    upper_body=['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder',
                'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist'],
    skeleton=[('left_ankle', 'left_knee'), ('left_knee', 'left_hip'),
              ('right_ankle', 'right_knee'), ('right_knee', 'right_hip'),
              ('left_hip', 'right_hip'), ('left_shoulder', 'left_hip'),
              ('right_shoulder', 'right_hip'), ('left_shoulder', 'right_shoulder'),
              ('left_shoulder', 'left_elbow'), ('right_shoulder', 'right_elbow'),
              ('left_elbow', 'left_wrist'), ('right_elbow', 'right_wrist'),
              ('left_eye', 'right_eye'), ('nose', 'left_eye'), ('nose', 'right_eye'),
              ('left_eye', 'left_ear'), ('right_eye', 'right_ear'), ('left_ear', 'left_shoulder'),
              ('right_ear', 'right_shoulder')],
    joint_weights=[1., 1., 1., 1., 1., 1., 1., 1.2, 1.2, 1.5, 1.5, 1., 1., 1.2, 1.2, 1.5, 1.5],
    sigmas=[.026, .025, .025, .035, .035, .079, .079, .072, .072, .062, .062, .107, .107, .087,
            .087, .089, .089],
)
