# Data loading shared by the top-down configs (datasets come from _base_/datasets/<name>.py):
# batch 64 per GPU for training and 32 for evaluation, as the ViTPose configs.
# Training workers are re-forked every epoch and seeded from (seed, epoch, rank)
# (EpochSeedHook): augmentation differs per epoch and a resumed run repeats an uninterrupted one.
train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=False, pin_memory=True,
    worker_init_fn=dict(type='mmpose.seed_worker'),
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='mmpose.pose_collate'))
val_dataloader = dict(
    batch_size=32, num_workers=4, persistent_workers=True, pin_memory=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmpose.pose_collate'))
test_dataloader = val_dataloader
