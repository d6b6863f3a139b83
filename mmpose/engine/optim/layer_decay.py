"""Layer-wise learning-rate decay for ViT backbones (as in ViTPose / MAE fine-tuning)."""
from __future__ import annotations

import re

from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from mmpose.registry import OPTIM_WRAPPER_CONSTRUCTORS

_BLOCK = re.compile(r'^backbone\.blocks\.(\d+)\.')
_EMBED = ('backbone.pos_embed', 'backbone.cls_token', 'backbone.mask_token',
          'backbone.patch_embed.')


def get_layer_id(name: str, num_layers: int) -> int:
    """Depth of a parameter: embeddings 0, block ``i`` is ``i + 1``, everything after the
    blocks (last norm, heads) ``num_layers + 1``."""
    if name.startswith(_EMBED):
        return 0
    m = _BLOCK.match(name)
    if m:
        return int(m.group(1)) + 1
    return num_layers + 1


def is_no_decay(name: str, param: nn.Parameter) -> bool:
    """No weight decay for biases, norm/1-D parameters and the position embedding."""
    return param.ndim == 1 or name.endswith('.bias') or 'pos_embed' in name


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Parameter groups with ``lr = base_lr * layer_decay_rate ** (num_layers + 1 - layer_id)``.

    ``paramwise_cfg`` takes exactly ``num_layers`` and ``layer_decay_rate``; any other key is an
    error (the original's ``custom_keys`` / ``decay_multi`` settings were silently ignored).
    Parameters that do not require gradients when the optimizer is built are left out.
    """

    _ALLOWED = ('num_layers', 'layer_decay_rate')

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        unknown = sorted(set(paramwise_cfg) - set(self._ALLOWED))
        missing = [k for k in self._ALLOWED if k not in paramwise_cfg]
        if unknown or missing:
            raise ValueError(f'LayerDecayOptimWrapperConstructor: paramwise_cfg must have exactly '
                             f'{self._ALLOWED}; unknown {unknown}, missing {missing}')
        self.num_layers = int(paramwise_cfg['num_layers'])
        self.layer_decay_rate = float(paramwise_cfg['layer_decay_rate'])
        super().__init__(optim_wrapper_cfg, None)
        # non-empty paramwise_cfg makes the base class call add_params
        self.paramwise_cfg = paramwise_cfg

    def add_params(self, params: list[dict], module: nn.Module, **kwargs) -> None:
        groups: dict[tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer_id = get_layer_id(name, self.num_layers)
            no_decay = is_no_decay(name, param)
            group = groups.get((layer_id, no_decay))
            if group is None:
                scale = self.layer_decay_rate ** (self.num_layers + 1 - layer_id)
                group = dict(params=[], lr=self.base_lr * scale,
                             weight_decay=0. if no_decay else self.base_wd)
                groups[(layer_id, no_decay)] = group
            group['params'].append(param)
        params.extend(groups[k] for k in sorted(groups))
        print_log(f'layer-wise lr decay: {len(groups)} parameter groups, '
                  f'rate {self.layer_decay_rate}, {self.num_layers} layers', logger='current')
