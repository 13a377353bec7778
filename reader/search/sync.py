"""Keeping a library's search index in step with its catalog.

The index folder also holds a small ledger: article id -> fingerprint of what was
indexed (content hash plus the indexed metadata). Comparing it with the catalog
tells, without touching the index, which articles to add, re-index or drop, so an
unchanged library syncs in a fraction of a second.

The ledger is written ahead of each change with the touched ids marked unknown, and
rewritten after the commit; a sync cut short therefore leaves a ledger that at worst
re-indexes a few articles next time, never one that hides a stale or deleted article.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.files import atomic_write_text, read_text
from reader.library import Library
from reader.library.catalog_file import from_db
from reader.models import ScanProgress, UserText
from reader.search.index import SearchIndex

if TYPE_CHECKING:
    from reader.search.index_input import Wanted

LEDGER_FILE = "reader-ledger.json"
STAMP_FILE = "reader-ledger.stamp"
QUICK_FILE = "reader-ledger.quick"
LEDGER_VERSION = 1
LEDGER_LIMIT = 256 * 1024 * 1024
"""The largest ledger read; a bigger one is treated as missing (the index is re-checked)."""
PENDING = ""
"""The fingerprint of an id whose indexed state is unknown (a change was under way)."""

COMMIT_EVERY = 25_000
"""Articles indexed between commits: a long build shows results and keeps its work."""

PROGRESS_INTERVAL = 0.1
"""Seconds between progress reports (the last report is always sent)."""

Progress = Callable[[ScanProgress], None]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync changed, and how many articles the index holds now."""

    added: int
    updated: int
    removed: int
    total: int

    @property
    def changed(self) -> bool:
        """True when the sync changed the index."""
        return bool(self.added or self.updated or self.removed)


def index_dir(library: Library) -> Path:
    """The library's index folder: beside its catalog, named after the same digest."""
    catalog = library.catalog_path
    digest = catalog.stem.removeprefix("catalog-")
    return catalog.parent / f"index-{digest}"


def open_index(library: Library, writable: bool = True) -> SearchIndex:
    """The library's index; read-only (see `notice`) when another process is updating it.

    Found damaged while open (its files cut short or deleted), it starts afresh and is
    filled again from the catalog in a background thread (`rebuilding`).
    """
    index = SearchIndex.open(index_dir(library), writable=writable)
    index.on_damage = lambda damaged: _rebuild_in_background(library, damaged)
    return index


def _rebuild_in_background(library: Library, index: SearchIndex) -> None:
    def run() -> None:
        with contextlib.suppress(Exception):  # the next sync tries again
            sync_index(library, index, processes=0)

    thread = threading.Thread(target=run, name="reader-index-rebuild", daemon=True)
    index.rebuilding = thread
    thread.start()


def sync_index(
    library: Library,
    index: SearchIndex,
    progress: Progress | None = None,
    *,
    processes: int | None = None,
    user_texts: Mapping[str, UserText] | None = None,
    quick: str | None = None,
) -> SyncResult:
    """Make the index hold exactly the catalog's current articles.

    `user_texts` are the reader's notes and tags by article id (see
    `reader.annotations.user_texts`); an article whose user text changed is indexed again.
    A read-only index only picks up the writer's latest commit. `processes` caps the
    helper processes a big build reads files with (default one per core, 0 or 1 in-process).
    `quick` (see `quick_stamp`), taken before the user texts were read, is recorded when
    the sync leaves the index settled, so that `is_current` can tell next time.
    """
    if index.read_only:
        index.refresh()
        return SyncResult(0, 0, 0, index.count())
    try:
        return _Sync(library, index, progress, processes, user_texts or {}, quick).run()
    except sqlite3.Error:
        # The catalog is being rebuilt under us: keep the index as it is until next time.
        return SyncResult(0, 0, 0, index.count())
    except (OSError, ValueError) as error:
        # tantivy reports a full or failing disk as ValueError: search what was committed.
        reason = getattr(error, "strerror", None) or str(error).split(":", 1)[-1].strip(" '\"")
        index.notice = f"the search index cannot be updated ({reason}): results may be out of date"
        return SyncResult(0, 0, 0, index.count())


def rebuild_index(
    library: Library,
    index: SearchIndex,
    progress: Progress | None = None,
    *,
    processes: int | None = None,
    user_texts: Mapping[str, UserText] | None = None,
) -> SyncResult:
    """Empty the index and index every article again."""
    clear_index(index)
    return sync_index(library, index, progress, processes=processes, user_texts=user_texts)


def clear_index(index: SearchIndex) -> None:
    """Empty a writable index and its ledger, so the next sync indexes every article again."""
    if not index.read_only:
        index.clear()
        _Ledger(index.directory).write({})


