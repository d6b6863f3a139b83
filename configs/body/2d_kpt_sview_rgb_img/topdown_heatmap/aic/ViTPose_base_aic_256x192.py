# ViTPose-B on AI Challenger (GT boxes).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/aic.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('aic', ))
train_dataloader = dict(dataset={{_base_.aic_train}})
val_dataloader = dict(dataset={{_base_.aic_val}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.aic_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='aic/AP'))
