# InterHand2.6M (data/interhand2.6m), 21 keypoints per hand; PCK / AUC / EPE.
ih_root = 'data/interhand2.6m/'
ih_ann = ih_root + 'annotations/{}/InterHand2.6M_{}_{}.json'
interhand_train = dict(
    type='InterHand2DDataset', dataset_name='interhand2d',
    ann_file=ih_ann.format('all', 'train', 'data'), camera_file=ih_ann.format('all', 'train', 'camera'),
    joint_file=ih_ann.format('all', 'train', 'joint_3d'), img_prefix=ih_root + 'images/train/',
    pipeline=[dict(type='TopdownTrainPipeline', udp=False, half_body=False, rot_factor=90,
                   scale_factor=0.3)])
interhand_val = dict(
    type='InterHand2DDataset', dataset_name='interhand2d', test_mode=True,
    ann_file=ih_ann.format('machine_annot', 'val', 'data'),
    camera_file=ih_ann.format('machine_annot', 'val', 'camera'),
    joint_file=ih_ann.format('machine_annot', 'val', 'joint_3d'),
    img_prefix=ih_root + 'images/val/', pipeline=[dict(type='TopdownTestPipeline', udp=False)])
interhand_test = dict(
    interhand_val, ann_file=ih_ann.format('all', 'test', 'data'),
    camera_file=ih_ann.format('all', 'test', 'camera'),
    joint_file=ih_ann.format('all', 'test', 'joint_3d'), img_prefix=ih_root + 'images/test/')
interhand_metric = dict(type='PCKAccuracyMetric', prefix='interhand2d',
                        metric_names=('PCK', 'AUC', 'EPE'))
