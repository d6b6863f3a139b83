# ViTPose-L on APT-36K (GT boxes, test split of prepro_apt36k.py).
_base_ = ['./ViTPose_base_apt36k_256x192.py', '../../../../_base_/models/vit_sizes.py']
model = {{_base_.vit_large}}
optim_wrapper = {{_base_.vit_large_optim}}
