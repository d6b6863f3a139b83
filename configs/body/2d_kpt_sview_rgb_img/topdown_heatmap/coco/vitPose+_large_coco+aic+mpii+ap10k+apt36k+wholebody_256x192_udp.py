_base_ = ['./vitPose+_base_coco+aic+mpii+ap10k+apt36k+wholebody_256x192_udp.py']
# ViTPose+-Large: 1024 wide, 24 blocks; experts take a quarter of the FFN output (ViTPose+ Sec. 3)
embed_dim = 1024
model = dict(
    backbone=dict(embed_dim=embed_dim, depth=24, num_heads=16, part_features=embed_dim // 4,
                  drop_path_rate=0.5),
    keypoint_head=dict(in_channels=embed_dim))
optim_wrapper = dict(paramwise_cfg=dict(num_layers=24, layer_decay_rate=0.8))
