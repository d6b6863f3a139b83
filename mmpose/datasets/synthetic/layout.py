"""Where each native format keeps its files: the one place for per-format path conventions.

Paths are relative to the dataset root, the ``data/<name>`` folder the configs point at, and use
the real datasets' names (reference_expectations §7 and the samples README), so
``make_synthetic.py --format coco --out data/coco`` produces a tree the standard configs read.
Templates may use ``{split}`` and the per-split fields of ``split_fields``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FormatLayout:
    """Path conventions of one native format.

    Attributes:
        dataset: Metainfo name of its keypoint definition.
        files: Role (``'annotation'``, ``'detections'``, ...) -> relative path template.
        images: Image folder template.
        image_name: Image file name template, relative to ``images``; fields are supplied by
            the writer (``image_id``, ``hash``, ``sequence``, ``frame``, ``capture``, ...).
        split_fields: Extra template fields whose value depends on the split.
        id_offset: Added to image and annotation ids, so that formats sharing an image folder
            (COCO and COCO-WholeBody both live in ``data/coco``) never collide.
    """

    dataset: str
    files: dict[str, str]
    images: str
    image_name: str
    split_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    id_offset: int = 0

    def fields(self, split: str) -> dict[str, str]:
        out = {'split': split}
        for key, by_split in self.split_fields.items():
            if split not in by_split:
                raise ValueError(f'split {split!r} has no {key!r}; known: {sorted(by_split)}')
            out[key] = by_split[split]
        return out

    def paths(self, root: str | Path, split: str) -> dict[str, Path]:
        """Absolute paths of the files (by role) and of the image folder (``'images'``)."""
        root, fields = Path(root), self.fields(split)
        out = {role: root / tpl.format(**fields) for role, tpl in self.files.items()}
        out['images'] = root / self.images.format(**fields)
        return out


_SPLITS = ('train', 'val', 'test')
_COCO_DET = 'person_detection_results/COCO_{split}2017_detections_AP_H_56_person.json'

LAYOUTS: dict[str, FormatLayout] = {
    'coco': FormatLayout(
        dataset='coco',
        files={'annotation': 'annotations/person_keypoints_{split}2017.json',
               'detections': _COCO_DET},
        images='{split}2017', image_name='{image_id:012d}.jpg'),
    'coco_wholebody': FormatLayout(
        dataset='coco_wholebody',
        files={'annotation': 'annotations/coco_wholebody_{split}_v1.0.json',
               'detections': _COCO_DET},
        images='{split}2017', image_name='{image_id:012d}.jpg', id_offset=1_000_000),
    'aic': FormatLayout(
        dataset='aic',
        files={'annotation': 'annotations/aic_{split}.json'},
        images='{img_dir}', image_name='{hash}.jpg',
        split_fields={'img_dir': {
            'train': 'ai_challenger_keypoint_train_20170902/keypoint_train_images_20170902',
            'val': 'ai_challenger_keypoint_validation_20170911/'
                   'keypoint_validation_images_20170911',
            'test': 'ai_challenger_keypoint_test_a_20180103/keypoint_test_a_images_20180103'}}),
    'crowdpose': FormatLayout(
        dataset='crowdpose',
        files={'annotation': 'annotations/mmpose_crowdpose_{split}.json',
               'detections': 'annotations/det_for_crowd_{split}_0.1_0.5.json'},
        images='images', image_name='{image_id}.jpg', id_offset=100_000),
    'ochuman': FormatLayout(
        dataset='ochuman',
        files={'annotation': 'annotations/ochuman_coco_format_{split}_range_0.00_1.00.json'},
        images='images', image_name='{image_id:06d}.jpg'),
    'ap10k': FormatLayout(
        dataset='ap10k',
        files={'annotation': 'annotations/ap10k-{split}-split1.json'},
        images='data', image_name='{image_id:012d}.jpg'),
    # no APT-36K sample exists: PoseBH's prepro_apt36k.py split files, its `images/` folder
    'apt36k': FormatLayout(
        dataset='apt36k',
        files={'annotation': 'annotations/apt36k_{split}.json'},
        images='images', image_name='{image_id:012d}.jpg'),
    'mpii': FormatLayout(
        dataset='mpii',
        files={'annotation': 'annotations/mpii_{split}.json',
               'gt_mat': 'annotations/mpii_gt_{split}.mat'},
        images='images', image_name='{image_id:09d}.jpg'),
    'interhand2d': FormatLayout(
        dataset='interhand2d',
        files={role: f'annotations/{{subset}}/InterHand2.6M_{{split}}_{role}.json'
               for role in ('data', 'camera', 'joint_3d')},
        images='images/{split}',
        image_name='Capture{capture}/{seq_name}/cam{camera}/image{frame_idx}.jpg',
        split_fields={'subset': {'train': 'all', 'val': 'machine_annot', 'test': 'all'}}),
    'pw3d': FormatLayout(
        dataset='pw3d',
        files={'annotation': 'annotations/pw3d_{split}.json'},
        images='imageFiles', image_name='{sequence}/image_{frame:05d}.jpg'),
}

FORMATS = tuple(LAYOUTS)
SPLITS = _SPLITS


def get_layout(fmt: str) -> FormatLayout:
    """The layout of a native format, by name."""
    if fmt not in LAYOUTS:
        raise KeyError(f'unknown synthetic format {fmt!r}; known: {list(LAYOUTS)}')
    return LAYOUTS[fmt]
