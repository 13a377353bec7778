"""Reading files a user names or the app keeps: regular files only, never blocking, size-capped.

A FIFO would block `open()` until a writer comes, `/dev/zero` never ends and a sparse file
can claim terabytes: every such file is refused with a one-line OSError before any read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)


class NotRegularFile(OSError):
    """The path names a folder, FIFO, device or socket rather than a regular file."""


class FileTooLarge(OSError):
    """The file holds more bytes than the reader of it accepts."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> int:
    """Open a regular file for reading without ever blocking; return its descriptor.

    O_NONBLOCK makes opening a FIFO return at once; the fstat on the open descriptor
    then refuses anything but a regular file, whatever the path pointed at before.
    """
    fd = os.open(path, _FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"it is {kind_of(mode)}", os.fspath(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_fd(fd: int, limit: int, name: str = "") -> bytes:
    """Every byte of an open regular file, refusing one larger than `limit` bytes."""
    size = os.fstat(fd).st_size
    if size > limit:
        raise FileTooLarge(errno.EFBIG, _too_large(limit), name)
    chunks: list[bytes] = []
    total = 0
    while True:
        # Read past the size the file claimed: it may have grown since the fstat.
        chunk = os.read(fd, min(max(size - total, 0) + 65536, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise FileTooLarge(errno.EFBIG, _too_large(limit), name)


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (OSError otherwise)."""
    fd = open_regular(path)
    try:
        return read_fd(fd, limit, os.fspath(path))
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], limit: int) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes (UnicodeDecodeError if not)."""
    return read_bytes(path, limit).decode("utf-8")


def read_stream(stream: BinaryIO, limit: int, name: str = "<stdin>") -> bytes:
    """At most `limit` bytes from a stream (stdin), refusing a longer one."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(errno.EFBIG, _too_large(limit), name)
    return data


def is_regular_or_missing(path: Path) -> bool:
    """Whether `path` is a regular file (following links) or does not exist at all."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True


def _too_large(limit: int) -> str:
    if limit >= MB:
        return f"it is larger than {limit // MB} MB"
    return f"it is larger than {limit} bytes"
