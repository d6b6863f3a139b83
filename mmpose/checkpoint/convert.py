"""Checkpoint surgery as pure functions on state dicts (our key layout: ``heads.<dataset>``).

* :func:`merge_expert_into_ffn` turns an MoE backbone into a plain ViT for one expert: for a fixed
  expert ``e`` the MoE FFN equals an ordinary FFN whose ``fc2`` is ``[fc2 ; experts.e]`` (rows).
* :func:`extract_dataset_model` produces a single-dataset ViTPose model (merged backbone + that
  dataset's head), what the original ``tools/model_split.py`` meant to write.
* :func:`drop_prototypes` removes the prototype banks before transfer to new keypoint types.
"""
from __future__ import annotations

import re

import torch

_EXPERT = re.compile(r'^(.*)\.mlp\.experts\.(\d+)\.(weight|bias)$')
PROTOTYPE_KEYS = ('proto_head.kpt_prototype.prototypes', 'proto_head.cluster_prototype.prototypes',
                  'proto_head.cluster_keypoint')


def num_experts(state: dict[str, torch.Tensor]) -> int:
    """Number of MoE experts in a backbone state dict (0 for a plain ViT)."""
    ids = {int(m.group(2)) for k in state if (m := _EXPERT.match(k))}
    return max(ids) + 1 if ids else 0


def merge_expert_into_ffn(state: dict[str, torch.Tensor], expert: int) -> dict:
    """Fold expert ``expert`` into every ``mlp.fc2`` and drop all expert tensors.

    Raises:
        KeyError: The state dict has no such expert.
    """
    n = num_experts(state)
    if not 0 <= expert < n:
        raise KeyError(f'expert {expert} requested but the checkpoint has {n} experts')
    out = {}
    for key, value in state.items():
        if _EXPERT.match(key):
            continue
        if key.endswith(('.mlp.fc2.weight', '.mlp.fc2.bias')):
            block, leaf = key.rsplit('.fc2.', 1)
            value = torch.cat([value, state[f'{block}.experts.{expert}.{leaf}']], dim=0)
        out[key] = value
    return out


def extract_dataset_model(state: dict[str, torch.Tensor], dataset: str,
                          dataset_to_expert: dict[str, int] | None) -> dict:
    """Plain single-dataset model of ``dataset``: merged backbone, its head, proto head kept.

    Args:
        state: Multi-dataset model weights in our layout (``heads.<name>.*``).
        dataset: Dataset to extract.
        dataset_to_expert: Expert of each dataset (None for a non-MoE model).

    Raises:
        KeyError: ``dataset`` has no head (or no expert) in the checkpoint.
    """
    if not any(k.startswith(f'heads.{dataset}.') for k in state):
        heads = sorted({k.split('.')[1] for k in state if k.startswith('heads.')})
        raise KeyError(f'checkpoint has no head for dataset {dataset!r}; heads: {heads}')
    if num_experts(state):
        if not dataset_to_expert or dataset not in dataset_to_expert:
            raise KeyError(f'MoE checkpoint: the expert of {dataset!r} is unknown; give '
                           'dataset_to_expert (from the training config)')
        state = merge_expert_into_ffn(state, dataset_to_expert[dataset])
    return {k: v for k, v in state.items()
            if not k.startswith('heads.') or k.startswith(f'heads.{dataset}.')}


def drop_prototypes(state: dict[str, torch.Tensor]) -> dict:
    """Remove the keypoint and cluster prototype banks (the proto head's convs stay)."""
    return {k: v for k, v in state.items() if k not in PROTOTYPE_KEYS}
