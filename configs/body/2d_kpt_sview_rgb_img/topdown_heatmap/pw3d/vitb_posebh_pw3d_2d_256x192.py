# PoseBH-B transferred to 3DPW 2D keypoints (PoseBH README: AP 83.8, AR 87.1).
# Prepare: model_split.py on the PoseBH-B checkpoint, then remove_proto.py on its COCO file.
_base_ = ['./ViTPose_base_pw3d_2d_256x192.py', '../../../../_base_/schedules/posebh_transfer.py']
model = {{_base_.posebh_transfer_model}}
# the original transfer recipe: plain Adam, no layer decay, no clipping
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=30, milestones=[10, 15], gamma=0.1, by_epoch=True),
]
train_cfg = dict(max_epochs=30, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
# the backbone trains during epoch 15 only (as the original schedule); the bank learns until 15
custom_hooks = [
    dict(type='ParamScheduleHook', schedule=[
        dict(epoch=0, freeze=['backbone.*', 'proto_head.deconv_layers.*', 'proto_head.neck.*',
                             'proto_head.head.*']),
        dict(epoch=15, thaw=['backbone.*']), dict(epoch=16, freeze=['backbone.*'])]),
    dict(type='ProtoScheduleHook', bank_freeze_epoch=15, css_epoch=None, cluster_epoch=None),
]
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
