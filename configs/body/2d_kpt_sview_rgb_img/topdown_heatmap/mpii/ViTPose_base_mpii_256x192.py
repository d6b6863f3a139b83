# ViTPose-B on MPII (GT boxes, PCKh).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/mpii.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('mpii', ))
train_dataloader = dict(dataset={{_base_.mpii_train}})
val_dataloader = dict(dataset={{_base_.mpii_val}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.mpii_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='mpii/PCKh'))
