"""Returning memory freed by native code (the index writer, SQLite) to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None on a C library without it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
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
