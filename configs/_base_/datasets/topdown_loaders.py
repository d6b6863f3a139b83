# Data loading shared by the top-down configs (datasets come from _base_/datasets/<name>.py):
# batch 64 per GPU for training and 32 for evaluation, as the ViTPose configs.
# Each sample's augmentation is seeded from (seed, epoch, dataset, index) (EpochSeedHook), so
# workers can persist and a resumed run repeats an uninterrupted one, whatever num_workers is.
train_dataloader = dict(
    batch_size=64, num_workers=4, persistent_workers=True, pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='mmpose.pose_collate'))
val_dataloader = dict(
    batch_size=32, num_workers=4, persistent_workers=True, pin_memory=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmpose.pose_collate'))
test_dataloader = val_dataloader
