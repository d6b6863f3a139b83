"""Writer for the COCO-style formats: COCO, COCO-WholeBody, AIC, CrowdPose, OCHuman, AP-10K,
APT-36K and 3DPW.

They share the ``images``/``annotations``/``categories`` structure but differ in which keys
exist and in value types; ``_SCHEMAS`` lists them per format, in the key order of the real
files (see the samples README and reference_expectations §7).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .scene import Instance, Scene, render_scene
from .species import SPECIES
from .wholebody import wholebody_parts
from .writer import SyntheticWriter, box_xywh, dump_json

# OKS area of a figure when the format has no segmentation area: the 0.53 * w * h rule that
# COCO-style evaluation uses with use_area=False (reference_expectations §1.4)
_AREA_FACTOR = 0.53

_COCO_IMAGE = ('license', 'file_name', 'coco_url', 'height', 'width', 'date_captured',
               'flickr_url', 'id')
_COCO_ANN = ('segmentation', 'num_keypoints', 'area', 'iscrowd', 'keypoints', 'image_id',
             'bbox', 'category_id', 'id')
_WHOLEBODY_ANN = _COCO_ANN + (
    'face_box', 'lefthand_box', 'righthand_box', 'lefthand_kpts', 'righthand_kpts',
    'face_kpts', 'face_valid', 'lefthand_valid', 'righthand_valid', 'foot_valid', 'foot_kpts')
_ANIMAL = dict(top=('info', 'licenses', 'images', 'annotations', 'categories'),
               image=('license', 'id', 'file_name', 'width', 'height', 'background'),
               ann=('id', 'image_id', 'category_id', 'bbox', 'area', 'iscrowd',
                    'num_keypoints', 'keypoints'),
               category=('id', 'name', 'supercategory', 'keypoints', 'skeleton'),
               int_coords=True, box_int=True, area_factor=1.0)


@dataclass(frozen=True)
class _Schema:
    top: tuple[str, ...]
    image: tuple[str, ...]
    ann: tuple[str, ...]
    category: tuple[str, ...] = ('supercategory', 'id', 'name', 'keypoints', 'skeleton')
    int_coords: bool = True   # keypoint coordinates as ints (else floats)
    box_int: bool = False
    area_factor: float = _AREA_FACTOR
    binary_vis: bool = False  # v in {0, 1}, coordinates kept off-image (3DPW)
    extras: bool = False      # unlabelled persons (num_keypoints 0); + one iscrowd region
    crowd: bool = False
    detections: bool = False


_SCHEMAS = {
    'coco': _Schema(top=('info', 'licenses', 'categories', 'images', 'annotations'),
                    image=_COCO_IMAGE, ann=_COCO_ANN, extras=True, crowd=True,
                    detections=True),
    'coco_wholebody': _Schema(top=('info', 'licenses', 'categories', 'images', 'annotations'),
                              image=_COCO_IMAGE, ann=_WHOLEBODY_ANN, extras=True, crowd=True,
                              detections=True),
    'aic': _Schema(top=('info', 'licenses', 'categories', 'images', 'annotations'),
                   image=('url', 'file_name', 'height', 'width', 'id'),
                   ann=('bbox', 'keypoints', 'num_keypoints', 'image_id', 'category_id', 'id'),
                   box_int=True),
    'crowdpose': _Schema(top=('categories', 'images', 'annotations'),
                         image=('file_name', 'id', 'height', 'width', 'crowdIndex'),
                         ann=('num_keypoints', 'iscrowd', 'keypoints', 'image_id', 'bbox',
                              'category_id', 'id'),
                         extras=True, detections=True),
    'ochuman': _Schema(top=('categories', 'images', 'annotations', 'info'),
                       image=('file_name', 'width', 'height', 'id'),
                       ann=('area', 'image_id', 'iscrowd', 'category_id', 'bbox',
                            'segmentation', 'num_keypoints', 'id', 'keypoints'),
                       category=('keypoints', 'skeleton', 'id', 'supercategory', 'name'),
                       int_coords=False, box_int=True),
    'ap10k': _Schema(**_ANIMAL),
    'apt36k': _Schema(**_ANIMAL),
    'pw3d': _Schema(top=('images', 'annotations', 'categories'),
                    image=('id', 'file_name', 'width', 'height'),
                    ann=('id', 'image_id', 'category_id', 'bbox', 'area', 'keypoints',
                         'num_keypoints', 'iscrowd'),
                    int_coords=False, binary_vis=True),
}


class CocoStyleWriter(SyntheticWriter):
    """One ``images``/``annotations``/``categories`` JSON (+ a detection list for COCO,
    COCO-WholeBody and CrowdPose)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.schema = _SCHEMAS[self.fmt]
        self.images: list[dict] = []
        self.annotations: list[dict] = []
        self.detections: list[dict] = []

    def add(self, index: int, rng: np.random.Generator) -> None:
        s = self.schema
        scene = render_scene(self.meta, rng, self.image_size, self.scene_cfg,
                             num_unlabelled=int(s.extras and index % 4 == 0),
                             crowd=s.crowd and index == 0)
        image_id = self.image_id(index)
        file_name = self.save_image(scene.image, image_id=image_id, hash=rng.bytes(20).hex(),
                                    sequence=f'synthetic_{self.split}_{index // 25:02d}',
                                    frame=index % 25)
        width, height = self.image_size
        image = dict(license=1, file_name=file_name, coco_url='', height=height, width=width,
                     date_captured='2017-01-01 00:00:00', flickr_url='', id=image_id, url='',
                     background=scene.background, crowdIndex=_crowd_index(scene))
        self.images.append({k: image[k] for k in s.image})
        anns = [self._annotation(inst, scene, image_id, rng) for inst in scene.instances
                if inst.bbox[2] >= 1 and inst.bbox[3] >= 1]
        for box in scene.crowd_boxes:
            anns.append(self._crowd_annotation(box, image_id))
        for ann in anns:
            ann['id'] = self.layout.id_offset + len(self.annotations) + 1
            self.annotations.append({k: ann[k] for k in s.ann})
        if s.detections:
            self.detections += _detections(scene, image_id, rng)

    def _annotation(self, inst: Instance, scene: Scene, image_id: int,
                    rng: np.random.Generator) -> dict:
        s = self.schema
        vis = inst.visibility if inst.labelled else np.zeros_like(inst.visibility)
        if s.binary_vis:
            vis = (vis > 0).astype(np.int64)
        kpts: list = []
        for (x, y), v in zip(inst.keypoints, vis):
            if v == 0 and not (s.binary_vis and inst.labelled):
                x = y = 0
            kpts += [int(x), int(y), int(v)] if s.int_coords else [float(x), float(y), int(v)]
        bbox = box_xywh(inst.bbox, s.box_int)
        area = bbox[2] * bbox[3] * s.area_factor
        ann = dict(segmentation=[], num_keypoints=int((vis > 0).sum()), iscrowd=0,
                   image_id=image_id, bbox=bbox, category_id=1,
                   area=int(area) if s.box_int else round(area, 2))
        ann['keypoints'] = kpts[:3 * 17] if self.fmt == 'coco_wholebody' else kpts
        if self.fmt == 'coco_wholebody':
            ann['num_keypoints'] = int((vis[:17] > 0).sum())
            ann.update(wholebody_parts(inst.keypoints, vis, self.image_size))
        if self.fmt == 'ochuman':
            ann['segmentation'] = _rle((scene.idmap == inst.figure_id).astype(np.uint8))
        if self.fmt in ('ap10k', 'apt36k'):
            ann['category_id'] = int(rng.integers(1, len(SPECIES) + 1))
        return ann

    def _crowd_annotation(self, box: np.ndarray, image_id: int) -> dict:
        k = self.meta.num_keypoints
        body = 17 if self.fmt == 'coco_wholebody' else k
        ann = dict(segmentation=_rle(_box_mask(box, self.image_size)), num_keypoints=0,
                   area=round(float(box[2] * box[3]), 2), iscrowd=1, keypoints=[0] * 3 * body,
                   image_id=image_id, bbox=box_xywh(box), category_id=1)
        if self.fmt == 'coco_wholebody':
            ann.update(wholebody_parts(np.zeros((k, 2)), np.zeros(k, np.int64), self.image_size))
        return ann

    def _categories(self) -> list[dict]:
        names = list(self.meta.keypoint_names)
        if self.fmt == 'coco_wholebody':
            names = names[:17]  # the WholeBody category lists the body keypoints only
        skeleton = [[a + 1, b + 1] for a, b in self.meta.skeleton if max(a, b) < len(names)]
        if self.fmt in ('ap10k', 'apt36k'):
            cats = [dict(id=i, name=n, supercategory=f) for i, n, f in SPECIES]
        else:
            cats = [dict(id=1, name='person', supercategory='person')]
        return [{k: dict(c, keypoints=names, skeleton=skeleton)[k] for k in self.schema.category}
                for c in cats]

    def finish(self) -> dict[str, Path]:
        top = dict(
            info=dict(description=f'Synthetic {self.meta.paper_name} ({self.split})',
                      version='1.0', year=2017, date_created='2017/01/01'),
            licenses=[dict(url='', id=1, name='synthetic')],
            categories=self._categories(), images=self.images, annotations=self.annotations)
        out = {'annotation': dump_json({k: top[k] for k in self.schema.top},
                                       self.paths['annotation']),
               'images': self.paths['images']}
        if self.schema.detections:
            out['detections'] = _merge_detections(self.paths['detections'], self.detections,
                                                  self.layout.id_offset)
        return out


