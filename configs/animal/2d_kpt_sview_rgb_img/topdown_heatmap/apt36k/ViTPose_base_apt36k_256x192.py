# ViTPose-B on APT-36K (GT boxes, test split of prepro_apt36k.py).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/apt36k.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('apt36k', ))
train_dataloader = dict(dataset={{_base_.apt36k_train}})
val_dataloader = dict(dataset={{_base_.apt36k_test}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.apt36k_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='apt36k/AP'))
