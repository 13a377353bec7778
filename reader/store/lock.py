"""The inter-process lock around the store: fcntl.flock on a sidecar lock file, with a timeout."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from reader.store.errors import StoreLocked

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for another process before giving up with StoreLocked."""

_PID_WIDTH = 12
_FIRST_WAIT = 0.0005
_LONGEST_WAIT = 0.02


class FileLock:
    """An exclusive lock shared by every process that opens the same lock file.

    The holder writes its pid into the file so a waiter that gives up can say who holds it.
    The lock file itself is never deleted: removing a flock'ed file lets two processes
    each lock a different inode and both believe they hold the lock.
    """

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, polling until the timeout; raise StoreLocked after it."""
        if self._fd is not None:
            raise RuntimeError("FileLock is not re-entrant")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            self._wait_for(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        with contextlib.suppress(OSError):
            # The pid is only a hint for error messages. A fixed width overwrites the last
            # holder's pid without truncating, which would cost a journal commit.
            os.pwrite(fd, f"{os.getpid():>{_PID_WIDTH}}".encode(), 0)

    def _wait_for(self, fd: int) -> None:
        deadline = time.monotonic() + self.timeout
        wait = _FIRST_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLocked(_read_pid(fd)) from None
            time.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)

    def release(self) -> None:
        """Let the lock go (closing the descriptor releases the flock)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, _PID_WIDTH, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
