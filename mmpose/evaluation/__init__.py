"""Evaluation: metric functions (``functional``) and registered metrics (``metrics``)."""
from .functional import (
    keypoint_auc,
    keypoint_epe,
    keypoint_pck_accuracy,
    keypoint_pckh,
    mpii_head_sizes,
    mpii_pckh_summary,
    oks_iou,
    oks_nms,
    oks_nms_arrays,
    pairwise_oks,
    pose_pck_accuracy,
    soft_oks_nms,
    soft_oks_nms_arrays,
)
from .metrics import (
    CocoMetric,
    CocoWholeBodyMetric,
    MpiiPCKhMetric,
    MultiDatasetMetric,
    PCKAccuracyMetric,
)

__all__ = [
    'CocoMetric', 'CocoWholeBodyMetric', 'MpiiPCKhMetric', 'MultiDatasetMetric',
    'PCKAccuracyMetric', 'keypoint_auc', 'keypoint_epe', 'keypoint_pck_accuracy',
    'keypoint_pckh', 'mpii_head_sizes', 'mpii_pckh_summary', 'oks_iou', 'oks_nms',
    'oks_nms_arrays', 'pairwise_oks', 'pose_pck_accuracy', 'soft_oks_nms', 'soft_oks_nms_arrays'
]
