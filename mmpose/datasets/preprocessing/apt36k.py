"""APT-36K: PoseBH's self-made train/val/test split of the released annotation file.

The released ``apt36k_annotations.json`` is one COCO-like file for all frames. PoseBH's
``tools/dataset/prepro_apt36k.py`` (posebh_method.md §10) splits it **by video within each
animal category** 70/10/20, rewrites the Windows ``file_name`` to its last three components and
renames ``is_crowd`` to ``iscrowd``. :func:`split_apt36k` is that conversion as a pure function.

Assumptions (PoseBH's script is not available here; what the spec does not fix is stated):

* **Video identity.** A video is the folder that holds the frame, i.e. the rebuilt file name
  ``<species folder>/<video folder>/<frame>`` without the frame (:func:`video_of_image`).
  Pass ``video_key`` to identify videos differently (e.g. by an image field).
* **Video category.** A video belongs to the category of its annotations. Should a video carry
  several categories, the most frequent wins (ties: the first seen) and a warning is logged, so
  that no video is ever split across two sets. A video without any annotation has no category
  and is dropped (warning).
* **Order.** Categories in the order of ``categories``; the videos of one category in the order
  of their first frame in ``images``. The split boundaries are PoseBH's ``int((n + 1) * 0.7)``
  and ``int((n + 1) * 0.8)`` with ``n`` videos (10 videos -> 7/1/2, 6 -> 4/1/1). Images and
  annotations keep their order in the input file.
* **Paths.** Components are split on ``\\`` (and ``/``, which the original does not handle);
  PoseBH's script also hard-codes fixes for five mojibake folder names. Here those fixes are
  the ``rename_folders`` mapping (exact component -> replacement), empty by default.
"""
from __future__ import annotations

import logging
import os
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping

from ..base_topdown_dataset import load_json

logger = logging.getLogger(__name__)

SPLITS = ('train', 'val', 'test')
# PoseBH prepro_apt36k.py: cumulative fractions of (n + 1) videos ending train and val
_TRAIN_END, _VAL_END = 0.7, 0.8


def rebuild_file_name(path: str, rename_folders: Mapping[str, str] | None = None) -> str:
    """The last three components of a Windows path, joined with ``/``.

    Args:
        path: e.g. ``'D:\\APT36K\\Dog\\video_07\\0001.png'``.
        rename_folders: Exact component -> replacement (mojibake fixes), applied to each of the
            three kept components.

    Returns:
        e.g. ``'Dog/video_07/0001.png'``.

    Raises:
        ValueError: ``path`` has fewer than three components.
    """
    parts = [p for p in re.split(r'[\\/]', path) if p]
    if len(parts) < 3:
        raise ValueError(f'file_name {path!r} has fewer than 3 path components '
                         '(expected ...\\<species>\\<video>\\<frame>)')
    rename_folders = rename_folders or {}
    return '/'.join(rename_folders.get(p, p) for p in parts[-3:])


def video_of_image(image: dict) -> str:
    """Default video key: the folder of the rebuilt file name (``<species>/<video>``)."""
    return posixpath.dirname(image['file_name'])


def split_bounds(num_videos: int) -> tuple[int, int]:
    """PoseBH's train/val end indices for ``num_videos`` videos of one category."""
    n = num_videos
    # the float product is PoseBH's expression verbatim, kept so boundaries match exactly
    return int((n + 1) * _TRAIN_END), int((n + 1) * _VAL_END)


def _index(data: dict, source: str) -> tuple[dict, dict]:
    """Validate the top-level layout; map image id -> image and category id -> category."""
    for key in ('images', 'annotations', 'categories'):
        if not isinstance(data.get(key), list):
            raise ValueError(f'{source}: expected a list under {key!r} (COCO-like APT-36K file)')
    images: dict = {}
    for i, img in enumerate(data['images']):
        if 'id' not in img or 'file_name' not in img:
            raise ValueError(f"{source}: images[{i}] lacks 'id' or 'file_name'")
        if img['id'] in images:
            raise ValueError(f"{source}: duplicate image id {img['id']}")
        images[img['id']] = img
    categories = {}
    for i, cat in enumerate(data['categories']):
        if 'id' not in cat:
            raise ValueError(f"{source}: categories[{i}] lacks 'id'")
        categories[cat['id']] = cat
    return images, categories


