# ViTPose-B on CrowdPose (detection boxes).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/crowdpose.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
model = dict(datasets=('crowdpose', ))
train_dataloader = dict(dataset={{_base_.crowdpose_train}})
val_dataloader = dict(dataset={{_base_.crowdpose_test}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.crowdpose_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='crowdpose/AP'))
