"""Keeping a library's search index in step with its catalog.

The index folder also holds a ledger (reader.search.ledger): article id -> fingerprint of
what was indexed (content hash plus the indexed metadata). Comparing it with the catalog
tells, without touching the index, which articles to add, re-index or drop. Only the ids
the catalog's change log names since the last sync are compared (plus those marked
pending and those with notes or tags), so a sync after one feed's new entries costs the
same in a library of 100 articles or of 100,000; a ledger or log that cannot be trusted
makes it compare every id.

The touched ids are marked unknown in the ledger before the index changes, and recorded
after the commit; a sync cut short therefore leaves a ledger that at worst re-indexes a
few articles next time, never one that hides a stale or deleted article.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.library import Library
from reader.library.catalog_file import from_db
from reader.models import ScanProgress, UserText
from reader.search.index import SearchIndex
from reader.search.ledger import PENDING, Ledger

if TYPE_CHECKING:
    from reader.search.index_input import Wanted

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
        ledger = Ledger(index.directory)
        ledger.replace_all({})
        ledger.close()


def catalog_fingerprints(library: Library, ids: Sequence[str] | None = None) -> dict[str, str]:
    """id -> fingerprint for these articles (every article in the catalog when None).

    The content hash with the file's size and mtime: anything that can change what is
    indexed (the body, or front matter alone) changes the file, while a rename does not.
    """
    sql = "SELECT id, content_hash || ' ' || size || ' ' || mtime_ns FROM articles"
    if ids is None:
        return dict(_query(library, sql))
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(_query(library, f"{sql} WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
    return found


def _stamp(fingerprint: str) -> tuple[int, int] | None:
    """The size and mtime in a `catalog_fingerprints` value (its second and third words:
    the reader's own texts may follow them, see `_Sync._with_users`)."""
    try:
        _, size, mtime = fingerprint.split(" ", 3)[:3]
        return int(size), int(mtime)
    except ValueError:
        return None


def catalog_position(library: Library) -> str:
    """Where the catalog's change log stands: its file's random part and the last number."""
    epoch = library.generation().split(":", 1)[0]
    rows = _query(library, "SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
    return f"{epoch}:{rows[0][0] if rows else 0}"


def changed_since(library: Library, position: str | None) -> set[str] | None:
    """The ids the catalog's change log names after `position` (see `catalog_position`), or
    None when the log cannot tell: another catalog file, or entries pruned since."""
    if position is None or ":" not in position:
        return None
    epoch, _, number = position.rpartition(":")
    if not number.isdigit() or epoch != library.generation().split(":", 1)[0]:
        return None
    seq = int(number)
    try:
        if seq and not _query(library, "SELECT 1 FROM changes WHERE seq = ?", (seq,)):
            return None  # the log no longer reaches back to it
        rows = _query(library, "SELECT DISTINCT id FROM changes WHERE seq > ?", (seq,))
    except sqlite3.OperationalError:
        return None  # a catalog without the log
    return {str(row[0]) for row in rows}


def prune_changes(library: Library, position: str) -> None:
    """Drop the log's entries before `position`, kept as the point the next sync reads from."""
    number = position.rpartition(":")[2]
    with contextlib.suppress(sqlite3.Error):  # a busy or read-only catalog: pruned next time
        conn = sqlite3.connect(library.catalog_path, timeout=1.0, isolation_level=None)
        try:
            conn.execute("DELETE FROM changes WHERE seq < ?", (int(number),))
        finally:
            conn.close()


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
    ledger = Ledger(index.directory)
    try:
        return ledger.get("quick") == f"{quick} {index.count()}"
    finally:
        ledger.close()


def _query(library: Library, sql: str, values: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    # A connection of our own: the library's belong to the threads that opened them.
    conn = sqlite3.connect(library.catalog_path, timeout=10.0)
    try:
        return conn.execute(sql, values).fetchall()
    finally:
        conn.close()


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
        self._ledger = Ledger(index.directory)
        self._last_report = 0.0
        self._present: set[str] = set()

    def run(self) -> SyncResult:
        try:
            return self._run()
        finally:
            self._ledger.close()

    def _run(self) -> SyncResult:
        # Taken before reading the catalog: a write during the sync makes the next one look.
        users = self._user_texts
        user_stamp = _digest(f"{id_}{text.fingerprint}" for id_, text in sorted(users.items()))
        count = self._index.count()
        stamp = f"{catalog_stamp(self._library)} {user_stamp} {count}"
        if stamp == self._ledger.get("stamp"):
            self._record_quick(count)
            return SyncResult(0, 0, 0, count)
        position = catalog_position(self._library)
        compared = self._changes(count)
        whole = compared is None
        current, known = self._everything(count) if compared is None else compared
        gone = [id_ for id_ in known if id_ not in current]
        new = [id_ for id_ in current if id_ not in known]
        stale = [id_ for id_, fp in current.items() if id_ in known and known[id_] != fp]
        if not (gone or new or stale):
            if whole:
                self._ledger.replace_all(known)
            self._settled(stamp, position, count)
            return SyncResult(0, 0, 0, count)
        total = len(new) + len(stale) + len(gone)
        self._tell(ScanProgress(0, total), force=True)
        # Written ahead: the touched ids stay listed as unknown until the commit lands.
        if whole:
            entries = {id_: fp for id_, fp in known.items() if id_ in current}
            self._ledger.replace_all({**entries, **dict.fromkeys((*new, *stale, *gone), PENDING)})
        else:
            self._ledger.mark_pending([*new, *stale, *gone])
        # Only ids the index may hold need their older copy deleted first.
        self._present = set(known)
        self._index.remove(gone)
        from reader.search.index_input import Wanted

        located = catalog_paths(self._library, [*stale, *new])
        wanted = [
            Wanted(id_, located[id_], _stamp(current[id_]))
            for id_ in (*stale, *new)
            if id_ in located
        ]
        added, updated = self._index_articles(wanted, current, set(stale), len(gone))
        self._index.settle()
        self._ledger.drop(gone)
        count = self._index.count()
        if self._ledger.pending():
            self._ledger.put(position=position)
        else:
            self._settled(stamp, position, count)
        self._tell(ScanProgress(total, total, added, updated, len(gone)), force=True)
        return SyncResult(added, updated, len(gone), count)

    def _settled(self, stamp: str, position: str, count: int) -> None:
        """Record a ledger that matches the catalog: the next sync starts from here."""
        self._ledger.put(stamp=f"{stamp.rsplit(' ', 1)[0]} {count}", position=position)
        self._record_quick(count)
        prune_changes(self._library, position)

    def _record_quick(self, count: int) -> None:
        if self._quick is not None:
            self._ledger.put(quick=f"{self._quick} {count}")

    def _with_users(self, current: dict[str, str]) -> dict[str, str]:
        for id_, text in self._user_texts.items():
            if id_ in current:
                current[id_] += f" {text.fingerprint}"
        return current

    def _changes(self, count: int) -> tuple[dict[str, str], dict[str, str]] | None:
        """The fingerprints, by the catalog and by the ledger, of the ids that may have
        changed since the last sync; None when the ledger or the log cannot tell."""
        if count == 0:
            return None
        ids = changed_since(self._library, self._ledger.get("position"))
        special = self._ledger.special_ids()
        if ids is None or special is None:
            return None
        pending, with_users = special
        # A settled ledger lists exactly the indexed articles; a pending one a superset.
        if not pending and self._ledger.count() != count:
            return None
        chosen = sorted(ids.union(pending, with_users, self._user_texts))
        known = self._ledger.lookup(chosen)
        if known is None:
            return None
        return self._with_users(catalog_fingerprints(self._library, chosen)), known

    def _everything(self, count: int) -> tuple[dict[str, str], dict[str, str]]:
        """The fingerprints of every article, by the catalog and by the ledger (or, without
        a ledger to trust, every indexed id marked unknown)."""
        current = self._with_users(catalog_fingerprints(self._library))
        if count == 0:
            return current, {}
        ledger = self._ledger.read_all()
        if ledger is not None and (PENDING in ledger.values() or len(ledger) == count):
            return current, ledger
        # No trustworthy ledger: every indexed article is re-indexed or dropped.
        return current, dict.fromkeys(self._index.ids(), PENDING)

    def _index_articles(
        self,
        wanted: Sequence[Wanted],
        current: dict[str, str],
        stale: set[str],
        removed: int,
    ) -> tuple[int, int]:
        """Load and index `wanted`, committing every COMMIT_EVERY; (added, updated)."""
        from reader.search.index_input import read_indexed  # helper processes: only when needed

        added = updated = done = 0
        batch: list[str] = []
        total = len(wanted) + removed
        for item, fields in read_indexed(wanted, self._processes):
            done += 1
            if fields is None:
                # Unreadable since the scan: drop it and retry on the next sync.
                self._index.remove([item.id])
                continue
            user = self._user_texts.get(item.id)
            self._index.add_fields(item.id, fields, item.id in self._present, user)
            batch.append(item.id)
            if item.id in stale:
                updated += 1
            else:
                added += 1
            if len(batch) >= COMMIT_EVERY:
                self._index.commit()  # what is indexed so far is kept, and recorded
                self._ledger.record((id_, current[id_]) for id_ in batch)
                batch = []
            self._tell(ScanProgress(done + removed, total, added, updated, removed))
        self._index.commit()
        self._ledger.record((id_, current[id_]) for id_ in batch)
        return added, updated

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
