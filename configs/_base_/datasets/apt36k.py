# APT-36K (data/ap36k) in AP-10K keypoint format; splits from tools/dataset/prepro_apt36k.py.
apt36k_root = 'data/ap36k/'
apt36k_train = dict(
    type='CocoStyleDataset', dataset_name='apt36k', gt_bbox_only=True,
    ann_file=apt36k_root + 'annotations/apt36k_train.json', img_prefix=apt36k_root + 'images/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False)])
apt36k_test = dict(
    type='CocoStyleDataset', dataset_name='apt36k', gt_bbox_only=True, test_mode=True,
    ann_file=apt36k_root + 'annotations/apt36k_test.json', img_prefix=apt36k_root + 'images/',
    pipeline=[dict(type='TopdownTestPipeline', udp=True)])
apt36k_metric = dict(type='CocoMetric', metainfo='apt36k', prefix='apt36k',
                     ann_file=apt36k_root + 'annotations/apt36k_test.json')
