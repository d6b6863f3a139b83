"""The rest pose a dataset's figures are posed from.

A dataset whose keypoint names all exist in one of the canonical models of :mod:`.anatomy`
(human, quadruped, hand) uses that model. Any other keypoint definition gets a deterministic
*generic* template laid out from its skeleton graph, so new datasets work without code.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..metainfo import DatasetMeta
from .anatomy import MODELS

# dataset keypoint name -> canonical node name, where datasets spell the same joint differently
_NAME_ALIASES = {'top_head': 'head_top', 'head': 'head_top'}


@dataclass(frozen=True)
class Template:
    """A kinematic tree in rest pose plus the nodes a dataset's keypoints sit on.

    Attributes:
        kind: ``'human'``, ``'quadruped'``, ``'hand'`` or ``'generic'``.
        parents: Parent node of each node, -1 for the root; parents precede children, (N,).
        rest: Rest positions, y down, in units of figure height, (N, 2).
        swing: Largest random rotation (radians) of the bone parent -> node, (N,).
        keypoint_nodes: Node of each dataset keypoint, (K,).
        nn_dist: Rest distance from each keypoint to its nearest other keypoint, (K,).
        limbs: Keypoint index pairs drawn as limbs.
    """

    kind: str
    parents: np.ndarray
    rest: np.ndarray
    swing: np.ndarray
    keypoint_nodes: np.ndarray
    nn_dist: np.ndarray
    limbs: tuple[tuple[int, int], ...]


def template_for(meta: DatasetMeta) -> Template:
    """The (cached) template of a dataset's keypoint definition."""
    return _template(meta.keypoint_names, meta.skeleton)


@lru_cache(maxsize=None)
def _template(names: tuple[str, ...], skeleton: tuple[tuple[int, int], ...]) -> Template:
    for kind, build in MODELS.items():
        model = build()
        wanted = [_NAME_ALIASES.get(n, n) for n in names]
        if all(n in model.names for n in wanted):
            nodes = np.array([model.names.index(n) for n in wanted])
            return _finish(kind, np.array(model.parents), np.array(model.rest),
                           np.array(model.swing), nodes, skeleton)
    parents, rest, nodes = _generic_layout(len(names), skeleton)
    swing = np.full(len(names), np.deg2rad(25.0))
    return _finish('generic', parents, rest, swing, nodes, skeleton)


def _finish(kind: str, parents: np.ndarray, rest: np.ndarray, swing: np.ndarray,
            nodes: np.ndarray, skeleton: tuple) -> Template:
    kpts = rest[nodes]
    height = max(np.ptp(kpts[:, 1]), np.ptp(kpts[:, 0]), 1e-6)
    rest = rest / height  # keypoint extent ~ 1 whatever the model's units
    limbs = tuple(skeleton) or _tree_limbs(parents, nodes)
    return Template(kind=kind, parents=parents, rest=rest, swing=swing, keypoint_nodes=nodes,
                    nn_dist=_spacing(kpts / height, limbs), limbs=limbs)


def _spacing(kpts: np.ndarray, limbs: tuple) -> np.ndarray:
    """Distance from each keypoint to the nearest keypoint of the same skeleton component, (K,).

    Marker sizes follow it. Measuring within a component keeps a coarse part's markers large
    next to a fine one (COCO-WholeBody's wrist beside its hand, whose skeleton is separate);
    keypoints without limbs (the face) form one group together.
    """
    num = len(kpts)
    group = list(range(num))

    def find(k: int) -> int:
        while group[k] != k:
            k = group[k]
        return k

    for a, b in limbs:
        group[find(a)] = find(b)
    roots = np.array([find(k) for k in range(num)])
    linked = np.zeros(num, bool)
    linked[[k for limb in limbs for k in limb]] = True
    roots[~linked] = -1
    dist = np.linalg.norm(kpts[:, None] - kpts[None], axis=-1)
    dist[roots[:, None] != roots[None]] = np.inf
    np.fill_diagonal(dist, np.inf)
    nn = dist.min(1) if num > 1 else np.ones(1)
    positive = nn[np.isfinite(nn) & (nn > 0)]
    return np.where(np.isfinite(nn) & (nn > 0), nn, positive.min() if len(positive) else 1.0)


def _tree_limbs(parents: np.ndarray, nodes: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Limbs between keypoints whose nodes are parent and child, when a dataset has no skeleton."""
    where = {int(n): k for k, n in enumerate(nodes)}
    return tuple((where[int(parents[n])], k) for k, n in enumerate(nodes)
                 if parents[n] >= 0 and int(parents[n]) in where)


def _generic_layout(num: int, skeleton: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A radial tree layout of the skeleton graph: BFS from the best-connected keypoint, each
    subtree in an angular wedge proportional to its number of leaves. Components the skeleton
    leaves disconnected hang from the root.

    Returns:
        Parents (N,) and rest positions (N, 2) in BFS order, and the node of each keypoint (K,).
    """
    adj: list[set[int]] = [set() for _ in range(num)]
    for a, b in skeleton:
        adj[a].add(b)
        adj[b].add(a)
    root = max(range(num), key=lambda k: (len(adj[k]), -k))
    parents = np.full(num, -1)
    order: list[int] = []
    seen: set[int] = set()
    for start in [root] + [k for k in range(num) if k != root]:
        if start in seen:
            continue
        if start != root:
            parents[start] = root  # a disconnected component hangs from the root
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            order.append(node)
            for nxt in sorted(adj[node] - seen):
                seen.add(nxt)
                parents[nxt] = node
                queue.append(nxt)
    children: list[list[int]] = [[] for _ in range(num)]
    for node in order[1:]:
        children[parents[node]].append(node)
    leaves = np.ones(num)
    for node in reversed(order):
        if children[node]:
            leaves[node] = sum(leaves[c] for c in children[node])
    rest = np.zeros((num, 2))
    wedge = {root: (-np.pi, np.pi)}
    depth = {root: 0}
    for node in order:
        lo, hi = wedge[node]
        for child in children[node]:
            span = (hi - lo) * leaves[child] / leaves[node]
            wedge[child] = (lo, lo + span)
            depth[child] = depth[node] + 1
            mid = lo + span / 2
            rest[child] = depth[child] * np.array([np.sin(mid), -np.cos(mid)])
            lo += span
    # re-index nodes in BFS order so that parents precede children, as posing requires
    perm = np.array(order)
    inv = np.empty(num, int)
    inv[perm] = np.arange(num)
    new_parents = np.array([-1 if parents[n] < 0 else inv[parents[n]] for n in perm])
    return new_parents, rest[perm], inv