def _video_categories(data: dict, images: dict, categories: dict, video_of: dict,
                      source: str) -> dict:
    """Category id of each annotated video (majority over its annotations)."""
    counts: dict = defaultdict(Counter)
    for ann in data['annotations']:
        where = f"{source}: annotation {ann.get('id')}"
        if ann.get('image_id') not in images:
            raise ValueError(f"{where} refers to unknown image_id {ann.get('image_id')!r}")
        if ann.get('category_id') not in categories:
            raise ValueError(f"{where} has category_id {ann.get('category_id')!r}, not one of "
                             f'the {len(categories)} categories')
        counts[video_of[ann['image_id']]][ann['category_id']] += 1
    result = {}
    for video, counter in counts.items():
        cat = counter.most_common(1)[0][0]  # ties: first seen (Counter keeps insertion order)
        if len(counter) > 1:
            logger.warning('%s: video %r has annotations of categories %s; assigned to %s',
                           source, video, dict(counter), cat)
        result[video] = cat
    return result


def split_apt36k(ann: dict | str | os.PathLike,
                 rename_folders: Mapping[str, str] | None = None,
                 video_key: Callable[[dict], Hashable] = video_of_image) -> dict[str, dict]:
    """Split the released APT-36K annotations into PoseBH's train/val/test sets.

    Args:
        ann: The parsed ``apt36k_annotations.json`` or its path.
        rename_folders: Mojibake fixes, exact folder name -> replacement (see module doc).
        video_key: Maps an image (with its rebuilt ``file_name``) to its video identity.

    Returns:
        ``{'train': coco_dict, 'val': ..., 'test': ...}``; each holds the input's other top-level
        keys, all ``categories``, and the images and annotations of its videos, with rebuilt
        ``file_name``s and ``iscrowd``.

    Raises:
        FileNotFoundError: ``ann`` is a path that does not exist.
        ValueError: Malformed file, naming the file and the offending record.
    """
    source = 'APT-36K annotations'
    if not isinstance(ann, dict):
        source = os.fspath(ann)
        ann = load_json(source, 'APT-36K annotation file')
        if not isinstance(ann, dict):
            raise ValueError(f'{source}: expected a COCO-like dict at the top level')
    images, categories = _index(ann, source)
    new_images, video_of = {}, {}
    for img_id, img in images.items():
        try:
            name = rebuild_file_name(img['file_name'], rename_folders)
        except ValueError as e:
            raise ValueError(f'{source}: image {img_id}: {e}') from None
        new_images[img_id] = dict(img, file_name=name)
        video_of[img_id] = video_key(new_images[img_id])
    video_cat = _video_categories(ann, images, categories, video_of, source)

    videos_by_cat: dict = defaultdict(dict)  # category -> videos in order of first frame
    for img_id in images:
        video = video_of[img_id]
        if video in video_cat:
            videos_by_cat[video_cat[video]].setdefault(video)
    split_of_video = {}
    for cat in categories:
        videos = list(videos_by_cat.get(cat, ()))
        train_end, val_end = split_bounds(len(videos))
        for i, video in enumerate(videos):
            split_of_video[video] = SPLITS[(i >= train_end) + (i >= val_end)]
    dropped = sorted({str(v) for v in video_of.values() if v not in split_of_video})
    if dropped:
        logger.warning('%s: %d videos without annotations dropped (first: %s)', source,
                       len(dropped), dropped[0])

    rest = {k: v for k, v in ann.items() if k not in ('images', 'annotations', 'categories')}
    out = {s: dict(rest, images=[], annotations=[], categories=list(ann['categories']))
           for s in SPLITS}
    for img_id, img in new_images.items():
        split = split_of_video.get(video_of[img_id])
        if split is not None:
            out[split]['images'].append(img)
    for a in ann['annotations']:
        a = dict(a)
        a['iscrowd'] = a.pop('is_crowd', a.get('iscrowd', 0))
        out[split_of_video[video_of[a['image_id']]]]['annotations'].append(a)
    return out
