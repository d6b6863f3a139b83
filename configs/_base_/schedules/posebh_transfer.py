# PoseBH transfer to a new keypoint set (InterHand2.6M, 3DPW), as named pieces:
#   model = {{_base_.posebh_transfer_model}}
# The model starts from the COCO model of a PoseBH run (tools/model_split.py, then
# tools/remove_proto.py): backbone, head layers and prototype-head layers are loaded, the head's
# final layer and the prototype bank (now of the new keypoints) start fresh. The configs keep
# the prototype head's layers frozen: its fixed embedding and the new bank regularise the backbone.
posebh_transfer_model = dict(
    type='TopDownProto',
    multihead_pretrained='split_weights/posebh_base_coco_no_proto.pth',
    transfer_head=True,
    proto_head=dict(type='KptProtoHead', in_channels=768, hard_cluster=True, cluster_conf_thr=0.2,
                    phm_loss_weight=1.25e-5, css_weight=0., cp_size=0))
