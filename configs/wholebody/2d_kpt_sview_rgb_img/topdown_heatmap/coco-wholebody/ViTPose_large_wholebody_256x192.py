# ViTPose-L on COCO-WholeBody (detection boxes).
_base_ = ['./ViTPose_base_wholebody_256x192.py', '../../../../_base_/models/vit_sizes.py']
model = {{_base_.vit_large}}
optim_wrapper = {{_base_.vit_large_optim}}
