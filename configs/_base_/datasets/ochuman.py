# OCHuman (data/ochuman), COCO keypoints, GT boxes only (heavy occlusion benchmark).
ochuman_root = 'data/ochuman/'
ochuman_val = dict(
    type='CocoStyleDataset', dataset_name='ochuman', gt_bbox_only=True, test_mode=True,
    ann_file=ochuman_root + 'annotations/ochuman_coco_format_val_range_0.00_1.00.json',
    img_prefix=ochuman_root + 'images/', pipeline=[dict(type='TopdownTestPipeline', udp=True)])
ochuman_test = dict(
    ochuman_val,
    ann_file=ochuman_root + 'annotations/ochuman_coco_format_test_range_0.00_1.00.json')
ochuman_metric = dict(
    type='CocoMetric', metainfo='ochuman', prefix='ochuman',
    ann_file=ochuman_root + 'annotations/ochuman_coco_format_test_range_0.00_1.00.json')
ochuman_val_metric = dict(
    ochuman_metric,
    ann_file=ochuman_root + 'annotations/ochuman_coco_format_val_range_0.00_1.00.json')
