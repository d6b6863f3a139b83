# MPII (data/mpii), 16 keypoints, PCKh with the official head-box protocol (mpii_gt_val.mat).
mpii_root = 'data/mpii/'
mpii_train = dict(
    type='MpiiDataset', dataset_name='mpii', ann_file=mpii_root + 'annotations/mpii_train.json',
    img_prefix=mpii_root + 'images/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=True, half_body=False)])
mpii_val = dict(
    type='MpiiDataset', dataset_name='mpii', test_mode=True,
    ann_file=mpii_root + 'annotations/mpii_val.json', img_prefix=mpii_root + 'images/',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
mpii_metric = dict(type='MpiiPCKhMetric', prefix='mpii', gt_file=mpii_root + 'annotations/mpii_gt_val.mat')
