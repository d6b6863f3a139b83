"""Reading and writing weight files safely.

Third-party files are read with ``torch.load(weights_only=True)``: tensors, containers and an
allow-list of plain data types (NumPy arrays and scalars, mmengine's log history) — never
arbitrary code. ``.safetensors`` files are accepted too. Writes go to a temporary file in the
same folder and are renamed into place, so a killed job never leaves a half-written file.
"""
from __future__ import annotations

import io
import json
import os
import os.path as osp
import pickle
import tempfile

import numpy as np
import torch

_WRAPPER_KEYS = ('state_dict', 'model', 'module')


def _numpy_safe_globals() -> list:
    """NumPy types that plain-data checkpoints pickle (arrays, dtypes, scalars)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray
    items = [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype]
    items += [type(np.dtype(t)) for t in ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8',
                                          'float16', 'float32', 'float64')]
    return items


def register_safe_globals() -> None:
    """Allow the plain-data types found in mmengine / mmcv checkpoints under weights_only."""
    from mmengine.logging.history_buffer import HistoryBuffer
    torch.serialization.add_safe_globals(_numpy_safe_globals() + [HistoryBuffer])


def load_file(path: str) -> dict:
    """Load a checkpoint file as a dict, without executing code from it.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file needs arbitrary code to unpickle, or is not a checkpoint.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path!r}')
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file as load_safetensors
        return {'state_dict': load_safetensors(path)}
    try:
        obj = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as e:
        raise ValueError(
            f'refusing to load {path!r}: it contains pickled objects other than tensors and '
            f'plain data, and loading it could run arbitrary code ({str(e).splitlines()[0]}). '
            'If you trust the file, convert it once with tools/ckpt/convert_trusted.py.') from None
    except (RuntimeError, EOFError) as e:
        raise ValueError(f'{path!r} is not a readable PyTorch checkpoint '
                         f'(truncated or corrupt?): {e}') from None
    if not isinstance(obj, dict):
        raise ValueError(f'{path!r} holds a {type(obj).__name__}, expected a dict of tensors')
    return obj


def extract_state_dict(ckpt: dict) -> dict[str, torch.Tensor]:
    """The weights of a checkpoint dict (``state_dict`` / ``model`` / ``module`` or the dict
    itself), with a DataParallel ``module.`` prefix removed."""
    for key in _WRAPPER_KEYS:
        if key in ckpt and isinstance(ckpt[key], dict):
            ckpt = ckpt[key]
            break
    state = {k: v for k, v in ckpt.items() if isinstance(v, torch.Tensor)}
    if state and all(k.startswith('module.') for k in state):
        state = {k[len('module.'):]: v for k, v in state.items()}
    return state


def atomic_write_bytes(data: bytes, path: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder + rename."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp_', suffix='.part', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0o600
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def atomic_write_json(obj: object, path: str | os.PathLike) -> None:
    """Write ``obj`` as JSON to ``path`` atomically (results files, converted annotations)."""
    # one-shot dumps uses the fast C encoder (json.dump to a file does not)
    atomic_write_bytes(json.dumps(obj).encode(), os.fspath(path))


def save_checkpoint(obj: dict, path: str) -> None:
    """``torch.save`` that never leaves a partial file at ``path``."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    atomic_write_bytes(buf.getvalue(), path)
