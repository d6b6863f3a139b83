# COCO person keypoints, 256x192, UDP targets; val with person detections (AP 56 detector).
data_root = 'data/coco/'
input_size = (192, 256)  # (w, h)
heatmap_size = (48, 64)
codec = dict(type='UDPHeatmap', input_size=input_size, heatmap_size=heatmap_size, sigma=2)

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='TopdownRandomShiftCenter', shift_factor=0.2, prob=0.3),
    dict(type='TopdownRandomFlip', prob=0.5),
    dict(type='TopdownHalfBody', input_size=input_size, min_keypoints=8, prob=0.3),
    dict(type='TopdownRandomScaleRotation', rot_factor=40, scale_factor=0.5, rot_prob=0.6),
    dict(type='TopdownAffine', input_size=input_size, use_udp=True),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='TopdownAffine', input_size=input_size, use_udp=True),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True, pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='mmpose.pose_collate'),
    dataset=dict(
        type='CocoStyleDataset', dataset_name='coco', image_size=input_size,
        ann_file=data_root + 'annotations/person_keypoints_train2017.json',
        img_prefix=data_root + 'train2017/', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32, num_workers=4, persistent_workers=True, pin_memory=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmpose.pose_collate'),
    dataset=dict(
        type='CocoStyleDataset', dataset_name='coco', image_size=input_size,
        ann_file=data_root + 'annotations/person_keypoints_val2017.json',
        img_prefix=data_root + 'val2017/', test_mode=True, use_gt_bbox=False,
        bbox_file=data_root
        + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        det_bbox_thr=0.0, pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val2017.json',
    nms_mode='oks_nms', nms_thr=0.9, keypoint_score_thr=0.2)
test_evaluator = val_evaluator