def catalog_fingerprints(library: Library) -> dict[str, str]:
    """id -> fingerprint for every article in the catalog.

    The content hash with the file's size and mtime: anything that can change what is
    indexed (the body, or front matter alone) changes the file, while a rename does not.
    """
    sql = "SELECT id, content_hash || ' ' || size || ' ' || mtime_ns FROM articles"
    return dict(_query(library, sql))


def catalog_paths(library: Library, ids: Sequence[str] | None = None) -> dict[str, str]:
    """id -> path for these articles (every article in the catalog when None)."""
    if ids is None:
        rows = _query(library, "SELECT id, path FROM articles")
    else:
        rows = []
        for start in range(0, len(ids), 500):  # a sync after a few changes asks for a few
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows += _query(library, f"SELECT id, path FROM articles WHERE id IN ({marks})", chunk)
    return {id_: from_db(path) for id_, path in rows}


def catalog_stamp(library: Library) -> str:
    """A token of the catalog's rows that any rescan change alters.

    The catalog's write counter (see `Catalog.generation`): a lookup, where a summary of
    every row took ~60 ms at 100k articles, a third of a `reader search`.
    """
    return library.generation()


def quick_stamp(library: Library, store_file: Path) -> str:
    """What a sync depends on, read without opening the store: the catalog's write counter
    and the store file's identity (the store replaces its file on every write)."""
    try:
        info = os.stat(store_file)
        store = f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        store = "-"
    return f"{catalog_stamp(library)} {store}"


def is_current(index: SearchIndex, quick: str) -> bool:
    """Whether the last sync settled with this `quick_stamp` and the index is as it left it:
    then neither the store nor the catalog's rows need reading."""
    return _Ledger(index.directory).quick() == f"{quick} {index.count()}"


def _query(library: Library, sql: str, values: Sequence[str] = ()) -> list[tuple[Any, ...]]:
    # A connection of our own: the library's belong to the threads that opened them.
    conn = sqlite3.connect(library.catalog_path, timeout=10.0)
    try:
        return conn.execute(sql, values).fetchall()
    finally:
        conn.close()


class _Ledger:
    """The id -> fingerprint file kept in the index folder (none for an in-memory index)."""

    def __init__(self, directory: Path | None) -> None:
        self.path = None if directory is None else directory / LEDGER_FILE

    def read(self) -> dict[str, str] | None:
        """The ledger, or None when it is missing or unreadable."""
        if self.path is None:
            return None
        try:
            data = json.loads(read_text(self.path, LEDGER_LIMIT))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
            return None
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return None
        return {str(key): str(value) for key, value in entries.items()}

    def write(self, entries: dict[str, str], stamp: str | None = None) -> None:
        """Replace the ledger atomically (a failed write leaves the old one).

        `stamp` (the catalog's stamp and the index's count when the ledger is settled)
        lets the next sync skip reading anything; None clears it.
        """
        if self.path is None:
            return
        self._stamp_file.unlink(missing_ok=True)
        self.path.with_name(QUICK_FILE).unlink(missing_ok=True)
        text = json.dumps({"version": LEDGER_VERSION, "entries": entries}, separators=(",", ":"))
        if _replace(self.path, text) and stamp is not None:
            _replace(self._stamp_file, stamp)

    def settle(self, stamp: str) -> None:
        """Record that the ledger as it stands matches the catalog with this stamp."""
        if self.path is not None:
            _replace(self._stamp_file, stamp)

    def stamp(self) -> str | None:
        """The stamp written with a settled ledger, or None."""
        if self.path is None:
            return None
        try:
            return read_text(self._stamp_file, 4096)
        except (OSError, UnicodeDecodeError):
            return None

    def set_quick(self, quick: str) -> None:
        """Record the `quick_stamp` (with the index's count) of a settled ledger."""
        if self.path is not None:
            _replace(self.path.with_name(QUICK_FILE), quick)

    def quick(self) -> str | None:
        """The quick stamp recorded with a settled ledger, or None."""
        if self.path is None:
            return None
        try:
            return read_text(self.path.with_name(QUICK_FILE), 4096)
        except (OSError, UnicodeDecodeError):
            return None

    @property
    def _stamp_file(self) -> Path:
        assert self.path is not None
        return self.path.with_name(STAMP_FILE)


def _replace(path: Path, text: str) -> bool:
    """Write a file atomically; False when it could not be written."""
    try:
        atomic_write_text(path, text, durable=False)  # derived: a lost write costs a re-sync
    except OSError:
        return False
    return True