def _crowd_index(scene: Scene) -> float:
    """CrowdPose's crowd index: mean over persons of (other persons' joints inside its box) /
    (its own joints)."""
    people = [i for i in scene.instances if i.labelled and (i.visibility > 0).any()]
    ratios = []
    for p in people:
        x, y, w, h = p.bbox
        others = 0
        for q in people:
            if q is not p:
                pts = q.keypoints[q.visibility > 0]
                others += int(((pts[:, 0] >= x) & (pts[:, 0] <= x + w)
                               & (pts[:, 1] >= y) & (pts[:, 1] <= y + h)).sum())
        ratios.append(others / (p.visibility > 0).sum())
    return round(float(np.mean(ratios)), 2) if ratios else 0.0


def _detections(scene: Scene, image_id: int, rng: np.random.Generator) -> list[dict]:
    """A person detector's output: jittered boxes of the people (high scores for the labelled
    ones), occasional duplicates, and a few low-score false positives."""
    width, height = scene.image.shape[1], scene.image.shape[0]
    dets = []

    def det(box, score):
        dets.append(dict(bbox=box_xywh(_clip(box, width, height)), category_id=1,
                         image_id=image_id, score=round(float(score), 6)))

    for inst in scene.instances:
        size = np.tile(inst.bbox[2:], 2)
        det(inst.bbox + rng.normal(0, 0.04, 4) * size,
            rng.uniform(0.8, 1.0) if inst.labelled else rng.uniform(0.3, 0.7))
        if rng.random() < 0.2:
            det(inst.bbox + rng.normal(0, 0.15, 4) * size, rng.uniform(0.3, 0.6))
    for _ in range(rng.integers(0, 3)):
        w, h = rng.uniform(0.05, 0.4) * width, rng.uniform(0.1, 0.6) * height
        det(np.array([rng.uniform(0, width - w), rng.uniform(0, height - h), w, h]),
            rng.uniform(0.01, 0.3))
    return dets


