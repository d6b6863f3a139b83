# ViTPose-L on AP-10K split 1 (GT boxes, test set).
_base_ = ['./ViTPose_base_ap10k_256x192.py', '../../../../_base_/models/vit_sizes.py']
model = {{_base_.vit_large}}
optim_wrapper = {{_base_.vit_large_optim}}
