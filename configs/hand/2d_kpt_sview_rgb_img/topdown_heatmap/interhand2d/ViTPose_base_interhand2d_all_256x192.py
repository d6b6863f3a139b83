# ViTPose-B on InterHand2.6M single hands (PCK, AUC, EPE).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/interhand2d.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
# classic (non-UDP) warp and decoding with the 1-px flip shift, as the original configs
model = dict(datasets=('interhand2d', ),
             test_cfg=dict(use_udp=False, shift_heatmap=True))
train_dataloader = dict(dataset={{_base_.interhand_train}})
val_dataloader = dict(dataset={{_base_.interhand_val}})
test_dataloader = dict(dataset={{_base_.interhand_test}})
val_evaluator = {{_base_.interhand_metric}}
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='interhand2d/AUC'))
