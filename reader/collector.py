"""Pausing Python's cycle collector around work that makes many objects and keeps them."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, collect_after: bool = False) -> Iterator[None]:
    """Run the block with the collector's own schedule paused; `collect_after` runs a full
    collection once the block is over.

    The collector's scheduled passes walk every container made since the last one: work
    that makes hundreds of thousands and keeps them to its end (a sync's dicts, an
    import's items) pays for passes that find nothing. The block may still collect what it
    knows to be garbage (`gc.collect(1)`: the young generations only).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if collect_after:
            gc.collect()
