# ViTPose+-B: ViT-B/16 whose FFN output is split into a shared part (768 - 192 channels) and one
# 192-channel expert per dataset (ViTPose+ paper Sec. 3), one heatmap head per dataset.
embed_dim = 768
datasets = ('coco', 'aic', 'mpii', 'ap10k', 'apt36k', 'coco_wholebody')
model = dict(
    type='TopDownMoE',
    pretrained=None,
    multihead_pretrained=None,
    datasets=datasets,
    # expert e serves dataset e, the order of the released ViTPose+ checkpoints
    dataset_to_expert={name: i for i, name in enumerate(datasets)},
    backbone=dict(
        type='ViTMoE', num_expert=len(datasets), part_features=embed_dim // 4,
        img_size=(256, 192), patch_size=16, embed_dim=embed_dim, depth=12, num_heads=12,
        ratio=1, use_checkpoint=False, mlp_ratio=4, qkv_bias=True, drop_path_rate=0.3),
    keypoint_head=dict(
        type='HeatmapHead', in_channels=embed_dim, num_deconv_layers=2,
        num_deconv_filters=(256, 256), num_deconv_kernels=(4, 4), final_conv_kernel=1),
    loss=dict(type='JointsMSELoss', use_target_weight=True),
    loss_normalization='batch_share',
    train_cfg=dict(),
    test_cfg=dict(flip_test=True, post_process='default', shift_heatmap=False,
                  target_type='GaussianHeatmap', modulate_kernel=11, use_udp=True))
# a dataset absent from a batch leaves its head without gradient
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
