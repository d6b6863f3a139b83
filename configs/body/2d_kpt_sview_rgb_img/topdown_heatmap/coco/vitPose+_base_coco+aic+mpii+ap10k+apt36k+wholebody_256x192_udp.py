# ViTPose+-B: one MoE model trained on COCO, AIC, MPII, AP-10K, APT-36K and COCO-WholeBody.
# Validation during training: COCO (as the original); `tools/test.py` evaluates all six.
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_plus_base.py',
    '../../../../_base_/datasets/topdown_loaders.py',
    '../../../../_base_/datasets/coco.py', '../../../../_base_/datasets/aic.py',
    '../../../../_base_/datasets/mpii.py', '../../../../_base_/datasets/ap10k.py',
    '../../../../_base_/datasets/apt36k.py', '../../../../_base_/datasets/coco_wholebody.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
train_dataloader = dict(batch_size=128, dataset=dict(type='CombinedDataset', datasets=[
    {{_base_.coco_train}}, {{_base_.aic_train}}, {{_base_.mpii_train}}, {{_base_.ap10k_train}},
    {{_base_.apt36k_train}}, {{_base_.wholebody_train}}]))
val_dataloader = dict(dataset={{_base_.coco_val}})
val_evaluator = {{_base_.coco_metric}}
test_dataloader = dict(dataset=dict(type='CombinedDataset', datasets=[
    {{_base_.coco_val}}, {{_base_.aic_val}}, {{_base_.mpii_val}}, {{_base_.ap10k_test}},
    {{_base_.apt36k_test}}, {{_base_.wholebody_val}}]))
test_evaluator = dict(type='MultiDatasetMetric', dataset_metrics=dict(
    coco={{_base_.coco_metric}}, aic={{_base_.aic_metric}}, mpii={{_base_.mpii_metric}},
    ap10k={{_base_.ap10k_metric}}, apt36k={{_base_.apt36k_metric}},
    coco_wholebody={{_base_.wholebody_metric}}))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
