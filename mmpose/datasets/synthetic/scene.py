"""Composing one synthetic image: background, figures, occluders, and per-joint visibility.

Visibility follows COCO: 2 where the joint's own marker is on top, 1 where a later figure or an
occluder covers it, 0 (and coordinates (0, 0) in COCO-style files) where it is off the image.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..metainfo import DatasetMeta
from .background import draw_background, draw_occluder
from .figure import Figure, draw_figure, sample_figure
from .template import template_for


@dataclass(frozen=True)
class SceneConfig:
    """How many figures, how big, and how much occlusion.

    Attributes:
        num_figures: Possible numbers of labelled figures, drawn with ``num_figures_p``.
        size_range: Figure extent as a fraction of the image height (most figures).
        small_prob: Probability that a figure is small instead, sized by ``small_range``.
        occluders_p: Probabilities of 0, 1, 2, ... occluding rectangles.
    """

    num_figures: tuple[int, ...] = (1, 2, 3)
    num_figures_p: tuple[float, ...] = (0.5, 0.3, 0.2)
    size_range: tuple[float, float] = (0.4, 0.9)
    small_prob: float = 0.15
    small_range: tuple[float, float] = (0.2, 0.4)
    occluders_p: tuple[float, ...] = (0.45, 0.4, 0.15)


@dataclass(frozen=True)
class Instance:
    """One figure of a scene.

    Attributes:
        keypoints: Pixel coordinates (0-based) as drawn, (K, 2); off-image joints keep theirs.
        visibility: 0 off the image, 1 covered, 2 visible, (K,) int; all 0 if not labelled.
        bbox: Box of the drawn figure clipped to the image, [x, y, w, h].
        labelled: False for small background figures that carry no keypoint labels.
        mirrored: Whether the figure was mirrored (a back view; for hands, a left hand).
        figure_id: Value of the figure's visible pixels in ``Scene.idmap`` (0: not tracked).
    """

    keypoints: np.ndarray
    visibility: np.ndarray
    bbox: np.ndarray
    labelled: bool = True
    mirrored: bool = False
    figure_id: int = 0


@dataclass
class Scene:
    """A rendered image with its instances.

    Attributes:
        image: BGR image, (H, W, 3) uint8.
        instances: Labelled figures first, in drawing order, then unlabelled ones.
        crowd_boxes: [x, y, w, h] of regions packed with tiny figures (COCO ``iscrowd``).
        background: 1-based background style id.
        idmap: (H, W) uint8; ``Instance.figure_id`` where that figure is visible, 255 where an
            occluder is, 0 elsewhere.
    """

    image: np.ndarray
    idmap: np.ndarray
    instances: list[Instance] = field(default_factory=list)
    crowd_boxes: list[np.ndarray] = field(default_factory=list)
    background: int = 1


def render_scene(meta: DatasetMeta, rng: np.random.Generator, image_size: tuple[int, int],
                 cfg: SceneConfig = SceneConfig(), mirrors: list[bool] | None = None,
                 num_unlabelled: int = 0, crowd: bool = False) -> Scene:
    """Render one image of figures of ``meta``'s keypoint definition.

    Args:
        meta: Keypoint definition of the figures.
        rng: Random generator; the scene is a pure function of its state.
        image_size: (W, H).
        cfg: Figure count, size and occlusion.
        mirrors: Force the number of labelled figures and whether each is mirrored.
        num_unlabelled: Small background figures without keypoint labels.
        crowd: Add one region packed with tiny figures, returned in ``crowd_boxes``.
    """
    width, height = image_size
    image, style = draw_background(rng, width, height)
    idmap = np.zeros((height, width), np.uint8)
    template = template_for(meta)
    scene = Scene(image=image, idmap=idmap, background=style)

    def place(size: float, cx: float, cy: float, mirror: bool | None = None) -> Figure:
        return sample_figure(template, rng, size, (cx, cy), height / width, mirror)

    if crowd:
        box = np.array([rng.uniform(0, 0.5) * width, rng.uniform(0, 0.6) * height,
                        rng.uniform(0.3, 0.5) * width, rng.uniform(0.2, 0.4) * height])
        for _ in range(rng.integers(5, 9)):
            size = rng.uniform(0.5, 0.9) * box[3]
            fig = place(size, box[0] + rng.uniform(0.1, 0.9) * box[2],
                        box[1] + rng.uniform(0.3, 0.7) * box[3])
            draw_figure(image, None, fig, template.limbs, _limb_color(rng))
        scene.crowd_boxes.append(_clip_box(box, width, height))
    background_figs = []
    for _ in range(num_unlabelled):
        fig = place(rng.uniform(0.08, 0.15) * height, rng.uniform(0.1, 0.9) * width,
                    rng.uniform(0.1, 0.9) * height)
        draw_figure(image, None, fig, template.limbs, _limb_color(rng))
        background_figs.append(fig)

    if mirrors is None:
        n = int(rng.choice(cfg.num_figures, p=cfg.num_figures_p))
        mirrors = [None] * n
    figures = []
    for i, mirror in enumerate(mirrors):
        small = rng.random() < cfg.small_prob
        size = rng.uniform(*(cfg.small_range if small else cfg.size_range)) * height
        cx = (i + 0.5 + rng.uniform(-0.3, 0.3)) / len(mirrors) * width  # one slot per figure
        fig = place(size, cx, height / 2, mirror)
        figures.append(_shift_inside(fig, rng, width, height))
    order = rng.permutation(len(figures))  # drawing order: later figures occlude earlier ones
    for rank in order:
        draw_figure(image, idmap, figures[rank], template.limbs, _limb_color(rng), int(rank) + 1)
    for _ in range(int(rng.choice(len(cfg.occluders_p), p=cfg.occluders_p))):
        if not figures:
            break
        target = figures[rng.integers(len(figures))]
        extent = np.ptp(target.keypoints, axis=0).max()
        anchor = target.keypoints[rng.integers(len(target.keypoints))]
        draw_occluder(image, idmap, rng, anchor + rng.normal(0, 0.1 * extent, 2),
                      rng.uniform(0.15, 0.4, 2) * extent)

    for i, fig in enumerate(figures):
        scene.instances.append(Instance(
            keypoints=fig.keypoints, visibility=_visibility(fig, idmap, i + 1),
            bbox=_figure_box(fig, width, height), mirrored=fig.mirrored, figure_id=i + 1))
    for fig in background_figs:
        scene.instances.append(Instance(
            keypoints=fig.keypoints, visibility=np.zeros(len(fig.keypoints), np.int64),
            bbox=_figure_box(fig, width, height), labelled=False, mirrored=fig.mirrored))
    return scene


def _shift_inside(fig: Figure, rng: np.random.Generator, width: int, height: int,
                  truncation: float = 0.1) -> Figure:
    """Move a figure so that at most ``truncation`` of its extent leaves the image on any side;
    vertically it lands anywhere in that range, horizontally it stays as close to its slot as
    the range allows."""
    lo, hi = fig.keypoints.min(0), fig.keypoints.max(0)
    extent = hi - lo
    low = -lo - truncation * extent  # shifts that keep the figure within the allowance
    high = np.array([width - 1, height - 1]) - hi + truncation * extent
    shift = np.zeros(2)
    shift[0] = np.clip(0.0, low[0], high[0]) if low[0] <= high[0] else (low[0] + high[0]) / 2
    shift[1] = rng.uniform(low[1], high[1]) if low[1] <= high[1] else (low[1] + high[1]) / 2
    return replace(fig, keypoints=fig.keypoints + np.round(shift))


def _limb_color(rng: np.random.Generator) -> tuple[int, int, int]:
    grey = rng.uniform(90, 200)
    return tuple(int(np.clip(grey + d, 0, 255)) for d in rng.uniform(-12, 12, 3))


def _visibility(fig: Figure, idmap: np.ndarray, own_id: int) -> np.ndarray:
    height, width = idmap.shape
    x, y = fig.keypoints[:, 0].astype(np.int64), fig.keypoints[:, 1].astype(np.int64)
    inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    vis = np.zeros(len(x), np.int64)
    on_top = idmap[y[inside], x[inside]] == own_id
    vis[inside] = np.where(on_top, 2, 1)
    return vis


def _figure_box(fig: Figure, width: int, height: int) -> np.ndarray:
    lo = (fig.keypoints - fig.radius[:, None]).min(0)
    hi = (fig.keypoints + fig.radius[:, None]).max(0)
    return _clip_box(np.concatenate([lo, hi - lo]), width, height)


def _clip_box(box: np.ndarray, width: int, height: int) -> np.ndarray:
    x0, y0 = np.clip(box[:2], 0, [width - 1, height - 1])
    x1, y1 = np.clip(box[:2] + box[2:], 0, [width - 1, height - 1])
    return np.array([x0, y0, x1 - x0, y1 - y0])
