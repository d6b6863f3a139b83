# ViTPose-B: plain ViT-B/16 backbone + classic decoder (2 deconvs + 1x1), UDP decoding.
embed_dim = 768
model = dict(
    type='TopDown',
    pretrained=None,
    multihead_pretrained=None,
    datasets=('coco', ),
    backbone=dict(
        type='ViT', img_size=(256, 192), patch_size=16, embed_dim=embed_dim, depth=12,
        num_heads=12, ratio=1, use_checkpoint=False, mlp_ratio=4, qkv_bias=True,
        drop_path_rate=0.3),
    keypoint_head=dict(
        type='HeatmapHead', in_channels=embed_dim, num_deconv_layers=2,
        num_deconv_filters=(256, 256), num_deconv_kernels=(4, 4), final_conv_kernel=1),
    loss=dict(type='JointsMSELoss', use_target_weight=True),
    train_cfg=dict(),
    test_cfg=dict(flip_test=True, post_process='default', shift_heatmap=False,
                  target_type='GaussianHeatmap', modulate_kernel=11, use_udp=True))
