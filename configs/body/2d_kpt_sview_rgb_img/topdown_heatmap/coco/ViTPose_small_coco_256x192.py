_base_ = ['./ViTPose_base_coco_256x192.py']
# ViT-S/16: 384 wide, 12 blocks; drop path 0.1, layer decay 0.9 (ViTPose release configs)
embed_dim = 384
model = dict(
    backbone=dict(embed_dim=embed_dim, depth=12, num_heads=12, drop_path_rate=0.1),
    keypoint_head=dict(in_channels=embed_dim))
optim_wrapper = dict(paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.9))
