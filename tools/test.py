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
from mmpose.utils import run_cli, setup_distributed


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
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        './work_dirs', osp.splitext(osp.basename(args.config))[0])
    # the checkpoint provides every weight: no backbone / multi-head initialisation files needed
    cfg.model.pretrained = None
    cfg.model.multihead_pretrained = None
    cfg.load_from = None
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint!r}')
    prefix = None
    if args.out:
        prefix = osp.join(cfg.work_dir, 'test_results')
        cfg.test_evaluator.outfile_prefix = prefix
    setup_distributed(args.launcher, cfg)
    runner = Runner.from_cfg(cfg)
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    load_model_weights(model, args.checkpoint)
    metrics = runner.test()
    if args.out and runner.rank == 0:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        os.replace(prefix + '.keypoints.json', args.out)
    if runner.rank == 0:
        print(json.dumps({k: round(float(v), 6) for k, v in metrics.items()}, indent=1))


if __name__ == '__main__':
    run_cli(main)
