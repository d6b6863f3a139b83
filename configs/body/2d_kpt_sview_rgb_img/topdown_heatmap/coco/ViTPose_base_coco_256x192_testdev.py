# ViTPose-base on COCO test-dev (writes the submission file; no ground truth to score).
_base_ = ['./ViTPose_base_coco_256x192.py', '../../../../_base_/datasets/coco_testdev.py']
test_dataloader = dict(dataset={{_base_.testdev_dataset}})
test_evaluator = {{_base_.testdev_evaluator}}
