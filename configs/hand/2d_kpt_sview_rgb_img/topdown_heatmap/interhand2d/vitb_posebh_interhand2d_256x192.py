# PoseBH-B transferred to InterHand2.6M (PoseBH README: PCK 98.7, AUC 86.6, EPE 3.61).
# Prepare: model_split.py on the PoseBH-B checkpoint, then remove_proto.py on its COCO file.
_base_ = ['./ViTPose_base_interhand2d_all_256x192.py',
          '../../../../_base_/schedules/posebh_transfer.py']
model = {{_base_.posebh_transfer_model}}
train_dataloader = dict(batch_size=96)
# the original transfer recipe: plain Adam, no layer decay, no clipping
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=5e-4))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=60, milestones=[35, 55], gamma=0.1, by_epoch=True),
]
train_cfg = dict(max_epochs=60, val_interval=5)
default_hooks = dict(checkpoint=dict(interval=5))
# epochs 0-29: head + new bank on a frozen backbone; from 30 the backbone trains too
custom_hooks = [
    dict(type='ParamScheduleHook', schedule=[
        dict(epoch=0, freeze=['backbone.*', 'proto_head.deconv_layers.*', 'proto_head.neck.*',
                             'proto_head.head.*']),
        dict(epoch=30, thaw=['backbone.*'])]),
    dict(type='ProtoScheduleHook', bank_freeze_epoch=30, css_epoch=None, cluster_epoch=None),
]
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
