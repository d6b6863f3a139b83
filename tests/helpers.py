"""Test helpers shared across test folders (importable as ``helpers``: pytest puts ``tests/``
on ``sys.path`` because ``tests/conftest.py`` sits there and ``tests/`` is no package)."""
from __future__ import annotations

import numpy as np

from mmpose.structures.geometry import PIXEL_STD

# Record keys that reach a metric unchanged (``PackPoseInputs`` + the estimator's pass-through).
_PASSED = ('img_id', 'bbox_id', 'bbox_score', 'center', 'scale', 'category_id', 'dataset_name',
           'img_path', 'id', 'bbox', 'gt_keypoints', 'gt_keypoints_visible')


def gt_as_predictions(dataset, shift_x: float = 0.0) -> list[dict]:
    """mmpose 0.24's "GT-as-prediction" on a loaded dataset: one metric sample per record.

    Each record's keypoints (image pixels, optionally shifted right by ``shift_x``) become the
    prediction and its visibility the keypoint score; the box score is 1 and the area
    ``prod(scale * 200)``, as the model path would give.

    Args:
        dataset: A :class:`~mmpose.datasets.BaseTopdownDataset`.
        shift_x: Added to the x of every keypoint (labelled or not).

    Returns:
        Sample dicts as ``metric.process`` receives them.
    """
    samples = []
    for i in range(len(dataset)):
        rec = dataset.get_data_info(i)
        sample = {k: rec[k] for k in _PASSED if k in rec}
        sample.update(
            bbox_score=1.0,
            pred_keypoints=rec['keypoints'] + np.float32([shift_x, 0]),
            pred_scores=rec['keypoints_visible'].astype(np.float32),
            area=float(np.prod(rec['scale'] * PIXEL_STD)))
        samples.append(sample)
    return samples
