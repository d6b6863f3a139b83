"""Per-dataset keypoint metadata, parsed once into a frozen, validated dataclass.

Every ``metainfo/<name>.py`` module holds plain data: keypoint names, flip partners *by name*,
OKS sigmas, joint weights, skeleton (by name) and the upper-body group. ``get_metainfo(name)``
turns it into a :class:`DatasetMeta`; flip indices and skeleton indices are derived here, never
typed by hand.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

# name of the metainfo module -> dataset names that share it (e.g. APT-36K uses AP-10K's)
_ALIASES = {'apt36k': 'ap10k', 'ochuman': 'coco'}


@dataclass(frozen=True)
class DatasetMeta:
    """Keypoint definition of one dataset.

    Attributes:
        name: Dataset name as used in configs (``'coco'``, ``'aic'``, ...).
        keypoint_names: Keypoint names in annotation order.
        flip_indices: ``flip_indices[k]`` is the keypoint that ``k`` becomes under a horizontal
            flip (itself for centre keypoints). An involution.
        sigmas: OKS sigmas, (K,).
        joint_weights: Loss weights per keypoint, (K,).
        skeleton: Limb connections as index pairs.
        upper_body_ids: Keypoints of the upper body (the half-body transform's upper group).
        colors: RGB colour per keypoint for visualisation, (K, 3) uint8.
        paper_name: Human-readable dataset name.
    """

    name: str
    keypoint_names: tuple[str, ...]
    flip_indices: tuple[int, ...]
    sigmas: np.ndarray
    joint_weights: np.ndarray
    skeleton: tuple[tuple[int, int], ...]
    upper_body_ids: tuple[int, ...]
    colors: np.ndarray = field(repr=False)
    paper_name: str = ''

    @property
    def num_keypoints(self) -> int:
        return len(self.keypoint_names)

    @property
    def lower_body_ids(self) -> tuple[int, ...]:
        upper = set(self.upper_body_ids)
        return tuple(k for k in range(self.num_keypoints) if k not in upper)

    def to_dict(self) -> dict:
        """Plain-python view, stored as ``dataset_meta`` in checkpoints and metrics."""
        return dict(
            dataset_name=self.name,
            num_keypoints=self.num_keypoints,
            keypoint_names=list(self.keypoint_names),
            flip_indices=list(self.flip_indices),
            sigmas=self.sigmas.tolist(),
            joint_weights=self.joint_weights.tolist(),
            skeleton=[list(s) for s in self.skeleton],
            upper_body_ids=list(self.upper_body_ids),
        )


def _default_colors(num_keypoints: int) -> np.ndarray:
    hues = np.linspace(0, 179, num_keypoints, endpoint=False).astype(np.uint8)
    import cv2
    hsv = np.stack([hues, np.full_like(hues, 220), np.full_like(hues, 255)], -1)[None]
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0]


def parse_metainfo(name: str, info: dict) -> DatasetMeta:
    """Validate a raw metainfo dict and derive the index tables.

    Args:
        name: Dataset name, used in error messages.
        info: Dict with ``keypoint_names``, ``flip_pairs`` (name pairs), ``sigmas``,
            optional ``joint_weights``, ``skeleton`` (name pairs), ``upper_body`` (names),
            ``colors`` and ``paper_name``.

    Raises:
        ValueError: On any inconsistency, naming the dataset and the offending entry.
    """
    allowed = {'keypoint_names', 'flip_pairs', 'sigmas', 'joint_weights', 'skeleton',
               'upper_body', 'colors', 'paper_name'}
    unknown = set(info) - allowed
    if unknown:
        raise ValueError(f'metainfo {name!r}: unknown keys {sorted(unknown)}; '
                         f'allowed: {sorted(allowed)}')
    names = tuple(info['keypoint_names'])
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f'metainfo {name!r}: duplicate keypoint names {dup}')
    index = {n: i for i, n in enumerate(names)}
    num = len(names)

    def lookup(kpt: str, what: str) -> int:
        if kpt not in index:
            raise ValueError(f'metainfo {name!r}: {what} names unknown keypoint {kpt!r}')
        return index[kpt]

    flip = list(range(num))
    for left, right in info.get('flip_pairs', ()):
        i, j = lookup(left, 'flip_pairs'), lookup(right, 'flip_pairs')
        if flip[i] != i or flip[j] != j:
            raise ValueError(f'metainfo {name!r}: keypoint in flip pair ({left}, {right}) '
                             'is already paired')
        flip[i], flip[j] = j, i
    sigmas = np.asarray(info['sigmas'], dtype=np.float64)
    weights = np.asarray(info.get('joint_weights', np.ones(num)), dtype=np.float32)
    for key, arr in (('sigmas', sigmas), ('joint_weights', weights)):
        if arr.shape != (num,):
            raise ValueError(f'metainfo {name!r}: {key} has {arr.size} entries, '
                             f'expected one per keypoint ({num})')
    skeleton = tuple((lookup(a, 'skeleton'), lookup(b, 'skeleton'))
                     for a, b in info.get('skeleton', ()))
    upper = tuple(sorted(lookup(n, 'upper_body') for n in info.get('upper_body', ())))
    colors = np.asarray(info['colors'], np.uint8) if 'colors' in info else _default_colors(num)
    if colors.shape != (num, 3):
        raise ValueError(f'metainfo {name!r}: colors must be (K, 3) with K={num}')
    return DatasetMeta(name=name, keypoint_names=names, flip_indices=tuple(flip),
                       sigmas=sigmas, joint_weights=weights, skeleton=skeleton,
                       upper_body_ids=upper, colors=colors,
                       paper_name=info.get('paper_name', name))


@lru_cache(maxsize=None)
def get_metainfo(name: str) -> DatasetMeta:
    """The :class:`DatasetMeta` of a dataset, by name (``'coco'``, ``'apt36k'``, ...)."""
    module_name = _ALIASES.get(name, name)
    try:
        module = importlib.import_module(f'mmpose.datasets.metainfo.{module_name}')
    except ModuleNotFoundError:
        raise KeyError(f'unknown dataset {name!r}; known: {sorted(available_metainfo())}') from None
    return parse_metainfo(name, module.METAINFO)


def available_metainfo() -> list[str]:
    """Names accepted by :func:`get_metainfo`."""
    import pkgutil

    import mmpose.datasets.metainfo as pkg
    mods = [m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name != 'dataset_meta']
    return sorted(set(mods) | set(_ALIASES))
