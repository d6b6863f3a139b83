_base_ = ['./vitPose+_base_coco+aic+mpii+ap10k+apt36k+wholebody_256x192_udp.py']
# ViTPose+-Small: 384 wide, 12 blocks; experts take a quarter of the FFN output (ViTPose+ Sec. 3)
embed_dim = 384
model = dict(
    backbone=dict(embed_dim=embed_dim, depth=12, num_heads=12, part_features=embed_dim // 4,
                  drop_path_rate=0.1),
    keypoint_head=dict(in_channels=embed_dim))
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.9))
