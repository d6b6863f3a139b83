# PoseBH-B (CVPR 2025): ViTPose+-B + keypoint prototypes, cross-type self-supervision (CSS)
# and clustered prototype supervision (CPS) on COCO, AIC, MPII, AP-10K, APT-36K, COCO-WholeBody.
# Train from ViTPose+: --cfg-options model.multihead_pretrained=weights/vitpose+_base.pth
_base_ = [
    '../coco/vitPose+_base_coco+aic+mpii+ap10k+apt36k+wholebody_256x192_udp.py',
    '../../../../_base_/schedules/posebh_100e.py',
]
model = dict(type='TopDownMoEProto', proto_head=dict(type='KptProtoHead', in_channels=768))
train_cfg = {{_base_.posebh_train_cfg}}
param_scheduler = {{_base_.posebh_param_scheduler}}
optim_wrapper = {{_base_.posebh_optim_wrapper}}
custom_hooks = {{_base_.posebh_hooks}}
