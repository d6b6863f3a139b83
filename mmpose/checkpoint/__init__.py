"""Checkpoint reading, writing, key mapping and surgery."""
from .atomic_backend import AtomicLocalBackend, register_atomic_backend
from .convert import drop_prototypes, extract_dataset_model, merge_expert_into_ffn, num_experts
from .io import (
                      atomic_write_bytes,
                      atomic_write_json,
                      extract_state_dict,
                      load_file,
                      register_safe_globals,
                      save_checkpoint,
)
from .key_mapping import VITPOSE_PLUS_DATASETS, infer_datasets, map_official_keys
from .loading import (
                      CheckpointMismatchError,
                      compare_state_dicts,
                      convert_backbone_state,
                      format_mismatch,
                      load_backbone_weights,
                      load_model_weights,
                      load_state_dict_checked,
)

register_atomic_backend()
register_safe_globals()

__all__ = [
    'AtomicLocalBackend', 'atomic_write_bytes', 'atomic_write_json', 'extract_state_dict',
    'load_file', 'save_checkpoint', 'map_official_keys', 'infer_datasets', 'VITPOSE_PLUS_DATASETS',
    'CheckpointMismatchError', 'compare_state_dicts', 'convert_backbone_state', 'format_mismatch',
    'load_backbone_weights', 'load_model_weights', 'load_state_dict_checked', 'drop_prototypes',
    'extract_dataset_model', 'merge_expert_into_ffn', 'num_experts'
]
