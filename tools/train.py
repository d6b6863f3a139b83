"""Train a model: ``python tools/train.py CONFIG [--cfg-options k=v ...]``.

Multi-process: ``bash tools/dist_train.sh CONFIG GPUS [args]`` (torchrun; CPU uses gloo).
"""
import argparse

from mmengine.config import DictAction
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmpose.models.estimators import log_model_summary
from mmpose.utils import adapt_precision, load_config, run_cli, setup_distributed


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description='Train a pose model')
    p.add_argument('config', help='config file')
    p.add_argument('--work-dir', help='where logs and checkpoints go '
                   '(default: ./work_dirs/<config name>)')
    p.add_argument('--resume', nargs='?', const='auto', default=None,
                   help='resume from CHECKPOINT, or from the latest complete checkpoint of the '
                   'work dir when no path is given')
    p.add_argument('--amp', action='store_true', help='mixed precision (AmpOptimWrapper)')
    p.add_argument('--seed', type=int, default=None, help='random seed')
    p.add_argument('--deterministic', action='store_true', help='deterministic algorithms')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                   help='override config keys, e.g. model.pretrained=weights/mae.pth')
    p.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    p.add_argument('--local_rank', '--local-rank', type=int, default=0,
                   help='set by old launchers; torchrun uses LOCAL_RANK')
    return p.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume:
        cfg.resume, cfg.load_from = True, args.resume
    elif cfg.get('load_from'):
        # whole-model weights to start from: loaded strictly by the model's init_weights
        cfg.model.multihead_pretrained, cfg.load_from = cfg.load_from, None
    if args.seed is not None or args.deterministic:
        cfg.randomness = dict(seed=args.seed, deterministic=args.deterministic)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    adapt_precision(cfg)
    setup_distributed(args.launcher, cfg)
    runner = Runner.from_cfg(cfg)
    log_model_summary(runner.model.module if is_model_wrapper(runner.model) else runner.model)
    runner.train()
    print_log(f'training finished; checkpoints in {cfg.work_dir}', logger='current')


if __name__ == '__main__':
    run_cli(main)
