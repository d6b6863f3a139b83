# ViTPose-H on AI Challenger (GT boxes).
_base_ = ['./ViTPose_base_aic_256x192.py', '../../../../_base_/models/vit_sizes.py']
model = {{_base_.vit_huge}}
optim_wrapper = {{_base_.vit_huge_optim}}
