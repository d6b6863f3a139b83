"""Training hooks."""
from .epoch_seed_hook import EpochSeedHook, epoch_seed
from .param_schedule_hook import ParamScheduleHook
from .proto_schedule_hook import ProtoScheduleHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['EpochSeedHook', 'epoch_seed', 'ParamScheduleHook',
           'ProtoScheduleHook', 'SafeCheckpointHook']
