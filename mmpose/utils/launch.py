"""Process-group setup for ``torchrun`` and SLURM launches, on CUDA (NCCL) or CPU (gloo)."""
from __future__ import annotations

import os
import subprocess
from datetime import timedelta

import torch
import torch.distributed as dist
from mmengine.config import Config

LAUNCHERS = ('none', 'pytorch', 'slurm')


def _slurm_env() -> None:
    """Translate SLURM's variables into the ones torch.distributed reads."""
    proc_id = int(os.environ['SLURM_PROCID'])
    ntasks = int(os.environ['SLURM_NTASKS'])
    node_list = os.environ['SLURM_NODELIST']
    if 'MASTER_ADDR' not in os.environ:
        addr = subprocess.getoutput(f'scontrol show hostname {node_list} | head -n1')
        os.environ['MASTER_ADDR'] = addr
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['WORLD_SIZE'] = str(ntasks)
    os.environ['RANK'] = str(proc_id)
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')


def setup_distributed(launcher: str, cfg: Config, timeout_s: int = 1800) -> None:
    """Initialise the default process group and adapt ``cfg`` to the device.

    mmengine's own ``init_dist`` assumes CUDA; here gloo is used on CPU, and DDP gets
    ``device_ids=None`` for CPU modules.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f'--launcher must be one of {LAUNCHERS}, got {launcher!r}')
    cfg.launcher = launcher
    if launcher == 'none':
        return
    if launcher == 'slurm':
        _slurm_env()
    if 'RANK' not in os.environ:
        raise ValueError(f'--launcher {launcher} needs RANK/WORLD_SIZE in the environment; '
                         'start with tools/dist_train.sh (torchrun) or srun')
    local_rank = int(os.environ.get('LOCAL_RANK', 0))
    use_cuda = torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(local_rank % torch.cuda.device_count())
    if not dist.is_initialized():
        dist.init_process_group('nccl' if use_cuda else 'gloo',
                                timeout=timedelta(seconds=timeout_s))
    wrapper = dict(cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel'))
    if not use_cuda:
        wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
