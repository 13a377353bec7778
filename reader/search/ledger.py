"""The index's ledger: article id -> fingerprint of what the index holds, in SQLite beside it.

Kept in an SQLite file so that a sync changes only the rows of the ids it touched: a
library of 100,000 articles no longer reads, compares and rewrites one JSON file whole when
one feed adds 500. Besides the rows it keeps a few values (`stamp`, `quick`, `position`, see
reader.search.sync). Derived data: a file that cannot be read as a ledger is deleted and
the sync that follows checks the index against the catalog in full, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

LEDGER_FILE = "reader-ledger.sqlite"
OLD_FILES = ("reader-ledger.json", "reader-ledger.stamp", "reader-ledger.quick")
"""The ledger of earlier versions (one JSON file and two stamps): removed when found."""
OLD_LIMIT = 256 * 1024 * 1024
"""The largest JSON ledger taken over; a bigger one is left (the index is checked in full)."""
VERSION = 2
PENDING = ""
"""The fingerprint of an id whose indexed state is unknown (a change was under way)."""
LOOKUP = 500
"""Ids looked up at a time."""

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, fp TEXT NOT NULL,"
    " user INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID",
    # The few ids a sync must always look at, found without reading every row.
    "CREATE INDEX IF NOT EXISTS entries_pending ON entries (id) WHERE fp = ''",
    "CREATE INDEX IF NOT EXISTS entries_user ON entries (id) WHERE user = 1",
    "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class Ledger:
    """The ledger of an index folder; without a folder (an index in memory) it holds nothing.

    Reads answer None or nothing when the ledger is missing or damaged; a write that fails
    deletes the file, so what is left can never claim an article is indexed when it is not.
    """

    def __init__(self, directory: Path | None) -> None:
        self.path = None if directory is None else directory / LEDGER_FILE
        self._conn: sqlite3.Connection | None = None
        self._lost = False
        """Set when the file was found unusable and deleted: only `replace_all`, which
        writes every row, makes it again (other writes would describe part of the index)."""

    # Reads ---------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        """A kept value, or None."""
        row = self._one("SELECT value FROM state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def read_all(self) -> dict[str, str] | None:
        """Every id with its fingerprint; None when there is no usable ledger."""
        rows = self._rows("SELECT id, fp FROM entries")
        return None if rows is None else {str(id_): str(fp) for id_, fp in rows}

    def lookup(self, ids: Sequence[str]) -> dict[str, str] | None:
        """These ids' fingerprints (unknown ids are left out); None when unusable."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), LOOKUP):
            chunk = ids[start : start + LOOKUP]
            marks = ", ".join("?" * len(chunk))
            rows = self._rows(f"SELECT id, fp FROM entries WHERE id IN ({marks})", chunk)
            if rows is None:
                return None
            found.update((str(id_), str(fp)) for id_, fp in rows)
        return found

    def special_ids(self) -> tuple[list[str], list[str]] | None:
        """The ids marked pending, and the ids indexed with a user's notes or tags."""
        pending = self._rows("SELECT id FROM entries WHERE fp = ''")
        users = self._rows("SELECT id FROM entries WHERE user = 1")
        if pending is None or users is None:
            return None
        return [str(row[0]) for row in pending], [str(row[0]) for row in users]

    def count(self) -> int | None:
        """How many ids are listed; None when unusable."""
        row = self._one("SELECT count(*) FROM entries")
        return None if row is None else int(row[0])

    def pending(self) -> bool:
        """Whether some id is marked pending (True when unusable: nothing is settled)."""
        row = self._one("SELECT count(*) FROM (SELECT 1 FROM entries WHERE fp = '' LIMIT 1)")
        return row is None or bool(row[0])

    # Writes --------------------------------------------------------------------------

    def mark_pending(self, ids: Iterable[str]) -> None:
        """Mark ids unknown before the index changes them; the kept values go with them."""
        self._write(
            ("DELETE FROM state WHERE key IN ('stamp', 'quick')", [()]),
            ("INSERT OR REPLACE INTO entries VALUES (?, '', 0)", ((id_,) for id_ in ids)),
        )

    def replace_all(self, entries: dict[str, str]) -> None:
        """Start the ledger afresh with these entries (kept values dropped)."""
        self._lost = False
        self._write(
            ("DELETE FROM state", [()]),
            ("DELETE FROM entries", [()]),
            ("INSERT INTO entries VALUES (?, ?, ?)", (_row(*item) for item in entries.items())),
        )

    def record(self, entries: Iterable[tuple[str, str]]) -> None:
        """Record what the index holds now of these ids (after a commit)."""
        rows = (_row(id_, fp) for id_, fp in entries)
        self._write(("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows))

    def drop(self, ids: Iterable[str]) -> None:
        """Forget ids the index no longer holds (after a commit)."""
        self._write(("DELETE FROM entries WHERE id = ?", ((id_,) for id_ in ids)))

    def put(self, **values: str) -> None:
        """Keep these values."""
        self._write(("INSERT OR REPLACE INTO state VALUES (?, ?)", values.items()))

    def close(self) -> None:
        """Close the file."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # The file ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None or self._lost:
            return None
        if self._conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                # Derived data: a write lost to a crash costs a re-check, so no syncing.
                conn.execute("PRAGMA synchronous=OFF")
                if conn.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                    self._create(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _create(self, conn: sqlite3.Connection) -> None:
        """Make the tables, taking the rows of an earlier version's JSON ledger (so an
        upgrade does not index every article again)."""
        assert self.path is not None
        old = _old_entries(self.path.with_name(OLD_FILES[0]))
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DROP TABLE IF EXISTS entries")
        conn.execute("DROP TABLE IF EXISTS state")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany("INSERT INTO entries VALUES (?, ?, ?)", (_row(*e) for e in old.items()))
        conn.execute(f"PRAGMA user_version = {VERSION}")
        conn.execute("COMMIT")
        for name in OLD_FILES:
            with contextlib.suppress(OSError):
                self.path.with_name(name).unlink(missing_ok=True)

    def _rows(self, sql: str, values: Sequence[str] = ()) -> list[tuple[Any, ...]] | None:
        try:
            conn = self._connect()
            return None if conn is None else conn.execute(sql, values).fetchall()
        except (OSError, sqlite3.Error):
            self._discard()
            return None

    def _one(self, sql: str, values: Sequence[str] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(sql, values)
        return rows[0] if rows else None

    def _write(self, *steps: tuple[str, Iterable[Sequence[object]]]) -> None:
        """Run each statement over its rows, all in one transaction; on failure the ledger
        is deleted."""
        try:
            conn = self._connect()
            if conn is None:
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in steps:
                    conn.executemany(sql, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except (OSError, sqlite3.Error):
            self._discard()

    def _discard(self) -> None:
        """Delete an unusable ledger: the next sync checks the index in full."""
        self.close()
        self._lost = True
        if self.path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def _old_entries(path: Path) -> dict[str, str]:
    """The entries of a version 1 JSON ledger; none when it is missing or unreadable."""
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(OLD_LIMIT + 1))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) and data.get("version") == 1 else None
    if not isinstance(entries, dict):
        return {}
    return {str(key): str(value) for key, value in entries.items()}


def _row(id_: str, fp: str) -> tuple[str, str, int]:
    # A fingerprint with a fourth part carries the user's notes or tags.
    return id_, fp, int(fp.count(" ") >= 3)
