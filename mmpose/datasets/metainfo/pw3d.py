"""3DPW as 2D keypoints: the 24 SMPL joints, in SMPL order (PoseBH ``TopDownPW3DDataset``).

Names and order from PoseBH's ``tools/dataset/preprocess_3dpw.py`` (reference_expectations
§7.9); the skeleton is SMPL's kinematic tree. PoseBH's ``pw3d_info`` values could not be
checked here, so sigmas and joint weights are *derived*: each SMPL joint takes the COCO sigma
and joint weight of its nearest COCO counterpart (hips/pelvis/spine 0.107, knees 0.087,
ankles/feet 0.089, shoulders/collars 0.079, elbows 0.072, wrists/thumbs 0.062); the head
joints take COCO's face values (neck 0.035 as the ears, jaw 0.026 as the nose).
"""
METAINFO = dict(
    paper_name='3DPW',
    keypoint_names=[
        'pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2',
        'left_ankle', 'right_ankle', 'spine3', 'left_foot', 'right_foot', 'neck', 'left_collar',
        'right_collar', 'jaw', 'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
        'left_wrist', 'right_wrist', 'left_thumb', 'right_thumb'
    ],
    flip_pairs=[('left_hip', 'right_hip'), ('left_knee', 'right_knee'),
                ('left_ankle', 'right_ankle'), ('left_foot', 'right_foot'),
                ('left_collar', 'right_collar'), ('left_shoulder', 'right_shoulder'),
                ('left_elbow', 'right_elbow'), ('left_wrist', 'right_wrist'),
                ('left_thumb', 'right_thumb')],
    upper_body=['spine3', 'neck', 'left_collar', 'right_collar', 'jaw', 'left_shoulder',
                'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
                'left_thumb', 'right_thumb'],
    skeleton=[('pelvis', 'left_hip'), ('pelvis', 'right_hip'), ('pelvis', 'spine1'),
              ('left_hip', 'left_knee'), ('right_hip', 'right_knee'), ('spine1', 'spine2'),
              ('left_knee', 'left_ankle'), ('right_knee', 'right_ankle'), ('spine2', 'spine3'),
              ('left_ankle', 'left_foot'), ('right_ankle', 'right_foot'), ('spine3', 'neck'),
              ('spine3', 'left_collar'), ('spine3', 'right_collar'), ('neck', 'jaw'),
              ('left_collar', 'left_shoulder'), ('right_collar', 'right_shoulder'),
              ('left_shoulder', 'left_elbow'), ('right_shoulder', 'right_elbow'),
              ('left_elbow', 'left_wrist'), ('right_elbow', 'right_wrist'),
              ('left_wrist', 'left_thumb'), ('right_wrist', 'right_thumb')],
    # COCO's weights by counterpart: 1.2 knees/elbows, 1.5 ankles/feet/wrists/thumbs
    joint_weights=[1., 1., 1., 1., 1.2, 1.2, 1., 1.5, 1.5, 1., 1.5, 1.5, 1., 1., 1., 1., 1., 1.,
                   1.2, 1.2, 1.5, 1.5, 1.5, 1.5],
    sigmas=[.107, .107, .107, .107, .087, .087, .107, .089, .089, .107, .089, .089, .035, .079,
            .079, .026, .079, .079, .072, .072, .062, .062, .062, .062],
)
