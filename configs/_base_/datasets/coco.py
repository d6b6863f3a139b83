# COCO person keypoints (data/coco): UDP, val with the AP-56 person detections.
# Combine with `dataset={{_base_.coco_train}}` etc.; every name is prefixed so that several
# dataset files can be bases of one multi-dataset config.
coco_root = 'data/coco/'
coco_train = dict(
    type='CocoStyleDataset', dataset_name='coco',
    ann_file=coco_root + 'annotations/person_keypoints_train2017.json',
    img_prefix=coco_root + 'train2017/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=True)])
coco_val = dict(
    type='CocoStyleDataset', dataset_name='coco',
    ann_file=coco_root + 'annotations/person_keypoints_val2017.json',
    img_prefix=coco_root + 'val2017/', test_mode=True, use_gt_bbox=False,
    bbox_file=coco_root + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
    det_bbox_thr=0.0, pipeline=[dict(type='TopdownTestPipeline', udp=True)])
coco_metric = dict(
    type='CocoMetric', prefix='coco',
    ann_file=coco_root + 'annotations/person_keypoints_val2017.json',
    nms_mode='oks_nms', nms_thr=0.9, keypoint_score_thr=0.2)
