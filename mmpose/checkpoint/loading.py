"""Strict weight loading with readable mismatch reports.

Every key of the file must land in the model and every model key must be filled, unless it is
on an explicit allow-list with a reason. Mismatches are reported as one table.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from fnmatch import fnmatch

import torch
from mmengine.logging import print_log
from torch import nn

from .io import extract_state_dict, load_file
from .key_mapping import map_official_keys

# pattern -> reason; keys of MAE / classification checkpoints the pose backbone has no use for
_BACKBONE_IGNORED = {
    'cls_token': 'classification token (pose ViT has none)',
    'mask_token': 'MAE mask token',
    'norm.*': 'MAE/ViT final norm (the pose backbone has its own last_norm)',
    'fc_norm.*': 'classification pooling norm',
    'head.*': 'classification head',
    'decoder*': 'MAE decoder',
}


class CheckpointMismatchError(ValueError):
    """Keys of a checkpoint and a model do not match."""


def compare_state_dicts(model_state: Mapping, ckpt_state: Mapping) -> dict[str, list]:
    """Missing / unexpected / shape-mismatched keys of ``ckpt_state`` against ``model_state``."""
    missing = sorted(k for k in model_state if k not in ckpt_state)
    unexpected = sorted(k for k in ckpt_state if k not in model_state)
    shape = sorted((k, tuple(ckpt_state[k].shape), tuple(model_state[k].shape))
                   for k in ckpt_state if k in model_state
                   and tuple(ckpt_state[k].shape) != tuple(model_state[k].shape))
    return dict(missing=missing, unexpected=unexpected, shape=shape)


def _allowed(key: str, patterns: Mapping[str, str]) -> bool:
    return any(fnmatch(key, p) for p in patterns)


def format_mismatch(report: dict[str, list], limit: int = 20) -> str:
    """A readable table of a :func:`compare_state_dicts` report."""
    lines = []
    for kind, title in (('missing', 'missing in checkpoint'),
                        ('unexpected', 'unexpected in checkpoint'),
                        ('shape', 'shape mismatch (checkpoint vs model)')):
        items = report[kind]
        if not items:
            continue
        lines.append(f'  {title}: {len(items)}')
        for item in items[:limit]:
            lines.append(f'    {item[0]:<60} {item[1]} vs {item[2]}' if kind == 'shape'
                         else f'    {item}')
        if len(items) > limit:
            lines.append(f'    ... and {len(items) - limit} more')
    return '\n'.join(lines)


def load_state_dict_checked(module: nn.Module, state: Mapping[str, torch.Tensor], source: str,
                            allow_missing: Mapping[str, str] | None = None,
                            allow_unexpected: Mapping[str, str] | None = None) -> dict:
    """Load ``state`` into ``module``; unexplained mismatches raise.

    Args:
        source: Where the weights come from, for messages.
        allow_missing: ``{glob: reason}`` of model keys the file may lack (they keep their init).
        allow_unexpected: ``{glob: reason}`` of file keys the model may ignore.

    Returns:
        The report of what was skipped.

    Raises:
        CheckpointMismatchError: With the mismatch table.
    """
    allow_missing = allow_missing or {}
    allow_unexpected = allow_unexpected or {}
    report = compare_state_dicts(module.state_dict(), state)
    errors = dict(missing=[k for k in report['missing'] if not _allowed(k, allow_missing)],
                  unexpected=[k for k in report['unexpected']
                              if not _allowed(k, allow_unexpected)],
                  shape=report['shape'])
    if any(errors.values()):
        raise CheckpointMismatchError(
            f'weights from {source!r} do not match {type(module).__name__}:\n'
            + format_mismatch(errors)
            + '\n  (allow-list intentional differences explicitly, see docs/checkpoints.md)')
    to_load = {k: v for k, v in state.items() if k in module.state_dict()}
    module.load_state_dict(to_load, strict=False)
    skipped = len(report['missing']) + len(report['unexpected'])
    if skipped:
        print_log(f'loaded {source}: {len(to_load)} tensors; allowed differences:\n'
                  + format_mismatch(report), logger='current', level=logging.INFO)
    return report


def load_model_weights(model: nn.Module, path: str,
                       allow_missing: Mapping[str, str] | None = None,
                       allow_unexpected: Mapping[str, str] | None = None) -> dict:
    """Load a whole-model checkpoint (ours, or an official ViTPose/ViTPose+/PoseBH file)."""
    state = extract_state_dict(load_file(path))
    state = map_official_keys(state, model.datasets, model.dataset_to_expert)
    return load_state_dict_checked(model, state, path, allow_missing, allow_unexpected)


def convert_backbone_state(state: dict, backbone: nn.Module) -> dict:
    """Adapt plain backbone weights to ``backbone``: drop a ``backbone.`` prefix (whole-model
    files), resize ``pos_embed`` to the model's grid, split a full FFN ``fc2`` into the MoE
    layout (shared rows + every expert initialised from the last ``part_features`` rows)."""
    if any(k.startswith('backbone.') for k in state):
        state = {k[len('backbone.'):]: v for k, v in state.items() if k.startswith('backbone.')}
    model_state = backbone.state_dict()
    state = dict(state)
    pos = state.get('pos_embed')
    if pos is not None and tuple(pos.shape) != tuple(model_state['pos_embed'].shape):
        from mmpose.models.backbones import resize_pos_embed
        state['pos_embed'] = resize_pos_embed(pos, None, backbone.patch_embed.grid_size)
    for key in [k for k in state if k.endswith('mlp.fc2.weight') or k.endswith('mlp.fc2.bias')]:
        prefix, leaf = key.rsplit('.fc2.', 1)
        expert0 = f'{prefix}.experts.0.{leaf}'
        if expert0 not in model_state or f'{prefix}.experts.0.{leaf}' in state:
            continue
        full = state[key]
        shared = model_state[key].shape[0]
        state[key] = full[:shared].clone()
        e = 0
        while f'{prefix}.experts.{e}.{leaf}' in model_state:
            state[f'{prefix}.experts.{e}.{leaf}'] = full[shared:].clone()
            e += 1
    return state


def load_backbone_weights(backbone: nn.Module, path: str) -> dict:
    """``model.pretrained``: backbone weights from MAE / ViT / ViTPose / ViTPose+ files."""
    raw = extract_state_dict(load_file(path))
    state = convert_backbone_state(raw, backbone)
    allow_missing = {}
    if 'last_norm.weight' not in state:
        allow_missing['last_norm.*'] = 'pre-training checkpoints have no last_norm'
    return load_state_dict_checked(backbone, state, path, allow_missing=allow_missing,
                                   allow_unexpected=_BACKBONE_IGNORED)
