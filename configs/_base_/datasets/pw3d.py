# 3DPW as 2D keypoints (data/pw3d), 24 SMPL joints in COCO format
# (tools/dataset/preprocess_3dpw.py); GT boxes; OKS AP without area.
pw3d_root = 'data/pw3d/'
pw3d_train = dict(
    type='CocoStyleDataset', dataset_name='pw3d', gt_bbox_only=True,
    ann_file=pw3d_root + 'annotations/pw3d_train.json', img_prefix=pw3d_root + 'imageFiles/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False)])
pw3d_test = dict(
    type='CocoStyleDataset', dataset_name='pw3d', gt_bbox_only=True, test_mode=True,
    ann_file=pw3d_root + 'annotations/pw3d_test.json', img_prefix=pw3d_root + 'imageFiles/',
    pipeline=[dict(type='TopdownTestPipeline', udp=False)])
pw3d_metric = dict(type='CocoMetric', metainfo='pw3d', prefix='pw3d', use_area=False,
                   ann_file=pw3d_root + 'annotations/pw3d_test.json')
