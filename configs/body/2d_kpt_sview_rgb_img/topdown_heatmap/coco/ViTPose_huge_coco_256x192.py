_base_ = ['./ViTPose_base_coco_256x192.py']
# ViT-H/16: 1280 wide, 32 blocks; drop path 0.55, layer decay 0.85 (ViTPose release configs)
embed_dim = 1280
model = dict(
    backbone=dict(embed_dim=embed_dim, depth=32, num_heads=16, drop_path_rate=0.55),
    keypoint_head=dict(in_channels=embed_dim))
optim_wrapper = dict(paramwise_cfg=dict(num_layers=32, layer_decay_rate=0.85))
