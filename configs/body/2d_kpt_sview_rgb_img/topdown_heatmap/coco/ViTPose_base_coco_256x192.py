# ViTPose-B on COCO, 256x192 (ViTPose paper Table 1: 75.8 AP on val with AP-56 detections).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/coco.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
train_dataloader = dict(dataset={{_base_.coco_train}})
val_dataloader = dict(dataset={{_base_.coco_val}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.coco_metric}}
test_evaluator = val_evaluator
