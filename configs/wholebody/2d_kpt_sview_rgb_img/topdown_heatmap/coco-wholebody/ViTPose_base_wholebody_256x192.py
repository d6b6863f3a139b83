# ViTPose-B on COCO-WholeBody (detection boxes).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/coco_wholebody.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('coco_wholebody', ))
train_dataloader = dict(dataset={{_base_.wholebody_train}})
val_dataloader = dict(dataset={{_base_.wholebody_val}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.wholebody_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='coco_wholebody/AP'))
