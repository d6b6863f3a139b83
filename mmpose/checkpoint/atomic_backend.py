"""An mmengine file backend whose writes are atomic (temp file + rename).

Selected in configs with ``default_hooks.checkpoint.backend_args=dict(backend='atomic_local')``
so that checkpoints written by mmengine's ``CheckpointHook`` are never half-written.
"""
from __future__ import annotations

from pathlib import Path

from mmengine.fileio import LocalBackend, register_backend

from .io import atomic_write_bytes


class AtomicLocalBackend(LocalBackend):
    """Local disk backend with atomic ``put``."""

    def put(self, obj: bytes, filepath: str | Path) -> None:
        atomic_write_bytes(obj, str(filepath))

    def put_text(self, obj: str, filepath: str | Path, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(obj.encode(encoding), str(filepath))


def register_atomic_backend() -> None:
    from mmengine.fileio.backends.registry_utils import backends
    if 'atomic_local' not in backends:
        register_backend('atomic_local', AtomicLocalBackend)
