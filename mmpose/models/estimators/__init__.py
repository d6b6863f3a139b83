"""Estimators. ``MultiDatasetTopdown`` is the one top-down model; the names users of the
original configs look for resolve to it (``TopDown`` for ViTPose, ``TopDownMoE`` for ViTPose+,
``TopDownProto`` / ``TopDownMoEProto`` for PoseBH: the prototype head is an argument, not
another class)."""
from mmpose.registry import MODELS

from .multi_dataset_topdown import MultiDatasetTopdown, log_model_summary

for _alias in ('TopDown', 'TopDownMoE', 'TopDownProto', 'TopDownMoEProto'):
    MODELS.register_module(name=_alias, module=MultiDatasetTopdown)

__all__ = ['MultiDatasetTopdown', 'log_model_summary']
