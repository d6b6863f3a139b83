# ViTPose-B on AP-10K split 1 (GT boxes, test set).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/ap10k.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('ap10k', ))
train_dataloader = dict(dataset={{_base_.ap10k_train}})
val_dataloader = dict(dataset={{_base_.ap10k_test}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.ap10k_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='ap10k/AP'))
