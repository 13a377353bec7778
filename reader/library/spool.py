"""What a scan parsed for the index, kept on disk until the index sync that follows takes it.

A refresh scans new files into the catalog and then indexes them. Both need the parsed
file, and parsing is most of the cost, so inside `parse_once` the scan leaves each file's
indexed fields in a scratch SQLite file in the cache dir and the index sync takes them from
there instead of parsing the file again. On disk, not in memory: a first refresh of 100,000
entries would otherwise hold every body at once. An entry is used only while its file still
has the size and mtime it had when parsed. The scratch file is deleted when `parse_once`
ends; one left by a killed process is removed by the next `parse_once`.

A feeds refresh inside the block goes further: its helpers parse each entry from the bytes
they write and hand the parse over (`put_parsed`), catalog summary included, so the scan
that finds those files reads none of them either. Those rows go to a second scratch file,
appended and emptied as the index sync takes them (`reader.library.spool_rows`).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library.catalog_file import from_db, to_db
from reader.library.spool_rows import RowFile, StampOf, unchanged

if TYPE_CHECKING:
    from reader.library.parse_pool import Parsed, Summary

Fields = tuple[str, str | None, str | None, str | None, tuple[str, ...], str]
"""(title, ISO date, place, source, tags, body text): what the index keeps of a file."""

Packed = tuple[str | bytes, int, int, bytes, bytes | None]
"""A spool row as stored: (path, size, mtime, fields, catalog summary), the last two
marshalled. Compact to pass between processes: two bytes objects instead of many strings."""

PREFIX = "parsed-"
LOOKUP = 500
"""Paths looked up in the spool at a time."""
STALE_AFTER = 24 * 3600
"""Seconds after which a scratch file nobody deleted is taken as left by a killed process."""

_current: ContextVar[Spool | None] = ContextVar("reader_parse_spool", default=None)


def pack_parsed(rows: Iterable[tuple[str, Parsed]]) -> list[Packed]:
    """Parses of files just written, as the spool stores them."""
    return [
        (
            to_db(path),
            p.size,
            p.mtime_ns,
            marshal.dumps(p.fields),
            marshal.dumps(tuple(p.summary)),
        )
        for path, p in rows
    ]


class Spool:
    """A scratch file of parsed fields (and catalog summaries) by path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Made on the first put: a command that parses nothing creates no file.
        self._conn: sqlite3.Connection | None = None
        self._broken = False
        self._lock = threading.Lock()  # one connection; a refresh may use it from threads
        self._handed = RowFile(path.with_suffix(".rows"))
        """The rows handed over by savers (`put_parsed`), which the index sync takes."""

    def _open(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None and not self._broken:
            if not create and not self.path.exists():
                return None
            try:
                self._conn = _connect(self.path)
            except (OSError, sqlite3.Error):
                self._broken = True  # a full cache, say: files are parsed again
        return self._conn

    def put(self, rows: Iterable[tuple[str, int, int, Fields]]) -> None:
        """Keep the fields of files just parsed, with their size and mtime then."""
        values = [
            (to_db(path), size, mtime, marshal.dumps(fields), None)
            for path, size, mtime, fields in rows
        ]
        with self._lock:
            self._handed.discard([from_db(value[0]) for value in values])
        self._insert(values)

    def put_parsed(self, rows: Iterable[tuple[str, Parsed]]) -> None:
        """Keep what was parsed of files just written: their catalog summary (so the scan
        that finds them does not parse them again) and their indexed fields."""
        self.put_packed(pack_parsed(rows))

    def put_packed(self, rows: Sequence[Packed]) -> None:
        """`put_parsed` of rows already packed (by `pack_parsed`, in another process)."""
        with self._lock:
            if self._handed.has_room(len(rows)):
                try:
                    self._handed.add(rows)
                    return
                except OSError:
                    pass  # a full cache, say: the database may still take them
        self._insert(rows)

    def _insert(self, values: Sequence[tuple[object, ...]]) -> None:
        if not values:
            return
        with self._lock:
            conn = self._open(create=True)
            if conn is None:
                return
            try:
                with conn:
                    conn.execute("BEGIN")
                    conn.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?, ?, ?)", values)
            except (OSError, sqlite3.Error):
                self._broken = True  # the index sync parses these files again

    def take(
        self, paths: Sequence[str], stamps: StampOf | None = None
    ) -> Iterator[tuple[str, Fields]]:
        """The kept fields of these paths whose files have not changed since they were parsed
        (`stamps` has the size and mtime the catalog records for them, if it is known: a
        row of that version is what the catalog describes, so the file is not looked at).

        Looked up a few hundred at a time, so a big sync never holds more than that. The
        rows found are dropped from the file: the index sync is their last reader, and a
        refresh of 100,000 entries then keeps a few thousand on disk at a time, not all.
        """
        with self._lock:
            handed = list(self._handed_rows(self._handed.take, paths, stamps))
        for path, blob in handed:
            yield path, marshal.loads(blob)
        rest = _others(paths, handed)
        for path, blob in self._rows(rest, "fields", stamps, consume=True):
            yield path, marshal.loads(blob)

    def summaries(
        self, paths: Sequence[str], stamps: StampOf | None = None
    ) -> Iterator[tuple[str, Summary]]:
        """The catalog summaries kept of these paths, for files unchanged since. `stamps`
        has the size and mtime a scan has just read of the paths (not read again here)."""
        from reader.library.parse_pool import Summary

        with self._lock:
            handed = list(self._handed_rows(self._handed.summaries, paths, stamps))
        rest = _others(paths, handed)
        for path, summary in [*handed, *self._rows(rest, "summary", stamps)]:
            if summary is not None:
                yield path, Summary(*marshal.loads(summary))

    def _handed_rows(
        self, read: Callable[..., Iterator[tuple[str, bytes]]], *args: object
    ) -> Iterator[tuple[str, bytes]]:
        """The handed-over rows `read` finds; none once the scratch file fails."""
        try:
            yield from read(*args)
        except OSError:
            self._handed.close()  # those files are found in the database or parsed again
            self._handed = RowFile(self.path.with_suffix(".rows"))

    def _rows(
        self,
        paths: Sequence[str],
        column: str,
        stamps: StampOf | None = None,
        consume: bool = False,
    ) -> Iterator[tuple[str, bytes]]:
        """(path, column) of the rows kept for these paths whose files are unchanged."""
        for start in range(0, len(paths), LOOKUP):
            chunk = paths[start : start + LOOKUP]
            marks = ", ".join("?" * len(chunk))
            # Only the column wanted: the other blob would be read from its pages for nothing.
            sql = f"SELECT path, size, mtime_ns, {column} FROM parsed WHERE path IN ({marks})"
            keys = [to_db(path) for path in chunk]  # a name that is not UTF-8 is kept as bytes
            with self._lock:
                conn = self._open(create=False)
                if conn is None:
                    return
                try:
                    found = conn.execute(sql, keys).fetchall()
                    if consume and found:
                        conn.execute(f"DELETE FROM parsed WHERE path IN ({marks})", keys)
                except sqlite3.Error:
                    return  # files not found here are parsed again
            for stored, size, mtime, blob in found:
                path = from_db(stored)
                stamp = stamps(path) if stamps is not None else None
                if (size, mtime) == stamp if stamp is not None else unchanged(path, size, mtime):
                    yield path, blob

    def close(self) -> None:
        """Close and delete the scratch file."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._handed.close()
        self.path.unlink(missing_ok=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # Scratch data: no journal, no syncing; a crash just loses it.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS parsed (path TEXT PRIMARY KEY, size INTEGER,"
        " mtime_ns INTEGER, fields BLOB, summary BLOB)"
    )
    return conn


def _others(paths: Sequence[str], found: list[tuple[str, bytes]]) -> Sequence[str]:
    """The paths not among those found."""
    if not found:
        return paths
    done = {path for path, _ in found}
    return [path for path in paths if path not in done]


def current_spool() -> Spool | None:
    """The spool of the `parse_once` block this code runs in, if any."""
    return _current.get()


@contextmanager
def parse_once(cache_dir: Path) -> Iterator[Spool | None]:
    """Within this block, a scan keeps what it parsed for the index sync that follows."""
    if _current.get() is not None:  # nested: the outer block's spool serves both
        yield _current.get()
        return
    _sweep(cache_dir)
    try:
        spool: Spool | None = Spool(cache_dir / f"{PREFIX}{os.getpid()}-{os.urandom(4).hex()}.db")
    except (OSError, sqlite3.Error):
        spool = None  # everything still works, parsing twice
    token = _current.set(spool)
    try:
        yield spool
    finally:
        _current.reset(token)
        if spool is not None:
            with contextlib.suppress(OSError, sqlite3.Error):
                spool.close()


def _sweep(cache_dir: Path) -> None:
    """Remove scratch files left by processes that were killed."""
    cutoff = time.time() - STALE_AFTER
    with contextlib.suppress(OSError):
        for entry in os.scandir(cache_dir):
            if not entry.name.startswith(PREFIX):
                continue
            owner = entry.name.removeprefix(PREFIX).partition("-")[0]
            with contextlib.suppress(OSError):
                if (owner.isdigit() and not _alive(int(owner))) or entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
