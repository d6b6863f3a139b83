# AI Challenger (data/aic), 14 keypoints; GT boxes only; tiny OKS sigmas, no area field.
aic_root = 'data/aic/'
aic_train = dict(
    type='CocoStyleDataset', dataset_name='aic', gt_bbox_only=True,
    ann_file=aic_root + 'annotations/aic_train.json',
    img_prefix=aic_root + 'ai_challenger_keypoint_train_20170902/keypoint_train_images_20170902/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False)])
aic_val = dict(
    type='CocoStyleDataset', dataset_name='aic', gt_bbox_only=True, test_mode=True,
    ann_file=aic_root + 'annotations/aic_val.json',
    img_prefix=aic_root
    + 'ai_challenger_keypoint_validation_20170911/keypoint_validation_images_20170911/',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
aic_metric = dict(type='CocoMetric', metainfo='aic', prefix='aic', use_area=False,
                  ann_file=aic_root + 'annotations/aic_val.json')
