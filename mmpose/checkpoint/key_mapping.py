"""Official ViTPose / ViTPose+ / PoseBH key layouts -> this package's layout, in one place.

The original checkpoints address heads by position: ``keypoint_head`` serves dataset index 0 and
``associate_keypoint_heads.{j}`` serves dataset index ``j + 1``, where the index is the MoE expert
index (ViTPose+ order: coco, aic, mpii, ap10k, apt36k, wholebody). Here heads are keyed by name
(``heads.<dataset>``); the model's ``dataset_to_expert`` says which name has which index.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

_ASSOC = re.compile(r'^associate_keypoint_heads\.(\d+)\.(.*)$')


def dataset_by_index(datasets: Sequence[str], dataset_to_expert: dict[str, int] | None) -> dict:
    """Legacy positional index -> dataset name."""
    if dataset_to_expert is None:
        return dict(enumerate(datasets))
    return {e: n for n, e in dataset_to_expert.items()}


def map_official_keys(state: dict, datasets: Sequence[str],
                      dataset_to_expert: dict[str, int] | None) -> dict:
    """Rename official head keys to ``heads.<name>.*``; other keys pass through.

    Associate heads of datasets the model does not serve are dropped with a log line: the
    per-dataset files of the original ``model_split.py`` keep every other head.

    Raises:
        KeyError: ``keypoint_head`` has no dataset with index 0 in the model.
    """
    by_index = dataset_by_index(datasets, dataset_to_expert)
    out, dropped = {}, set()
    for key, value in state.items():
        if key.startswith('keypoint_head.'):
            if 0 not in by_index:
                raise KeyError('checkpoint has keypoint_head.* (dataset index 0) but no dataset '
                               'of the model has index 0')
            key = f'heads.{by_index[0]}.' + key[len('keypoint_head.'):]
        else:
            m = _ASSOC.match(key)
            if m:
                idx = int(m.group(1)) + 1
                if idx not in by_index:
                    dropped.add(idx)
                    continue
                key = f'heads.{by_index[idx]}.{m.group(2)}'
        out[key] = value
    if dropped:
        from mmengine.logging import print_log
        print_log(f'checkpoint heads of dataset indices {sorted(dropped)} are not served by this '
                  f'model (datasets={tuple(datasets)}): not loaded', logger='current')
    return out


# The dataset order of the released ViTPose+ / PoseBH checkpoints (their ``dataset_idx``), a
# fact of those files' format: expert e and head index e serve this dataset.
VITPOSE_PLUS_DATASETS = ('coco', 'aic', 'mpii', 'ap10k', 'apt36k', 'coco_wholebody')


def infer_datasets(state: dict) -> tuple[tuple[str, ...], dict[str, int]]:
    """Dataset names and expert map of a checkpoint without a config.

    Our checkpoints name their heads (``heads.<name>``); official ones are positional and follow
    :data:`VITPOSE_PLUS_DATASETS`.
    """
    named = sorted({k.split('.')[1] for k in state if k.startswith('heads.')})
    if named:
        raise KeyError(f'checkpoint has named heads {named} but no expert map; give --config '
                       '(the training config) so each dataset finds its expert')
    assoc = {int(m.group(1)) for k in state if (m := _ASSOC.match(k))}
    count = 1 + (max(assoc) + 1 if assoc else 0)
    if count > len(VITPOSE_PLUS_DATASETS):
        raise KeyError(f'checkpoint has {count} heads; the released layout has at most '
                       f'{len(VITPOSE_PLUS_DATASETS)}: give --config')
    names = VITPOSE_PLUS_DATASETS[:count]
    return names, {n: i for i, n in enumerate(names)}
