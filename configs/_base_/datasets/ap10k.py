# AP-10K split 1 (data/ap10k), 17 animal keypoints over 54 species; GT boxes.
ap10k_root = 'data/ap10k/'
ap10k_train = dict(
    type='CocoStyleDataset', dataset_name='ap10k', gt_bbox_only=True,
    ann_file=ap10k_root + 'annotations/ap10k-train-split1.json', img_prefix=ap10k_root + 'data/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False)])
ap10k_test = dict(
    type='CocoStyleDataset', dataset_name='ap10k', gt_bbox_only=True, test_mode=True,
    ann_file=ap10k_root + 'annotations/ap10k-test-split1.json', img_prefix=ap10k_root + 'data/',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
ap10k_metric = dict(type='CocoMetric', metainfo='ap10k', prefix='ap10k',
                    ann_file=ap10k_root + 'annotations/ap10k-test-split1.json')
