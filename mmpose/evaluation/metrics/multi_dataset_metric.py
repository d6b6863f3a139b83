"""Evaluating several datasets in one run, each with its own metric."""
from __future__ import annotations

import inspect
from collections import OrderedDict, defaultdict
from collections.abc import Sequence

from mmengine.evaluator import BaseMetric

from mmpose.registry import METRICS


@METRICS.register_module()
class MultiDatasetMetric(BaseMetric):
    """Route every prediction to the metric of its dataset (by ``dataset_name``).

    Results are reported as ``<dataset>/<metric name>`` (``coco/AP``, ``mpii/PCKh``, ...).

    Args:
        dataset_metrics: ``{dataset_name: metric config}`` (not ``metrics``: mmengine reads a
            ``metrics`` key as an ``Evaluator`` config). A metric that takes ``metainfo`` gets the
            dataset name by default (its keypoint sigmas come from there).
    """

    def __init__(self, dataset_metrics: dict[str, dict], collect_device: str = 'cpu') -> None:
        super().__init__(collect_device=collect_device, prefix=None)
        if not dataset_metrics:
            raise ValueError('MultiDatasetMetric needs at least one dataset metric')
        self.metrics = {}
        for name, cfg in dataset_metrics.items():
            cfg = dict(cfg)
            cfg.setdefault('prefix', name)
            if 'metainfo' in inspect.signature(METRICS.get(cfg['type']).__init__).parameters:
                cfg.setdefault('metainfo', name)  # keypoint sigmas of that dataset
            self.metrics[name] = METRICS.build(cfg)

    @property
    def dataset_meta(self) -> dict | None:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, meta: dict | None) -> None:
        # the concatenation's meta is the first dataset's: sub-metrics keep their own
        self._dataset_meta = meta

    def process(self, data_batch: dict | None, data_samples: Sequence[dict]) -> None:
        groups: dict[str, list[dict]] = defaultdict(list)
        for sample in data_samples:
            name = sample['dataset_name']
            if name not in self.metrics:
                raise KeyError(f'prediction of dataset {name!r} but the evaluator only has '
                               f'metrics for {sorted(self.metrics)}')
            groups[name].append(sample)
        for name, samples in groups.items():
            metric = self.metrics[name]
            metric.process(data_batch, samples)
            self.results.extend((name, r) for r in metric.results)
            metric.results.clear()

    def compute_metrics(self, results: list) -> dict:
        by_name: dict[str, list] = defaultdict(list)
        for name, item in results:
            by_name[name].append(item)
        out: dict = OrderedDict()
        for name, metric in self.metrics.items():
            if name not in by_name:
                raise ValueError(f'no predictions reached the {name!r} metric; is the dataset '
                                 'part of the test dataloader?')
            for key, value in metric.compute_metrics(by_name[name]).items():
                out[f'{metric.prefix}/{key}'] = value
        return out
