"""Writing many new documents with one durable commit per batch instead of two fsyncs each.

Each document is written in full to a hidden temp file in its folder. `commit` then makes
the batch durable at once: one flush of the file system (syncfs) for all the temp files'
data, a rename of each into place, and one fsync per folder for the renames. A process
killed at any moment leaves each document either absent or whole, never half-written;
at worst it loses the batch not yet committed, whose temp files `sweep` later removes.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.store.fileio import DOCUMENT, fsync_dir

TEMP_MARK = ".tmp-batch-"
"""In every temp file's name, between the target's name and the writer's process id."""


class BatchWriter:
    """New documents written now and made durable, all together, by `commit`."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, path: Path, data: bytes) -> None:
        """Write `data` for `path` to a temp file beside it; `path` appears at `commit`."""
        temp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        fd = os.open(temp, flags, DOCUMENT)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        os.close(fd)
        self._pending.append((temp, path))

    def commit(self) -> list[Path]:
        """Make every added document durable under its own name; the paths, in order added."""
        pending, self._pending = self._pending, []
        if not pending:
            return []
        try:
            _flush([temp for temp, _ in pending])
            for temp, path in pending:
                os.replace(temp, path)
        except BaseException:
            _remove(temp for temp, _ in pending)
            raise
        for folder in dict.fromkeys(path.parent for _, path in pending):
            fsync_dir(folder)
        return [path for _, path in pending]

    def abort(self) -> None:
        """Drop the documents added since the last commit."""
        pending, self._pending = self._pending, []
        _remove(temp for temp, _ in pending)


def sweep(folder: Path) -> int:
    """Remove temp files left in `folder` by writers that died before committing; how many."""
    removed = 0
    try:
        names = [entry.name for entry in os.scandir(folder) if TEMP_MARK in entry.name]
    except OSError:
        return 0
    for name in names:
        owner = name.rpartition(TEMP_MARK)[2].partition("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def _remove(temps: Iterable[Path]) -> None:
    for temp in temps:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _flush(temps: list[Path]) -> None:
    """Make the temp files' data durable: one syncfs where Linux has it, else an fsync each."""
    if _syncfs is not None and all(_syncfs_at(folder) for folder in {t.parent for t in temps}):
        return
    for temp in temps:
        fd = os.open(temp, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs_at(folder: Path) -> bool:
    """Flush the file system holding `folder`; False when that failed."""
    assert _syncfs is not None
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return _syncfs(fd) == 0
    finally:
        os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    """libc's syncfs(2) (Linux): flushes one file system, so a batch costs one call."""
    try:
        # The running program's own symbols include the C library's.
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


_syncfs = _load_syncfs()
