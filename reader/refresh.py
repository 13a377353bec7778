"""The one refresh of a library: scan the folders, re-link annotations, sync the search index.

Every front end brings a library up to date the same way, by calling `refresh` from one
place: the scan (in full, or only the folders whose mtime moved: see
reader.library.folders), then the user's annotations re-linked to what the scan found,
then the index synced with the catalog and the user's notes and tags. One parse of each
new file feeds both the catalog and the index (reader.library.spool).

A command that finds nothing changed touches neither the store nor the catalog's rows:
the folders' mtimes, the catalog's write counter and the store file's identity tell it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.library import Library, folders
from reader.library.spool import parse_once
from reader.models import ScanProgress, ScanResult

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.search.sync import SyncResult
    from reader.store import Store, StoreError

Progress = Callable[[ScanProgress], None]


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What one refresh did."""

    scan: ScanResult | None
    """The scan's outcome; None when no folder changed since the last scan."""
    relinked: int
    """Annotation records pointed at their articles' new ids, paths or titles."""
    synced: SyncResult | None
    """The index sync's outcome (nothing changed when it was already current); None when
    there was no index or the store could not be read (then `store_error` says why)."""
    store_error: StoreError | None = None
    """Why the store could not be opened (the rest went on without it, the index unsynced)."""
    relink_error: StoreError | None = None
    """Why the annotations could not be re-linked (a read-only data folder, say)."""
    index: SearchIndex | None = None
    """The index synced (opened by the refresh when given as a function: close it)."""

    @property
    def scan_changed(self) -> bool:
        """Whether the scan changed the catalog."""
        return _changed(self.scan)


def refresh(
    library: Library,
    *,
    store: Store | Callable[[], Store] | None = None,
    index: SearchIndex | Callable[[], SearchIndex | None] | None = None,
    full: bool = False,
    progress: Progress | None = None,
    index_progress: Progress | None = None,
    scanned: Callable[[ScanResult | None], object] | None = None,
    relinked: Callable[[int, StoreError | None], object] | None = None,
    lock: contextlib.AbstractContextManager[object] | None = None,
) -> Refreshed:
    """Scan, re-link annotations and sync the index; see the module's docstring.

    `full` scans every file (else only changed folders); annotations are re-linked after
    a full scan or a scan that changed the catalog. An `index` given as a function is
    opened after the scan (a scan may move the catalog, and the index beside it, to a
    scratch folder when the cache is full) and handed back in `Refreshed.index` for the
    caller to use and close. `scanned` is told the scan's outcome
    before the rest runs (a list can show new articles at once), and `relinked` how many
    records the re-link moved (or why it could not) before the sync; `lock` is held around
    the index sync (a front end that also syncs from another thread).
    """
    with parse_once(library.catalog_path.parent), _Users(store) as users:
        if full:
            result: ScanResult | None = folders.scan(library, progress)
        else:
            result = folders.scan_changed(library, progress)
        if scanned is not None:
            scanned(result)
        moved = _relink(library, users) if full or _changed(result) else 0
        if relinked is not None:
            relinked(moved, users.write_error)
        opened = index() if callable(index) else index
        synced = None
        if opened is not None:
            try:
                with lock if lock is not None else contextlib.nullcontext():
                    synced = _sync(library, opened, users, index_progress)
            except BaseException:
                if opened is not index:
                    opened.close()
                raise
    return Refreshed(result, moved, synced, users.error, users.write_error, opened)


def _changed(result: ScanResult | None) -> bool:
    return result is not None and bool(result.added or result.changed or result.removed)


def _relink(library: Library, users: _Users) -> int:
    from reader.annotations import relink_annotations
    from reader.store import StoreError

    store = users.get()
    if store is None:
        return 0
    try:
        return relink_annotations(library, store)
    except StoreError as error:  # a read-only data folder: records keep their last paths
        users.write_error = error
        return 0


def _sync(
    library: Library, index: SearchIndex, users: _Users, progress: Progress | None
) -> SyncResult | None:
    from reader.search.sync import SyncResult, is_current, quick_stamp, sync_index

    # Taken before the store is read: a note saved meanwhile makes the next sync look.
    store_file = users.file
    quick = None if store_file is None else quick_stamp(library, store_file)
    if quick is not None and not index.read_only and is_current(index, quick):
        return SyncResult(0, 0, 0, index.count())
    texts = None
    if users.source is not None:
        store = users.get()
        if store is None:
            return None  # without the user's texts a sync would drop their notes
        from reader.annotations import user_texts

        texts = user_texts(store)
    return sync_index(library, index, progress, user_texts=texts, quick=quick)


class _Users:
    """The store a refresh reads, opened on first use when it was given as an opener."""

    def __init__(self, source: Store | Callable[[], Store] | None) -> None:
        self.source = source
        self.error: StoreError | None = None
        self.write_error: StoreError | None = None
        self._opened: Store | None = None
        self._tried = False

    @property
    def file(self) -> Path | None:
        """The store's file, whose identity stands for its content (None: no file to tell
        by, such as a store in memory, so the texts are always read)."""
        if self.source is None:
            return None
        if not callable(self.source):
            return self.source.path
        from reader import paths

        # Not data_dir(): looking at the store must not make its folder (a read-only home).
        return paths.data_path() / "store.json"

    def get(self) -> Store | None:
        """The store, or None when none was given or it could not be opened."""
        if self.source is None or not callable(self.source):
            return self.source
        if not self._tried:
            self._tried = True
            from reader.store import StoreError

            try:
                self._opened = self.source()
            except StoreError as error:
                self.error = error
        return self._opened

    def __enter__(self) -> _Users:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._opened is not None:
            self._opened.close()
