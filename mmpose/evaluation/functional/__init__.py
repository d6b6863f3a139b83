"""Evaluation functions: OKS / NMS and keypoint accuracy (PCK, AUC, EPE, PCKh)."""
from .keypoint_eval import (
    keypoint_auc,
    keypoint_epe,
    keypoint_pck_accuracy,
    keypoint_pckh,
    mpii_head_sizes,
    mpii_pckh_summary,
    pose_pck_accuracy,
)
from .nms import oks_iou, oks_nms, oks_nms_arrays, pairwise_oks, soft_oks_nms, soft_oks_nms_arrays

__all__ = [
    'keypoint_auc', 'keypoint_epe', 'keypoint_pck_accuracy', 'keypoint_pckh', 'mpii_head_sizes',
    'mpii_pckh_summary', 'pose_pck_accuracy', 'oks_iou', 'oks_nms', 'oks_nms_arrays',
    'pairwise_oks', 'soft_oks_nms', 'soft_oks_nms_arrays'
]
