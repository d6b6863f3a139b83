"""Keep checkpoints loadable with ``torch.load(weights_only=True)``.

mmengine pickles its log-smoothing buffers (``HistoryBuffer``) with bound methods inside, which
``weights_only`` loading rejects (it would need ``getattr``). This hook stores them as plain
lists when saving and rebuilds them after loading, so resume and evaluation never need to
unpickle code.
"""
from __future__ import annotations

from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer

from mmpose.registry import HOOKS

_TAG = '__history_buffer__'


@HOOKS.register_module()
class SafeCheckpointHook(Hook):
    """Convert ``message_hub`` history buffers to plain data in checkpoints and back."""

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for key, buf in list(scalars.items()):
            if isinstance(buf, HistoryBuffer):
                log, count = buf.data
                scalars[key] = {_TAG: True, 'log_history': log.tolist(),
                                'count_history': count.tolist(), 'max_length': buf.max_length}

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        scalars = checkpoint.get('message_hub', {}).get('log_scalars', {})
        for key, value in list(scalars.items()):
            if isinstance(value, dict) and value.get(_TAG):
                scalars[key] = HistoryBuffer(value['log_history'], value['count_history'],
                                             value['max_length'])
