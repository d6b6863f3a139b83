# The embedded default: a tiny ViTPose on procedurally drawn figures in COCO format
# (tools/dataset/make_synthetic.py --format coco --out data/synthetic_coco). Trains in a few
# minutes on 2 CPU cores; scripts/quickstart.sh runs it.
_base_ = ['../_base_/default_runtime.py', '../_base_/datasets/topdown_loaders.py']
data_root = 'data/synthetic_coco/'
input_size = (128, 160)  # (w, h)
heatmap_size = (32, 40)
embed_dim = 128

model = dict(
    type='TopDown',
    datasets=('coco', ),
    backbone=dict(type='ViT', img_size=(input_size[1], input_size[0]), patch_size=16,
                  embed_dim=embed_dim, depth=4, num_heads=4, mlp_ratio=2, qkv_bias=True),
    keypoint_head=dict(type='HeatmapHead', in_channels=embed_dim,
                       num_deconv_filters=(64, 64), num_deconv_kernels=(4, 4)),
    # the synthetic figures colour left and right limbs differently: no flip augmentation and
    # no flip test
    test_cfg=dict(flip_test=False, use_udp=True, shift_heatmap=False))

train_dataloader = dict(
    batch_size=32, num_workers=1, pin_memory=False,
    dataset=dict(
        type='CocoStyleDataset', dataset_name='coco', image_size=input_size,
        ann_file=data_root + 'annotations/person_keypoints_train2017.json',
        img_prefix=data_root + 'train2017/',
        pipeline=[dict(type='TopdownTrainPipeline', input_size=input_size,
                       heatmap_size=heatmap_size, flip_prob=0., rot_factor=20,
                       scale_factor=0.25, half_body=False)]))
val_dataloader = dict(
    batch_size=64, num_workers=1, pin_memory=False,
    dataset=dict(
        type='CocoStyleDataset', dataset_name='coco', image_size=input_size, test_mode=True,
        ann_file=data_root + 'annotations/person_keypoints_val2017.json',
        img_prefix=data_root + 'val2017/', use_gt_bbox=False,
        bbox_file=data_root
        + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json',
        pipeline=[dict(type='TopdownTestPipeline', input_size=input_size)]))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric',
                     ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator

max_epochs = 12
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=6)
val_cfg = dict()
test_cfg = dict()
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.01),
                     clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='CosineAnnealingLR', begin=0, end=max_epochs, by_epoch=True, eta_min=1e-5),
]
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=6))
randomness = dict(seed=0)
