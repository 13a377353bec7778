"""Reading article files safely: regular files only, a size cap, binary files refused."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from reader.sources import LoadError
from reader.sources.decode import wide_bom

BINARY = "binary file, not an article"
"""The reason given for files that are not text."""

_SNIFF = 8192
"""Bytes at the start of a file looked at to tell text from binary."""

# Formats whose first bytes are not plausible text openings.
_MAGIC = (
    b"\x89PNG",
    b"%PDF-",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x7fELF",
    b"SQLite format 3\x00",
    b"\x28\xb5\x2f\xfd",
    b"\xd0\xcf\x11\xe0",
    b"\xca\xfe\xba\xbe",
    b"\xcf\xfa\xed\xfe",
    b"\x00asm",
)

# Control bytes text does not use. ESC is left out: coloured terminal logs are text,
# and their escape sequences are stripped later.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check must not block open
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class RawFile:
    """A file's first bytes and the facts the catalog keeps about it."""

    data: bytes
    truncated: bool
    size: int
    mtime_ns: int


def read_capped(path: Path, limit: int) -> RawFile:
    """Read at most `limit` bytes of a regular file, refusing anything else."""
    _require_regular(_stat(path))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise LoadError(_reason(error)) from None
    try:
        info = os.fstat(fd)
        # Checked again on the open file: the path may have changed since the stat.
        _require_regular(info)
        data = _read_up_to(fd, limit + 1, info.st_size)
    except OSError as error:
        raise LoadError(_reason(error)) from None
    finally:
        os.close(fd)
    truncated = len(data) > limit
    return RawFile(data[:limit] if truncated else data, truncated, info.st_size, info.st_mtime_ns)


def looks_binary(data: bytes) -> bool:
    """Whether bytes are a known binary format or full of control bytes."""
    if data.startswith(_MAGIC):
        return True
    if wide_bom(data) is not None:
        return False  # UTF-16/32 text is full of NULs by nature
    sample = data[:_SNIFF]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    # A stray NUL or two is noise to strip; a few percent is a binary format.
    return controls > max(8, len(sample) // 50)


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as error:
        raise LoadError(_reason(error)) from None


def _require_regular(info: os.stat_result) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise LoadError("is a directory")
    if stat.S_ISFIFO(mode):
        raise LoadError("not a regular file (a FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise LoadError("not a regular file (a device)")
    raise LoadError("not a regular file")


def _read_up_to(fd: int, cap: int, size_hint: int) -> bytes:
    # One read of the expected size (plus one byte, to notice growth) covers the
    # common case without allocating a cap-sized buffer for every small file.
    chunks = []
    total = 0
    step = min(cap, max(size_hint, 0) + 1)
    while total < cap:
        chunk = os.read(fd, min(step, cap - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        step = 1 << 16
    return b"".join(chunks)


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    detail = " ".join((error.strerror or type(error).__name__).split())
    return f"cannot read file: {detail}"
