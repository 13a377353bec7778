"""A crash-safe TinyDB storage: atomic file writes, one lock per transaction, cheap re-reads."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from reader.files import atomic_write, open_regular, read_fd
from reader.store import recovery, schema
from reader.store.backups import MAX_BYTES, Backups
from reader.store.errors import StoreError, StoreWriteError
from reader.store.fileio import (
    Damaged,
    Encoder,
    Tables,
    decode,
    new_stamp,
    read_head,
    stamp_of,
)
from reader.store.lock import DEFAULT_TIMEOUT, FileLock

Signature = tuple[int, int, int, int]
"""(inode, size, mtime_ns, ctime_ns) of the store file as last read or written."""


def identity_now(path: Path) -> tuple[Signature | None, str | None]:
    """A store file's signature and write token as it is now, as `identity()` gives them.

    (None, None) when it is missing; OSError when it cannot be read.
    """
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        return None, None
    try:
        info = os.fstat(fd)
        signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        return signature, stamp_of(read_head(fd))
    finally:
        os.close(fd)


class FileStorage(Storage):
    """TinyDB storage keeping the tables in memory and the truth in one JSON file.

    Every change happens in `transaction()`: a thread lock plus an inter-process flock,
    a re-read of the file if another process changed it, then TinyDB's read-modify-write
    in memory, then one atomic write of the whole file when the transaction ends. A
    `write()` outside a transaction is refused. Reads refresh the in-memory copy through
    `fresh()`, which re-reads the file only when its signature and write token changed.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = DEFAULT_TIMEOUT,
        backups: Backups | None = None,
    ) -> None:
        self.path = Path(path)
        self.backups = backups or Backups(self.path)
        self.generation = 0
        """Bumped whenever the in-memory tables are replaced, so callers can drop caches."""
        self._lock = FileLock(self.path.with_name(self.path.name + ".lock"), lock_timeout)
        self._thread_lock = threading.RLock()
        self._owner: int | None = None
        self._dirty = False
        self._data: Tables | None = None
        self._signature: Signature | None = None
        self._stamp: str | None = None
        self._encoder = Encoder()
        self._seen = False
        """Whether the file existed since this storage opened (so its loss is an error)."""
        self.notices: list[str] = self._open()
        """One-line messages about repairs and upgrades made while opening."""

    def _open(self) -> list[str]:
        """Repair, restore or migrate the file under the lock; just read it if none can be taken.

        A missing file with no backup to restore is left missing: it is created by the
        first write, so commands that only read leave a fresh data folder as it was.
        """
        missing = not os.path.lexists(self.path)
        if missing and not self.backups.all() and not recovery.has_leftovers(self.path):
            return []
        try:
            with self._lock:
                opened = recovery.open_file(self.path, self.backups)
                self._keep(opened)
                return opened.notices
        except (StoreError, FileNotFoundError):
            raise
        except OSError as error:
            # A read-only file system or folder: reading works, writes say why they fail.
            if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise StoreError(f"cannot open the store: {recovery.describe(error)}") from None
            return recovery.open_read_only(self.path, error).notices

    # TinyDB's Storage interface -------------------------------------------------------

    def read(self) -> Tables:
        """The tables in memory (refreshed by `transaction()` or `fresh()`)."""
        with self._thread_lock:
            if self._data is None:
                self._load()
            assert self._data is not None
            return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Accept TinyDB's new tables; they reach the disk when the transaction ends."""
        with self._thread_lock:
            if self._owner != threading.get_ident():
                # TinyDB has already changed the cached tables in place: drop them.
                self._invalidate()
                raise StoreError("refusing to write the store outside a transaction")
            self._data = data
            self._dirty = True

    def close(self) -> None:
        """Forget the in-memory tables; the file is always complete on disk."""
        with self._thread_lock:
            self._invalidate()

    # Transactions and refreshes ---------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold both locks, re-read if needed, and save once at the end if anything changed."""
        with self._thread_lock:
            if self._owner == threading.get_ident():
                yield  # nested: the outer transaction saves
                return
            with self._locked():
                self._owner = threading.get_ident()
                try:
                    self._load()
                    self._dirty = False
                    yield
                    if self._dirty:
                        self._save()
                except BaseException:
                    self._invalidate()
                    raise
                finally:
                    self._owner = None
                    self._dirty = False

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The inter-process lock, with the folder made first; StoreWriteError if it cannot be."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except OSError as error:
            raise StoreWriteError(f"cannot save: {recovery.describe(error)}") from None
        try:
            yield
        finally:
            self._lock.release()

    @contextmanager
    def fresh(self) -> Iterator[None]:
        """Hold the thread lock with tables as current as the file (for reads)."""
        with self._thread_lock:
            if self._owner is None:
                self._load()
            yield

    def changed(self) -> bool:
        """Whether the file differs from the one last read or written (a stat and 64 bytes)."""
        with self._thread_lock:
            known, stamp = self._signature, self._stamp
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return self._seen  # never created yet: nothing changed
        except OSError:
            return True
        try:
            info = os.fstat(fd)
            signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            if known is None or signature != known:
                return True
            return stamp_of(read_head(fd)) != stamp
        finally:
            os.close(fd)

    def _keep(self, opened: recovery.Opened) -> None:
        """Keep the tables just read at open, so the first transaction need not decode again.

        Only when they are the file's as it is (same write token, read under the lock).
        """
        if opened.stamp is None:
            return
        try:
            fd = open_regular(self.path)
        except OSError:
            return
        try:
            info = os.fstat(fd)
            if stamp_of(read_head(fd)) != opened.stamp:
                return
        finally:
            os.close(fd)
        self._data, self._stamp = opened.data, opened.stamp
        self._signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        self._seen = True
        self.generation += 1

    def identity(self) -> tuple[Signature | None, str | None]:
        """The file's signature and write token as last read or written (None: not yet)."""
        with self._thread_lock:
            return self._signature, self._stamp

    def _load(self) -> None:
        """Re-read the file unless it is the very one last read or written."""
        try:
            fd = open_regular(self.path)
        except FileNotFoundError:
            if self._seen:
                raise StoreError(f"the store file {self.path} has gone; reopen reader") from None
            # Never created yet: an empty store, written on the first change.
            if self._data is None:
                self._data, self._signature, self._stamp = schema.empty(), None, None
                self.generation += 1
            return
        except OSError as error:
            raise StoreError(f"cannot read the store: {recovery.describe(error)}") from None
        try:
            info = os.fstat(fd)
            signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            if self._is_current(signature, fd):
                return
            raw = read_fd(fd, MAX_BYTES, str(self.path))
        except OSError as error:
            raise StoreError(f"cannot read the store: {recovery.describe(error)}") from None
        finally:
            os.close(fd)
        try:
            data = decode(raw)
        except Damaged as damage:
            raise StoreError(
                f"the store file became unreadable ({damage}); reopen reader"
            ) from None
        self._data, self._signature, self._stamp = data, signature, stamp_of(raw[:64])
        self._seen = True
        self.generation += 1

    def _is_current(self, signature: Signature, fd: int) -> bool:
        if self._data is None or signature != self._signature or self._stamp is None:
            return False
        return stamp_of(read_head(fd)) == self._stamp

    def _save(self) -> None:
        assert self._data is not None
        stamp = new_stamp()
        payload = self._encoder.chunks(self._data, stamp)
        try:
            atomic_write(self.path, payload)
            info = os.stat(self.path)
        except OSError as error:
            raise StoreWriteError(f"could not save the store: {recovery.describe(error)}") from None
        self._signature = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        self._stamp = stamp
        self._seen = True
        records = schema.count_records(self._data)
        with contextlib.suppress(OSError):
            # The store itself is saved; a missed backup is retried after the next write.
            self.backups.take_if_due(lambda: b"".join(payload), records)

    def _invalidate(self) -> None:
        self._encoder.forget()
        self._data = None
        self._signature = None
        self._stamp = None
        self.generation += 1
