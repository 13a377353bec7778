"""The catalog's SQLite file: telling damage from a cache that cannot be written, paths
that are not UTF-8 (kept exactly, as bytes), path ranges, the write counter and the change log."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

_DAMAGE_CODES = frozenset({11, 26})
"""SQLITE_CORRUPT and SQLITE_NOTADB: the file's contents cannot be trusted."""


def is_damage(error: BaseException) -> bool:
    """Whether an SQLite error says the file is damaged (as opposed to busy or full)."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _DAMAGE_CODES
    text = str(error)
    return "malformed" in text or "not a database" in text


_UNWRITABLE_CODES = frozenset({8, 10, 13, 14})
"""SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL and SQLITE_CANTOPEN: the cache cannot be written."""


def is_unwritable(error: BaseException) -> bool:
    """Whether an error says the cache cannot be written (read-only, full, not a folder)."""
    if isinstance(error, OSError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(error, sqlite3.OperationalError) and isinstance(code, int):
        return code & 0xFF in _UNWRITABLE_CODES
    return False


def to_db(path: str) -> str | bytes:
    """A path as stored: text, or its bytes when it is not valid UTF-8 (Linux allows any)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def from_db(value: object) -> str:
    """A stored path back as the str the file system gave (lossless: surrogateescape)."""
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)


def shown(text: str) -> str:
    """Text safe to store and show: bytes that are not UTF-8 become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def storable(row: Sequence[object], path_at: int = 1) -> tuple[object, ...]:
    """A row whose strings SQLite can store: the path kept losslessly, other text cleaned."""
    return tuple(
        to_db(value) if i == path_at and isinstance(value, str)
        else shown(value) if isinstance(value, str)
        else value
        for i, value in enumerate(row)
    )  # fmt: skip


def insert_rows(
    conn: sqlite3.Connection, sql: str, rows: Iterable[Sequence[object]], path_at: int
) -> None:
    rows = list(rows)
    try:
        conn.executemany(sql, rows)
    except UnicodeEncodeError:
        # Rare (a file name that is not UTF-8): re-bind every row, already written ones
        # are replaced by the same values.
        conn.executemany(sql, [storable(row, path_at) for row in rows])


def copy_readable(source: Path, target: Path) -> None:
    """Copy what can be read of a catalog file into `target` (nothing when unreadable)."""
    if not os.access(source, os.R_OK) or not source.is_file():
        return
    try:
        # immutable: no lock or -shm file is needed, so this works on a read-only disk.
        reader = sqlite3.connect(f"{source.as_uri()}?immutable=1", uri=True)
        try:
            writer = sqlite3.connect(target)
            with writer:
                reader.backup(writer)
            writer.close()
        finally:
            reader.close()
    except sqlite3.Error:
        target.unlink(missing_ok=True)  # unreadable: start empty


STAMPS = "SELECT path, size || ' ' || mtime_ns FROM articles"

RANGE_ROWS = 256
"""Rows read at a time when listing the files directly in a folder."""


def in_range(conn: sqlite3.Connection, low: Any, high: Any, deep: bool) -> Iterator[Any]:
    """(path, stamp) of rows with low <= path < high; without `deep`, none in subfolders.

    The bounds are all text or all bytes (paths that are not UTF-8 are stored as blobs,
    which SQLite sorts after every text).
    """
    where = f"{STAMPS} WHERE path >= ? AND path < ? ORDER BY path"
    if deep:
        yield from conn.execute(where, (low, high))
        return
    slash, zero, nul = ("/", "0", "\0") if isinstance(low, str) else (b"/", b"0", b"\0")
    start, size = low, len(low)
    while True:
        # Rows stepped one at a time: a subfolder's first row ends the read, and a folder
        # of many subfolders (a feed's each) costs a row for each, not a page of rows.
        rows = conn.execute(f"{where} LIMIT ?", (start, high, RANGE_ROWS))
        last: tuple[int, Any] = (0, start)
        for read, (path, stamp) in enumerate(rows, start=1):
            cut = path.find(slash, size)
            if cut >= 0:  # in a subfolder: go on after everything under it ("0" follows "/")
                start = path[:cut] + zero
                break
            yield path, stamp
            last = (read, path)
        else:
            if last[0] < RANGE_ROWS:
                return
            start = last[1] + nul  # the first path after the last one read


def has_generation(conn: sqlite3.Connection) -> bool:
    """Whether the write counter and the change log are there (an older file lacks them)."""
    sql = (
        "SELECT count(*) FROM sqlite_master WHERE"
        " (type = 'table' AND name IN ('generation', 'changes'))"
        " OR (type = 'trigger' AND name IN (?, ?, ?, ?))"
    )
    return int(conn.execute(sql, CHANGE_TRIGGERS).fetchone()[0]) == 2 + len(CHANGE_TRIGGERS)


def add_generation(conn: sqlite3.Connection) -> None:
    """The one-row table counting write transactions (see `Catalog.generation`), and the
    change log (see `CHANGE_LOG`)."""
    conn.execute("CREATE TABLE IF NOT EXISTS generation (epoch TEXT NOT NULL, number INTEGER)")
    if conn.execute("SELECT count(*) FROM generation").fetchone()[0] == 0:
        conn.execute("INSERT INTO generation VALUES (?, 0)", (os.urandom(16).hex(),))
    for statement in CHANGE_LOG:
        conn.execute(statement)


CHANGE_TRIGGERS = ("changes_replaced", "changes_insert", "changes_delete", "changes_update")

CHANGE_LOG = (
    "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS changes_replaced BEFORE INSERT ON articles BEGIN"
    " INSERT INTO changes (id) SELECT id FROM articles WHERE path = new.path AND id != new.id;"
    " END",
    "CREATE TRIGGER IF NOT EXISTS changes_insert AFTER INSERT ON articles BEGIN"
    " INSERT INTO changes (id) VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS changes_delete AFTER DELETE ON articles BEGIN"
    " INSERT INTO changes (id) VALUES (old.id); END",
    "CREATE TRIGGER IF NOT EXISTS changes_update AFTER UPDATE ON articles BEGIN"
    " INSERT INTO changes (id) VALUES (old.id); INSERT INTO changes (id) VALUES (new.id); END",
)
"""The ids of the articles each write touched, numbered in order: whoever keeps something
derived from the rows (the search index's ledger) reads only the ids changed since the
number it last saw, instead of comparing every row. Kept by triggers, so every writer logs,
whatever its code; a row that an INSERT OR REPLACE drops for holding the same path under
another id is logged before the insert (REPLACE fires no delete trigger)."""
