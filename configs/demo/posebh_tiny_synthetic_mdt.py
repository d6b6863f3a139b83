# The embedded PoseBH default: a tiny PoseBH (ViT-MoE + per-dataset heads + keypoint prototypes)
# trained on synthetic data of all six PoseBH datasets in their native formats
# (scripts/quickstart.sh writes them to data/synthetic/<name>), through every stage:
# epochs 0-4 everything trains (the ViTPose+ stage and the prototype bank's momentum learning);
# at 5 the bank freezes, clusters are built (CPS) and CSS starts with the backbone frozen;
# at 8 the backbone thaws. Then tools/test.py evaluates all six datasets in one run.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/topdown_loaders.py']
R = 'data/synthetic/'
input_size, heatmap_size = (128, 160), (32, 40)  # (w, h)
embed_dim = 128
datasets = ('coco', 'aic', 'mpii', 'ap10k', 'apt36k', 'coco_wholebody')
wholebody_fields = ('keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts')

model = dict(
    type='TopDownMoEProto',
    datasets=datasets,
    dataset_to_expert={name: i for i, name in enumerate(datasets)},
    backbone=dict(type='ViTMoE', num_expert=len(datasets), part_features=embed_dim // 4,
                  img_size=(input_size[1], input_size[0]), patch_size=16, embed_dim=embed_dim,
                  depth=4, num_heads=4, mlp_ratio=2, qkv_bias=True),
    keypoint_head=dict(type='HeatmapHead', in_channels=embed_dim, num_deconv_filters=(64, 64)),
    proto_head=dict(type='KptProtoHead', in_channels=embed_dim, num_deconv_filters=(64, 64),
                    channels=32, out_channels=32, cp_size=64),
    # figures colour left and right differently: no flip augmentation, no flip test
    test_cfg=dict(flip_test=False, use_udp=True))


def _train(name, kind, ann, img, udp, **kw):
    return dict(type=kind, dataset_name=name, image_size=input_size, ann_file=R + ann,
                img_prefix=R + img, pipeline=[dict(
                    type='TopdownTrainPipeline', input_size=input_size, heatmap_size=heatmap_size,
                    udp=udp, flip_prob=0., rot_factor=20, scale_factor=0.25, half_body=False)],
                **kw)


def _test(name, kind, ann, img, **kw):
    return dict(type=kind, dataset_name=name, image_size=input_size, ann_file=R + ann,
                img_prefix=R + img, test_mode=True,
                pipeline=[dict(type='TopdownTestPipeline', input_size=input_size)], **kw)


aic_img = 'aic/ai_challenger_keypoint_{}/keypoint_{}_images_{}/'
train_dataloader = dict(batch_size=32, num_workers=1, pin_memory=False, dataset=dict(
    type='CombinedDataset', datasets=[
        _train('coco', 'CocoStyleDataset', 'coco/annotations/person_keypoints_train2017.json',
               'coco/train2017/', True),
        _train('aic', 'CocoStyleDataset', 'aic/annotations/aic_train.json',
               aic_img.format('train_20170902', 'train', '20170902'), False),
        _train('mpii', 'MpiiDataset', 'mpii/annotations/mpii_train.json', 'mpii/images/', True),
        _train('ap10k', 'CocoStyleDataset', 'ap10k/annotations/ap10k-train-split1.json',
               'ap10k/data/', False),
        _train('apt36k', 'CocoStyleDataset', 'ap36k/annotations/apt36k_train.json',
               'ap36k/images/', False),
        _train('coco_wholebody', 'CocoStyleDataset',
               'coco/annotations/coco_wholebody_train_v1.0.json', 'coco/train2017/', False,
               keypoint_fields=wholebody_fields, visibility='positive'),
    ]))
det = R + 'coco/person_detection_results/COCO_val2017_detections_AP_H_56_person.json'
test_dataloader = dict(batch_size=64, num_workers=1, pin_memory=False, dataset=dict(
    type='CombinedDataset', datasets=[
        _test('coco', 'CocoStyleDataset', 'coco/annotations/person_keypoints_val2017.json',
              'coco/val2017/', use_gt_bbox=False, bbox_file=det),
        _test('aic', 'CocoStyleDataset', 'aic/annotations/aic_val.json',
              aic_img.format('validation_20170911', 'validation', '20170911')),
        _test('mpii', 'MpiiDataset', 'mpii/annotations/mpii_val.json', 'mpii/images/'),
        _test('ap10k', 'CocoStyleDataset', 'ap10k/annotations/ap10k-val-split1.json',
              'ap10k/data/'),
        _test('apt36k', 'CocoStyleDataset', 'ap36k/annotations/apt36k_val.json',
              'ap36k/images/'),
        _test('coco_wholebody', 'CocoStyleDataset',
              'coco/annotations/coco_wholebody_val_v1.0.json', 'coco/val2017/',
              keypoint_fields=wholebody_fields, visibility='positive', use_gt_bbox=False,
              bbox_file=det),
    ]))
test_evaluator = dict(type='MultiDatasetMetric', dataset_metrics=dict(
    coco=dict(type='CocoMetric', ann_file=R + 'coco/annotations/person_keypoints_val2017.json'),
    aic=dict(type='CocoMetric', metainfo='aic', use_area=False,
             ann_file=R + 'aic/annotations/aic_val.json'),
    mpii=dict(type='MpiiPCKhMetric', gt_file=R + 'mpii/annotations/mpii_gt_val.mat'),
    ap10k=dict(type='CocoMetric', metainfo='ap10k',
               ann_file=R + 'ap10k/annotations/ap10k-val-split1.json'),
    apt36k=dict(type='CocoMetric', metainfo='apt36k',
                ann_file=R + 'ap36k/annotations/apt36k_val.json'),
    coco_wholebody=dict(type='CocoWholeBodyMetric',
                        ann_file=R + 'coco/annotations/coco_wholebody_val_v1.0.json')))
# evaluation happens once, after training, with tools/test.py
val_dataloader = None
val_evaluator = None
val_cfg = None

max_epochs = 10
train_cfg = dict(by_epoch=True, max_epochs=max_epochs)
test_cfg = dict()
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.01),
                     clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='CosineAnnealingLR', begin=0, end=max_epochs, by_epoch=True, eta_min=1e-5),
]
custom_hooks = [
    dict(type='ParamScheduleHook', schedule=[dict(epoch=5, freeze=['backbone.*']),
                                             dict(epoch=8, thaw=['backbone.*'])]),
    dict(type='ProtoScheduleHook', bank_freeze_epoch=5, css_epoch=5, cluster_epoch=5,
         cluster_options=[48, 64], cluster_iter=100, beta=20),
]
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=max_epochs, save_best=None))
randomness = dict(seed=0)
