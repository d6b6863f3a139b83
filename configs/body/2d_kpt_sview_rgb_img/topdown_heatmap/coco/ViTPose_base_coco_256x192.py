# ViTPose-B on COCO, 256x192 (ViTPose paper Table 1: 75.8 AP on val with AP-56 detections).
_base_ = [
    '../../../../_base_/default_runtime.py',
    '../../../../_base_/models/vitpose_base.py',
    '../../../../_base_/datasets/coco.py',
    '../../../../_base_/schedules/vitpose_210e.py',
]
