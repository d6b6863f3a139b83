"""Small utilities: launching and command-line handling."""
from .cli import run_cli
from .config_utils import adapt_dataloaders, adapt_precision, load_config
from .launch import setup_distributed
from .progress import progress

__all__ = ['run_cli', 'setup_distributed', 'adapt_dataloaders', 'adapt_precision', 'load_config',
           'progress']