class _Sync:
    """One sync of an index with a library; `run` does the work once."""

    def __init__(
        self,
        library: Library,
        index: SearchIndex,
        progress: Progress | None,
        processes: int | None,
        user_texts: Mapping[str, UserText],
        quick: str | None = None,
    ) -> None:
        self._quick = quick
        self._library = library
        self._user_texts = user_texts
        self._index = index
        self._report = progress
        self._processes = processes
        self._ledger = _Ledger(index.directory)
        self._last_report = 0.0
        self._present: set[str] = set()

    def run(self) -> SyncResult:
        # Taken before reading the catalog: a write during the sync makes the next one look.
        users = self._user_texts
        user_stamp = _digest(f"{id_}{text.fingerprint}" for id_, text in sorted(users.items()))
        stamp = f"{catalog_stamp(self._library)} {user_stamp} {self._index.count()}"
        if stamp == self._ledger.stamp():
            self._record_quick(self._index.count())
            return SyncResult(0, 0, 0, self._index.count())
        current = catalog_fingerprints(self._library)
        for id_, text in users.items():
            if id_ in current:
                current[id_] += f" {text.fingerprint}"
        known = self._known()
        gone = [id_ for id_ in known if id_ not in current]
        new = [id_ for id_ in current if id_ not in known]
        stale = [id_ for id_, fp in current.items() if id_ in known and known[id_] != fp]
        if not (gone or new or stale):
            self._ledger.settle(stamp)
            self._record_quick(self._index.count())
            return SyncResult(0, 0, 0, self._index.count())
        total = len(new) + len(stale) + len(gone)
        self._tell(ScanProgress(0, total), force=True)
        entries = {id_: fp for id_, fp in known.items() if id_ in current}
        entries.update((id_, PENDING) for id_ in (*new, *stale))
        # Written ahead: removed ids stay listed as unknown until the commit lands.
        self._ledger.write({**entries, **dict.fromkeys(gone, PENDING)})
        # Only ids the index may hold need their older copy deleted first.
        self._present = set(known)
        self._index.remove(gone)
        from reader.search.index_input import Wanted

        located = catalog_paths(self._library, [*stale, *new])
        wanted = [Wanted(id_, located[id_]) for id_ in (*stale, *new) if id_ in located]
        added, updated = self._index_articles(wanted, current, entries, set(stale), len(gone))
        self._index.commit()
        self._index.settle()
        count = self._index.count()
        settled = PENDING not in entries.values()
        self._ledger.write(entries, f"{stamp.rsplit(' ', 1)[0]} {count}" if settled else None)
        if settled:
            self._record_quick(count)
        self._tell(ScanProgress(total, total, added, updated, len(gone)), force=True)
        return SyncResult(added, updated, len(gone), count)

    def _record_quick(self, count: int) -> None:
        if self._quick is not None:
            self._ledger.set_quick(f"{self._quick} {count}")

    def _known(self) -> dict[str, str]:
        """What the index holds by the ledger, checked against the index itself."""
        indexed = self._index.count()
        if indexed == 0:
            return {}
        ledger = self._ledger.read()
        if ledger is not None:
            pending = PENDING in ledger.values()
            # A settled ledger lists exactly the indexed articles; a pending one a superset.
            if pending or len(ledger) == indexed:
                return ledger
        # No trustworthy ledger: every indexed article is re-indexed or dropped.
        return dict.fromkeys(self._index.ids(), PENDING)

    def _index_articles(
        self,
        wanted: Sequence[Wanted],
        current: dict[str, str],
        entries: dict[str, str],
        stale: set[str],
        removed: int,
    ) -> tuple[int, int]:
        """Load and index `wanted`, committing every COMMIT_EVERY; (added, updated)."""
        from reader.search.index_input import read_articles  # helper processes: only when needed

        added = updated = done = 0
        batch: list[str] = []
        total = len(wanted) + removed
        for item, article in read_articles(wanted, self._processes):
            done += 1
            if article is None:
                # Unreadable since the scan: drop it and retry on the next sync.
                self._index.remove([item.id])
                continue
            self._index.add([article], item.id in self._present, self._user_texts)
            batch.append(item.id)
            if item.id in stale:
                updated += 1
            else:
                added += 1
            if len(batch) >= COMMIT_EVERY:
                self._checkpoint(batch, current, entries)
                batch = []
            self._tell(ScanProgress(done + removed, total, added, updated, removed))
        self._settle(batch, current, entries)
        return added, updated

    def _checkpoint(
        self, batch: Iterable[str], current: dict[str, str], entries: dict[str, str]
    ) -> None:
        """Commit what is indexed so far and record it."""
        self._index.commit()
        self._settle(batch, current, entries)
        self._ledger.write(entries)

    @staticmethod
    def _settle(batch: Iterable[str], current: dict[str, str], entries: dict[str, str]) -> None:
        for id_ in batch:
            entries[id_] = current[id_]

    def _tell(self, progress: ScanProgress, force: bool = False) -> None:
        if self._report is None:
            return
        now = time.monotonic()
        if force or now - self._last_report >= PROGRESS_INTERVAL:
            self._last_report = now
            self._report(progress)


def _digest(parts: Iterable[str]) -> str:
    """A short digest of many strings, in the order given."""
    digest = hashlib.blake2b(digest_size=8)
    for part in parts:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()
