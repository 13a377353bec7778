"""Returning memory freed by native code (the index writer, SQLite) to the system."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on a C library without it."""
    try:
        # The symbols already loaded into this process: no search for the C library (which
        # runs ldconfig, a few milliseconds on every command that syncs).
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def give_back_memory() -> None:
    """Hand the free pages of the C heap back to the system.

    The index writer's threads allocate and free hundreds of megabytes while they index;
    glibc keeps what they freed for reuse, so a long refresh that opens a writer several
    times would otherwise hold the peak of every one of them.
    """
    trim = _trim()
    if trim is not None:
        trim(0)
