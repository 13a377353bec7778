"""Files that are not what their name says, for tests: FIFOs, devices, huge sparse files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_zero_link(path: Path) -> None:
    path.symlink_to("/dev/zero")


def make_sparse(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024**3)  # 50 GB that take no disk space


HOSTILE: dict[str, Callable[[Path], None]] = {
    "a FIFO": make_fifo,
    "a symlink to /dev/zero": make_zero_link,
    "a 50 GB sparse file": make_sparse,
}


def reader(
    *argv: str, stdin: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run the reader command in a child process (so a hang is a timeout, not a stuck test)."""
    return subprocess.run(
        [sys.executable, "-m", "reader", *argv],
        input=stdin,
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        timeout=timeout,
    )
