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

from .convert import drop_prototypes, num_experts
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
        used = {**allow_missing, **allow_unexpected}
        reasons = '\n'.join(f'  {pattern}: {why}' for pattern, why in used.items()
                            if any(_allowed(k, {pattern: why})
                                   for k in report['missing'] + report['unexpected']))
        print_log(f'loaded {source}: {len(to_load)} tensors; allowed differences:\n'
                  + format_mismatch(report) + '\n' + reasons, logger='current',
                  level=logging.INFO)
    return report


def _drop_merged_experts(state: dict, model: nn.Module, path: str) -> dict:
    """A plain-ViT model may load an MoE file only if the experts are already merged into
    ``fc2`` (files of the original ``model_split.py`` keep the expert tensors)."""
    if not num_experts(state) or any('.experts.' in k for k in model.state_dict()):
        return state
    key = next(k for k in state if k.endswith('blocks.0.mlp.fc2.weight'))
    if state[key].shape[0] < model.state_dict()[key].shape[0]:
        raise ValueError(f'{path!r} is an unsplit multi-dataset (MoE) checkpoint and this model '
                         'has a plain ViT backbone: split it first with '
                         f'`python tools/model_split.py --source {path}` and load the file of '
                         'the dataset you want')
    print_log(f'{path}: ignoring expert tensors (already merged into fc2)', logger='current')
    return {k: v for k, v in state.items() if '.experts.' not in k}


def _transfer_heads(state: dict, model: nn.Module, path: str) -> tuple[dict, dict]:
    """Start a new keypoint set from a single-dataset checkpoint: its head initialises the
    model's head (final layer excepted), its prototype banks are dropped."""
    src = sorted({k.split('.')[1] for k in state if k.startswith('heads.')})
    if len(src) != 1 or len(model.datasets) != 1:
        raise ValueError(f'transfer needs a single-dataset checkpoint and model; {path!r} has '
                         f'heads {src}, the model serves {model.datasets} (split the '
                         'checkpoint with tools/model_split.py first)')
    dst = model.datasets[0]
    out = {}
    for k, v in drop_prototypes(state).items():
        if k.startswith(f'heads.{src[0]}.'):
            k = f'heads.{dst}.' + k[len(f'heads.{src[0]}.'):]
            if 'final_layer' in k and v.shape != model.state_dict()[k].shape:
                continue
        out[k] = v
    reasons = {f'heads.{dst}.final_layer.*': 'transfer: new keypoint set, final layer re-initialised',
               'proto_head.*prototype*': 'transfer: prototype banks are re-learned'}
    return out, reasons


def load_model_weights(model: nn.Module, path: str,
                       allow_missing: Mapping[str, str] | None = None,
                       allow_unexpected: Mapping[str, str] | None = None,
                       transfer: bool = False) -> dict:
    """Load a whole-model checkpoint (ours, or an official ViTPose/ViTPose+/PoseBH file).

    Args:
        transfer: Initialise a model of another keypoint set (see ``_transfer_heads``).
    """
    state = extract_state_dict(load_file(path))
    state = map_official_keys(state, model.datasets, model.dataset_to_expert)
    state = _drop_merged_experts(state, model, path)
    allow_unexpected = dict(allow_unexpected or {})
    if getattr(model, 'proto_head', None) is not None:
        # cluster bank size and cluster map follow the file (official files lack the map)
        model.proto_head.adapt_state_dict(state, 'proto_head.')  # modifies state in place
    else:
        allow_unexpected['proto_head.*'] = ('PoseBH prototype head: used in training only, '
                                            'this model has none')
    allow_missing = dict(allow_missing or {})
    if transfer:
        state, reasons = _transfer_heads(state, model, path)
        allow_missing.update(reasons)
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
