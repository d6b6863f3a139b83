"""Progress bars with ETA for long loops (dataset indexing), on the main process only."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from mmengine.dist import get_rank

T = TypeVar('T')


def progress(items: Iterable[T], total: int, desc: str, min_total: int = 20000) -> Iterator[T]:
    """``tqdm`` over ``items`` on rank 0 when there are at least ``min_total`` of them."""
    if total < min_total or get_rank() != 0:
        yield from items
        return
    from tqdm import tqdm
    yield from tqdm(items, total=total, desc=desc, unit='item', mininterval=1.0, leave=False)
