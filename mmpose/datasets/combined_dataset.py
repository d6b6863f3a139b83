"""Several named datasets as one (multi-dataset training and evaluation)."""
from __future__ import annotations

from collections.abc import Sequence

from mmengine.dataset import ConcatDataset

from mmpose.registry import DATASETS


@DATASETS.register_module()
class CombinedDataset(ConcatDataset):
    """Concatenation of datasets with different keypoint definitions.

    Every sample keeps its own ``dataset_name`` (set by its dataset), which routes it to its
    expert, head and metric. ``metainfo`` lists the parts by name.

    Args:
        datasets: Dataset configs (or built datasets), each with a distinct ``dataset_name``.
        lazy_init: Defer loading the parts' annotations.
    """

    def __init__(self, datasets: Sequence[dict], lazy_init: bool = False) -> None:
        built = [DATASETS.build(d) if isinstance(d, dict) else d for d in datasets]
        names = [getattr(d, 'dataset_name', None) for d in built]
        if None in names or len(set(names)) != len(names):
            raise ValueError(f'CombinedDataset needs datasets with distinct dataset_name values, '
                             f'got {names}')
        keys = set().union(*(d.metainfo.keys() for d in built))
        super().__init__(built, lazy_init=lazy_init, ignore_keys=sorted(keys))
        self.dataset_names = tuple(names)

    @property
    def metainfo(self) -> dict:
        return dict(dataset_name='+'.join(self.dataset_names),
                    datasets={d.dataset_name: d.metainfo for d in self.datasets})
