"""Returning memory freed by native code (the index writer, SQLite) to the system."""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

M_ARENA_MAX = -8
"""mallopt's parameter for the most malloc arenas a process makes (glibc's malloc.h)."""


@functools.cache
def _libc_function(name: str) -> Callable[..., int] | None:
    """A function of the C library, or None on a C library without it."""
    try:
        # The symbols already loaded into this process: no search for the C library (which
        # runs ldconfig, a few milliseconds on every command that syncs).
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):
        return None
    return function


def give_back_memory() -> None:
    """Hand the free pages of the C heap back to the system.

    The index writer's threads allocate and free hundreds of megabytes while they index;
    glibc keeps what they freed for reuse, so a long refresh that opens a writer several
    times would otherwise hold the peak of every one of them.
    """
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


def one_heap() -> None:
    """Have every thread of this process allocate from the one C heap (glibc arena).

    Otherwise the index writer's and merge threads each get an arena of their own, each
    holding pages of what it freed, and a long refresh that syncs many times holds them
    all between and during its syncs; with one heap, the next writer reuses the pages the
    last one freed. Only arenas made after the call are affected: call it before threads.
    """
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(M_ARENA_MAX, 1)
