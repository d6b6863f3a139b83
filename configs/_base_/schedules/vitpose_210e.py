# ViTPose schedule: AdamW 5e-4, layer-wise lr decay, 210 epochs, x0.1 at 170 and 200,
# linear warm-up over 500 iterations from 0.001 x lr. Batch 64/GPU on 8 GPUs (ViTPose paper).
max_epochs = 210
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=10)
val_cfg = dict()
test_cfg = dict()

optim_wrapper = dict(
    # fused=True: one multi-tensor kernel per step instead of a loop over parameters
    optimizer=dict(type='AdamW', lr=5e-4, betas=(0.9, 0.999), weight_decay=0.1, fused=True),
    constructor='LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.75),
    clip_grad=dict(max_norm=1.0, norm_type=2))

param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=max_epochs, milestones=[170, 200], gamma=0.1,
         by_epoch=True),
]
auto_scale_lr = dict(base_batch_size=512)
