# ViTPose-B on 3DPW as 2D keypoints (GT boxes), fine-tuned from the COCO model.
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/pw3d.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
# transfer from the COCO model of `tools/model_split.py` (head re-initialised for 24 joints)
model = dict(datasets=('pw3d', ), multihead_pretrained='split_weights/base_coco.pth',
             transfer_head=True, test_cfg=dict(use_udp=False, shift_heatmap=True))
train_dataloader = dict(dataset={{_base_.pw3d_train}})
val_dataloader = dict(dataset={{_base_.pw3d_test}})
test_dataloader = val_dataloader
val_evaluator = {{_base_.pw3d_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='pw3d/AP'))
