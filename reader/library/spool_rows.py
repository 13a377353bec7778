"""The spool's handed-over rows: appended to a scratch file, found through an index in memory.

A feeds refresh hands the spool thousands of parses between two syncs, and the sync takes
each of them once. In the spool's SQLite file, each row would go into a B-tree and be
deleted again: 150 MB written for the 36 MB of rows of 20,000 entries. Here a batch of
rows is one append, and the file is emptied (its pages dropped before they reach the disk)
whenever the sync has taken every row in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from reader.library.catalog_file import from_db

Stamp = tuple[int, int]
"""A file's (size, mtime_ns)."""

StampOf = Callable[[str], Stamp | None]
"""A path's stamp as a caller read it just now (None: not known, read it here)."""

LIMIT = 50_000
"""Rows indexed in memory at most (about 15 MB); the spool's database takes any more."""


class _Place(NamedTuple):
    """Where a row's blobs are in the file, and the file's stamp when it was parsed."""

    offset: int
    fields: int
    """Length of the marshalled fields; the summary follows them."""
    summary: int
    """Length of the marshalled summary (-1: none kept)."""
    size: int
    mtime_ns: int


class RowFile:
    """Handed-over rows (see `reader.library.spool.Packed`) in an append-only scratch file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None  # made on the first rows
        self._end = 0
        self._places: dict[str, _Place] = {}

    def has_room(self, count: int) -> bool:
        """Whether `count` more rows stay within the memory kept for the index."""
        return len(self._places) + count <= LIMIT

    def add(self, rows: Sequence[tuple[str | bytes, int, int, bytes, bytes | None]]) -> None:
        """Append rows (a row for a path kept already replaces it); OSError if it cannot."""
        if self._fd is None:
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.path, flags, 0o600)
        chunks: list[bytes] = []
        places: dict[str, _Place] = {}
        offset = self._end
        for stored, size, mtime, fields, summary in rows:
            length = -1 if summary is None else len(summary)
            places[from_db(stored)] = _Place(offset, len(fields), length, size, mtime)
            chunks.append(fields)
            if summary is not None:
                chunks.append(summary)
            offset += len(fields) + max(length, 0)
        data = b"".join(chunks)
        written = os.pwrite(self._fd, data, self._end)
        if written != len(data):
            raise OSError("the spool's scratch file is full")
        self._places.update(places)  # only once the rows are in the file
        self._end = offset

    def discard(self, paths: Sequence[str]) -> None:
        """Forget the rows of these paths (the spool's database has newer ones)."""
        for path in paths:
            self._places.pop(path, None)
        self._empty_if_done()

    def summaries(
        self, paths: Sequence[str], stamps: StampOf | None
    ) -> Iterator[tuple[str, bytes]]:
        """(path, marshalled summary) of the rows kept for these paths, files unchanged."""
        for path in paths:
            place = self._places.get(path)
            if place is None or place.summary < 0 or not self._current(path, place, stamps):
                continue
            yield path, self._read(place.offset + place.fields, place.summary)

    def take(
        self, paths: Sequence[str], stamps: StampOf | None = None
    ) -> Iterator[tuple[str, bytes]]:
        """(path, marshalled fields) of the rows kept for these paths, files unchanged;
        every row of these paths is dropped (the index sync is the last to read them)."""
        for path in paths:
            place = self._places.pop(path, None)
            if place is not None and self._current(path, place, stamps):
                yield path, self._read(place.offset, place.fields)
        self._empty_if_done()

    def _current(self, path: str, place: _Place, stamps: StampOf | None) -> bool:
        stamp = stamps(path) if stamps is not None else None
        if stamp is not None:
            return stamp == (place.size, place.mtime_ns)
        return unchanged(path, place.size, place.mtime_ns)

    def _read(self, offset: int, length: int) -> bytes:
        assert self._fd is not None  # a place is known only once its row was written
        data = os.pread(self._fd, length, offset)
        if len(data) != length:
            raise OSError("the spool's scratch file was cut short")
        return data

    def _empty_if_done(self) -> None:
        """With every row taken, empty the file: its pages need never be written out."""
        if not self._places and self._end and self._fd is not None:
            os.ftruncate(self._fd, 0)
            self._end = 0

    def close(self) -> None:
        """Close and delete the scratch file."""
        self._places.clear()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.path.unlink(missing_ok=True)


def unchanged(path: str, size: int, mtime: int) -> bool:
    """Whether the file still has this size and mtime."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_size == size and info.st_mtime_ns == mtime
