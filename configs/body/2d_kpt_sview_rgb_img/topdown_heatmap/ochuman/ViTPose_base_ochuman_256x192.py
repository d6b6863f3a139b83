# ViTPose-B on COCO, tested on OCHuman (GT boxes).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/coco.py',
    '../../../../_base_/datasets/ochuman.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
# OCHuman shares COCO's keypoints: its samples use the COCO head
model = dict(datasets=('coco', ), dataset_aliases=dict(ochuman='coco'))
train_dataloader = dict(dataset={{_base_.coco_train}})
val_dataloader = dict(dataset={{_base_.ochuman_val}})
test_dataloader = dict(dataset={{_base_.ochuman_test}})
val_evaluator = {{_base_.ochuman_val_metric}}
test_evaluator = {{_base_.ochuman_metric}}
default_hooks = dict(checkpoint=dict(save_best='ochuman/AP'))