def _merge_detections(path: Path, dets: list[dict], id_offset: int) -> Path:
    """Write ``dets``, keeping entries of an existing file that belong to another format's id
    range (COCO and COCO-WholeBody share ``data/coco``'s detection file)."""
    keep = []
    if path.exists():
        lo, hi = id_offset, id_offset + 1_000_000
        keep = [d for d in json.loads(path.read_text()) if not lo <= d['image_id'] < hi]
    return dump_json(keep + dets, path)


def _clip(box: np.ndarray, width: int, height: int) -> np.ndarray:
    x0, y0 = np.clip(box[:2], 0, [width - 1, height - 1])
    x1, y1 = np.clip(box[:2] + np.maximum(box[2:], 1), 0, [width - 1, height - 1])
    return np.array([x0, y0, max(x1 - x0, 1.0), max(y1 - y0, 1.0)])


def _box_mask(box: np.ndarray, image_size) -> np.ndarray:
    width, height = image_size
    mask = np.zeros((height, width), np.uint8)
    x0, y0 = np.floor(box[:2]).astype(int)
    x1, y1 = np.ceil(box[:2] + box[2:]).astype(int) + 1
    mask[y0:y1, x0:x1] = 1
    return mask


def _rle(mask: np.ndarray) -> dict:
    """COCO compressed RLE of a binary (H, W) mask."""
    from xtcocotools import mask as mask_utils
    rle = mask_utils.encode(np.asfortranarray(mask))
    return dict(size=[int(s) for s in rle['size']], counts=rle['counts'].decode('ascii'))
