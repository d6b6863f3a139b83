"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [--out preds.json]``.

Multi-process: ``bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [args]``.
"""
import argparse
import json
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmpose.checkpoint import load_model_weights
from mmpose.utils import load_config, run_cli, setup_distributed


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description='Evaluate a pose model')
    p.add_argument('config', help='config file')
    p.add_argument('checkpoint', help='checkpoint file (ours or an official ViTPose/PoseBH one)')
    p.add_argument('--out', help='write the scored keypoint results (COCO format) here')
    p.add_argument('--work-dir', help='where logs go (default: ./work_dirs/<config name>)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                   help='override config keys, e.g. model.test_cfg.flip_test=False')
    p.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    p.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return p.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    # the checkpoint provides every weight: no backbone / multi-head initialisation files needed
    cfg.model.pretrained = None
    cfg.model.multihead_pretrained = None
    cfg.load_from = None
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint!r}')
    outputs = route_results_files(cfg, args.out) if args.out else {}
    setup_distributed(args.launcher, cfg)
    runner = Runner.from_cfg(cfg)
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    load_model_weights(model, args.checkpoint)
    metrics = runner.test()
    if runner.rank == 0:
        for written, wanted in outputs.items():
            if osp.isfile(written):
                os.makedirs(osp.dirname(osp.abspath(wanted)), exist_ok=True)
                os.replace(written, wanted)
                print(f'results: {wanted}')
        print(metrics_table(metrics))
        print(json.dumps({k: round(float(v), 6) for k, v in metrics.items()}, indent=1))


def route_results_files(cfg: Config, out: str) -> dict[str, str]:
    """Make the metric(s) write their results files; where each should end up.

    One dataset: ``out`` itself. Several (``MultiDatasetMetric``): ``<out stem>_<dataset>.json``
    for every dataset whose metric writes a COCO-format results file.
    """
    ev = cfg.test_evaluator
    stem = osp.splitext(out)[0]
    if ev.get('type') == 'MultiDatasetMetric':
        routes = {}
        for name, sub in ev.dataset_metrics.items():
            if 'ann_file' in sub:  # COCO-family metrics write keypoint results files
                sub.outfile_prefix = osp.join(cfg.work_dir, f'test_results_{name}')
                routes[sub.outfile_prefix + '.keypoints.json'] = f'{stem}_{name}.json'
        return routes
    if 'ann_file' not in ev:
        print(f"note: {ev.get('type')} writes no keypoint results file; --out is ignored")
        return {}
    ev.outfile_prefix = osp.join(cfg.work_dir, 'test_results')
    return {ev.outfile_prefix + '.keypoints.json': out}


def metrics_table(metrics: dict) -> str:
    """One row per dataset (the prefix of ``<dataset>/<metric>``), its metrics as columns."""
    rows: dict[str, list[str]] = {}
    for key, value in metrics.items():
        dataset, sep, name = key.partition('/')
        if not sep:
            dataset, name = '-', key
        rows.setdefault(dataset, []).append(f'{name} {float(value):.4f}')
    width = max(len(d) for d in rows) if rows else 0
    return '\n'.join(f'{d:<{width}} | ' + '  '.join(v) for d, v in rows.items())


if __name__ == '__main__':
    run_cli(main)
