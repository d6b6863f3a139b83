# CrowdPose (data/crowdpose), 14 keypoints; AP with easy/medium/hard crowd-index buckets.
crowdpose_root = 'data/crowdpose/'
crowdpose_train = dict(
    type='CocoStyleDataset', dataset_name='crowdpose',
    ann_file=crowdpose_root + 'annotations/mmpose_crowdpose_trainval.json',
    img_prefix=crowdpose_root + 'images/', pipeline=[dict(type='TopdownTrainPipeline', udp=True)])
crowdpose_test = dict(
    type='CocoStyleDataset', dataset_name='crowdpose', test_mode=True, use_gt_bbox=False,
    ann_file=crowdpose_root + 'annotations/mmpose_crowdpose_test.json',
    img_prefix=crowdpose_root + 'images/',
    bbox_file=crowdpose_root + 'annotations/det_for_crowd_test_0.1_0.5.json',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
crowdpose_metric = dict(type='CocoMetric', metainfo='crowdpose', prefix='crowdpose',
                        iou_type='keypoints_crowd',
                        use_area=False, nms_mode='oks_nms',
                        ann_file=crowdpose_root + 'annotations/mmpose_crowdpose_test.json')
