_base_ = ['./ViTPose_base_coco_256x192.py']
# ViT-L/16: 1024 wide, 24 blocks; drop path 0.5, layer decay 0.8 (ViTPose release configs)
embed_dim = 1024
model = dict(
    backbone=dict(embed_dim=embed_dim, depth=24, num_heads=16, drop_path_rate=0.5),
    keypoint_head=dict(in_channels=embed_dim))
optim_wrapper = dict(paramwise_cfg=dict(num_layers=24, layer_decay_rate=0.8))
