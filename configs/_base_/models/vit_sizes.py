# ViT sizes of the ViTPose release configs, as deltas over the ViT-B model of a config:
#   model = {{_base_.vit_huge}}
#   optim_wrapper = {{_base_.vit_huge_optim}}
vit_small = dict(backbone=dict(embed_dim=384, depth=12, num_heads=12, drop_path_rate=0.1),
                 keypoint_head=dict(in_channels=384))
vit_small_optim = dict(paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.9))
vit_large = dict(backbone=dict(embed_dim=1024, depth=24, num_heads=16, drop_path_rate=0.5),
                 keypoint_head=dict(in_channels=1024))
vit_large_optim = dict(paramwise_cfg=dict(num_layers=24, layer_decay_rate=0.8))
vit_huge = dict(backbone=dict(embed_dim=1280, depth=32, num_heads=16, drop_path_rate=0.55),
                keypoint_head=dict(in_channels=1280))
vit_huge_optim = dict(paramwise_cfg=dict(num_layers=32, layer_decay_rate=0.85))
