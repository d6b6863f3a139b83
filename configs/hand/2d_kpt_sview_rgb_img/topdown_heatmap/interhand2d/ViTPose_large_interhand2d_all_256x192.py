# ViTPose-L on InterHand2.6M single hands (PCK, AUC, EPE).
_base_ = ['./ViTPose_base_interhand2d_all_256x192.py', '../../../../_base_/models/vit_sizes.py']
model = {{_base_.vit_large}}
optim_wrapper = {{_base_.vit_large_optim}}
