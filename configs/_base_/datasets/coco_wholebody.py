# COCO-WholeBody v1.0 (data/coco), 133 keypoints = body, foot, face, left hand, right hand.
wholebody_root = 'data/coco/'
wholebody_fields = ('keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts')
wholebody_train = dict(
    type='CocoStyleDataset', dataset_name='coco_wholebody', keypoint_fields=wholebody_fields,
    visibility='positive', ann_file=wholebody_root + 'annotations/coco_wholebody_train_v1.0.json',
    img_prefix=wholebody_root + 'train2017/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False)])
wholebody_val = dict(
    type='CocoStyleDataset', dataset_name='coco_wholebody', keypoint_fields=wholebody_fields,
    visibility='positive', test_mode=True, use_gt_bbox=False,
    ann_file=wholebody_root + 'annotations/coco_wholebody_val_v1.0.json',
    img_prefix=wholebody_root + 'val2017/',
    bbox_file=wholebody_root
    + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
wholebody_metric = dict(type='CocoWholeBodyMetric', prefix='coco_wholebody',
                        ann_file=wholebody_root + 'annotations/coco_wholebody_val_v1.0.json')
