"""The file layer: size-capped reads of regular files, and crash-safe writes of every file.

Reads: a FIFO would block `open()` until a writer comes, `/dev/zero` never ends and a sparse
file can claim terabytes: every such file is refused with a one-line OSError before any read.

Writes: every file the app writes (the store, settings, index state, feed entries, saved
pages, exports) goes through `atomic_write` or, for many new files at once, `BatchWriter`:
a process killed at any moment leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

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


def link_target(path: Path) -> Path:
    """The file a symlink points at (through any chain), or `path` itself.

    Atomic writes go there rather than renaming over the link, so a user's symlinked
    file (kept in a synced folder, say) stays a symlink.
    """
    return Path(os.path.realpath(path)) if path.is_symlink() else path


PRIVATE = 0o600
"""The mode of the app's own files (the store, settings, index state): for the user alone."""
DOCUMENT = 0o666
"""The mode of files the user reads and shares (articles, exports); the umask applies."""

TEMP_MARK = ".tmp-batch-"
"""In a batch temp file's name, between the target's name and the writer's process id."""


def temp_prefix(path: Path) -> str:
    """The name prefix of the temp files `atomic_write` makes next to `path`."""
    return f".{path.name}.tmp-"


def atomic_write(
    path: Path, payload: bytes | Sequence[bytes], mode: int = PRIVATE, durable: bool = True
) -> None:
    """Replace `path` with `payload` so the file is always either the old or the new bytes.

    Write a temp file in the same folder, fsync it, os.replace it over the target, then
    fsync the folder so the rename itself survives a power cut. On any failure the temp
    file is removed and the error propagates. A symlinked target stays a symlink.

    `durable=False` skips both fsyncs, for derived files the app can rebuild (index
    state): a killed process still leaves the old or the new file, and only a power cut
    may lose the newest write.
    """
    path = link_target(path)
    chunks = [payload] if isinstance(payload, bytes) else payload
    temp = _write_temp(path.with_name(_temp_name(temp_prefix(path))), chunks, mode, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        _remove([temp])
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = PRIVATE, durable: bool = True) -> None:
    """`atomic_write` of UTF-8 text."""
    atomic_write(path, text.encode("utf-8"), mode, durable)


def rename(source: Path, target: Path) -> None:
    """Rename a file over `target` in the same folder, durably (the folder is flushed)."""
    os.replace(source, target)
    fsync_dir(target.parent)


def append_lines(path: Path, payload: bytes, mode: int = PRIVATE) -> None:
    """Append whole lines at the end of `path` (created) and flush them to disk.

    A last line left without its newline (a writer killed mid-line) is ended first, so the
    new lines are never glued to it.
    """
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, mode)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload
        _write_all(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def fsync_dir(folder: str | Path) -> None:
    """Flush a folder's entries (renames, creations) to disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BatchWriter:
    """New files written now and made durable, all together, by `commit`.

    Each file is written in full to a hidden temp file in its folder. `commit` then makes
    the batch durable at once: one flush of the file system (syncfs) for all the temp
    files' data, a rename of each into place, and one fsync per folder for the renames:
    one durable commit per batch instead of two fsyncs per file. A process killed at any
    moment leaves each file either absent or whole; at worst it loses the batch not yet
    committed, whose temp files `sweep` later removes.
    """

    def __init__(
        self, on_commit: Callable[[list[tuple[Path, bytes]]], object] | None = None
    ) -> None:
        """`on_commit` is given each committed batch's files with the bytes written to them
        (a scan's parse can then be made from them, without reading the files back)."""
        self._pending: list[tuple[str, Path]] = []
        self._data: list[bytes] = []
        self._on_commit = on_commit

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, path: Path, data: bytes, mode: int = DOCUMENT) -> None:
        """Write `data` for `path` to a temp file beside it; `path` appears at `commit`."""
        # Names as strings: pathlib's parsing was a tenth of a feed entry's file handling.
        folder, name = os.path.split(os.fspath(path))
        temp = os.path.join(folder, _temp_name(f".{name}{TEMP_MARK}"))
        self._pending.append((_write_temp(temp, [data], mode, sync=False), path))
        if self._on_commit is not None:
            self._data.append(data)

    def commit(self) -> list[Path]:
        """Make every added file durable under its own name; the paths, in order added."""
        pending, self._pending = self._pending, []
        data, self._data = self._data, []
        if not pending:
            return []
        try:
            _flush([temp for temp, _ in pending])
            for temp, path in pending:
                os.replace(temp, path)
        except BaseException:
            _remove(temp for temp, _ in pending)
            raise
        for folder in dict.fromkeys(os.path.dirname(temp) for temp, _ in pending):
            fsync_dir(folder)
        paths = [path for _, path in pending]
        if self._on_commit is not None:
            # A path added twice (a file rewritten in one batch) holds the last bytes.
            last = {os.fspath(item[0]): item for item in zip(paths, data, strict=True)}
            self._on_commit(list(last.values()))
        return paths

    def abort(self) -> None:
        """Drop the files added since the last commit."""
        pending, self._pending = self._pending, []
        self._data = []
        _remove(temp for temp, _ in pending)


def sweep(folder: Path) -> int:
    """Remove batch temp files left in `folder` by writers that died before committing."""
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


def _temp_name(prefix: str) -> str:
    # The writer's pid lets `sweep` tell a dead writer's leftovers from a live one's. Then
    # random hex, drawn once per process (a recycled pid's leftovers do not collide), and a
    # count: no system calls for each of a refresh's 100,000 files. Random hex from
    # os.urandom: importing uuid (and platform with it) costs a search ~3 ms.
    return f"{prefix}{_TEMP_TAG}{next(_TEMP_COUNT):x}"


def _new_temp_tag() -> None:
    global _TEMP_TAG, _TEMP_COUNT
    _TEMP_TAG = f"{os.getpid()}-{os.urandom(4).hex()}-"
    _TEMP_COUNT = itertools.count()


_TEMP_TAG = ""
_TEMP_COUNT = itertools.count()
_new_temp_tag()
os.register_at_fork(after_in_child=_new_temp_tag)  # a forked child has a pid of its own


_P = TypeVar("_P", str, Path)


def _write_temp(temp: _P, chunks: Iterable[bytes], mode: int, sync: bool) -> _P:
    """Create `temp` (never an existing file) holding `chunks`; fsync it when `sync`."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        try:
            for chunk in chunks:
                _write_all(fd, chunk)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove([temp])
        raise
    return temp


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


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


def _remove(temps: Iterable[str | Path]) -> None:
    for temp in temps:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _flush(temps: list[str]) -> None:
    """Make the temp files' data durable: one syncfs where Linux has it, else an fsync each."""
    folders = {os.path.dirname(temp) for temp in temps}
    if _syncfs() is not None and all(_syncfs_at(folder) for folder in folders):
        return
    for temp in temps:
        fd = os.open(temp, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs_at(folder: str | Path) -> bool:
    """Flush the file system holding `folder`; False when that failed."""
    syncfs = _syncfs()
    assert syncfs is not None
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's syncfs(2) (Linux): flushes one file system, so a batch costs one call."""
    import ctypes  # only when a batch is committed: the app's start-up does not pay for it

    try:
        # The running program's own symbols include the C library's.
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _too_large(limit: int) -> str:
    if limit >= MB:
        return f"it is larger than {limit // MB} MB"
    return f"it is larger than {limit} bytes"
