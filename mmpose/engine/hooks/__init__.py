"""Training hooks."""
from .param_schedule_hook import ParamScheduleHook
from .proto_schedule_hook import ProtoScheduleHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['ParamScheduleHook', 'ProtoScheduleHook', 'SafeCheckpointHook']
