"""Telling, from folder mtimes alone, whether a library changed since its last full scan.

A folder's mtime changes whenever a name in it is created, removed or renamed, which is
how files arrive (a save, a feed refresh, a copy, an editor that writes a new file and
renames it over the old one). So when every folder of the library still has the mtime it
had when the last scan began, no file appeared, left or was replaced since, and a command
can trust the catalog instead of stat-ing every file (0.67 s at 100k articles, against a
few hundred folder stats). What this cannot see is a file rewritten in place under the
same name: `reader index` and the app always scan in full, and commands check the files
they are about to show (see `changed_files`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from reader.library import Library
from reader.library.catalog import Catalog
from reader.library.walk import FileStat, walk
from reader.models import ArticleMeta, Problem, ScanProgress, ScanResult
from reader.sources import is_supported

VERSION = 1
"""Stamps of another version are ignored (a full scan records new ones)."""

_TABLE = "CREATE TABLE IF NOT EXISTS folder_stamps (version INTEGER PRIMARY KEY, data TEXT)"

Progress = Callable[[ScanProgress], None]

Stamps = dict[str, int]
"""Folder (or root file) path -> mtime_ns."""

_deferred: ContextVar[frozenset[str]] = ContextVar("reader_deferred_folders", default=frozenset())


@contextmanager
def deferring(folders: Iterable[Path | str]) -> Iterator[None]:
    """Leave these folders to a later `scan_changed`: files are being written into them.

    A feeds refresh syncs the library part-way, while its helpers still write other feeds'
    entries; the parse of each entry comes with the feed's result. A scan of a folder whose
    feed is not done finds files without their parse and reads every one of them again.
    """
    token = _deferred.set(frozenset(str(folder) for folder in folders))
    try:
        yield
    finally:
        _deferred.reset(token)


def folder_stamps(roots: Sequence[Path]) -> Stamps:
    """Every folder under the roots (hidden ones skipped, links followed once, as a scan
    walks them) with its mtime; a root that is a file stands for itself."""
    stamps: Stamps = {}
    seen: set[tuple[int, int]] = set()
    stack = [str(root) for root in reversed(roots)]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
        except OSError:
            stamps[folder] = -1  # missing now: appearing later is a change
            continue
        stamps[folder] = info.st_mtime_ns
        if not os.path.isdir(folder) or (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(folder) as entries:
                stack.extend(
                    entry.path for entry in entries if entry.name[0] != "." and _is_dir(entry)
                )
        except OSError:
            continue
    return stamps


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def scan(library: Library, progress: Progress | None = None) -> ScanResult:
    """A full scan of the library, recording its folder stamps for `scan_if_changed`."""
    stamps = folder_stamps(library.roots)  # before the walk: a change meanwhile shows later
    result = library.scan(progress)
    _save(library, stamps)
    return result


def scan_if_changed(library: Library, progress: Progress | None = None) -> ScanResult | None:
    """A full scan unless no folder changed since the last recorded one (then None)."""
    recorded, changed = _changed(library)
    if not library.catalog_rebuilt and recorded and not changed:
        return None
    return scan(library, progress)


def scan_changed(library: Library, progress: Progress | None = None) -> ScanResult | None:
    """Scan only the folders whose mtime moved since the last recorded scan (None when none
    did), so adding a few files costs the same in a library of any size. Without recorded
    stamps, a full scan."""
    recorded, changed = _changed(library)
    if not library.catalog_rebuilt and recorded and not changed:
        return None
    if library.catalog_rebuilt or not recorded:
        stamps = folder_stamps(library.roots)
        result = library.scan(progress)
    else:
        deferred = _deferred.get()
        changed = [folder for folder in changed if folder not in deferred]
        stamps = _restamp(recorded, changed)
        now, stamps = _without(stamps, recorded, deferred)
        part = Part(library.roots, recorded, changed, now, deferred)
        result = library.scan(progress, part=part)
    _save(library, stamps)
    return result


def _without(stamps: Stamps, recorded: Stamps, deferred: frozenset[str]) -> tuple[Stamps, Stamps]:
    """The stamps to scan by, without the deferred folders (and what is under them), and
    the stamps to record: theirs as recorded before, so the next scan finds them changed,
    or "missing" for one that is new (a later scan then walks it whole)."""
    if not deferred:
        return stamps, stamps
    under = tuple(folder + os.sep for folder in deferred)
    now = {f: s for f, s in stamps.items() if f not in deferred and not f.startswith(under)}
    kept = dict(now)
    for folder in stamps.keys() - now.keys():
        kept[folder] = recorded.get(folder, -1)
    return now, kept


def _restamp(recorded: Stamps, changed: Sequence[str]) -> Stamps:
    """The stamps now, from the recorded ones: only changed folders are looked at again
    (a folder of many files costs one listing only when it changed), and folders new
    under them are walked whole."""
    stamps = dict(recorded)
    for folder in changed:
        try:
            stamps[folder] = os.stat(folder).st_mtime_ns
            if not os.path.isdir(folder):
                continue  # a root that is a file stands for itself
            with os.scandir(folder) as entries:
                found = [e.path for e in entries if e.name[0] != "." and _is_dir(e)]
        except OSError:
            stamps[folder] = -1  # gone (or unreadable): appearing later is a change
            continue
        new = [path for path in found if path not in stamps]
        stamps.update(folder_stamps([Path(path) for path in new]))
    return stamps


class Part:
    """Part of a library to scan: the files directly in folders whose mtime moved, and
    everything under folders that are new or gone."""

    def __init__(
        self,
        roots: Sequence[Path],
        recorded: Stamps,
        changed: Iterable[str],
        now: Stamps,
        skip: Iterable[str] = (),
    ) -> None:
        """`skip` has folders left out even where the part takes in what is under them
        (`deferring`): their files are neither read nor taken as gone."""
        self._roots = [str(root) for root in roots]
        self._skipped = tuple(folder + os.sep for folder in skip)
        # A folder that was there and still is: only its own entries can have changed.
        self._flat = {path for path in changed if now.get(path, -1) != -1 and recorded[path] != -1}
        # New, gone or back again: whatever lies under them is looked at.
        self._deep = sorted({*changed, *(path for path in now if path not in recorded)})
        self._deep = [path for path in self._deep if path not in self._flat]
        self._under = tuple(top + os.sep for top in self._deep)

    def covers(self, path: str) -> bool:
        """Whether a cataloged file lies in the part scanned."""
        # Run once per cataloged file: kept to a set lookup and one startswith in C.
        if self._skips(path):
            return False
        return (
            path.rpartition(os.sep)[0] in self._flat
            or path in self._flat
            or path.startswith(self._under)
            or path in self._deep
        )

    def snapshot(self, catalog: Catalog) -> dict[str, str]:
        """The catalog's `snapshot` of the files in the part only."""
        known: dict[str, str] = {}
        for folder in self._flat:
            known.update(catalog.snapshot_in(folder, deep=False))
        for top in self._deep:
            known.update(catalog.snapshot_in(top, deep=True))
        return {path: stamp for path, stamp in known.items() if self.covers(path)}

    def walk(self) -> tuple[dict[str, FileStat], list[Problem]]:
        """The supported files in the part, as `walk` lists them."""
        found: dict[str, FileStat] = {}
        problems: list[Problem] = []
        for top in self._deep:
            index = self._root_of(top)
            if index is None or not os.path.exists(top):
                continue
            files, trouble = walk([Path(top)])
            found.update(
                (path, (index, size, mtime))
                for path, (_, size, mtime) in files.items()
                if not self._skips(path)
            )
            problems.extend(problem for problem in trouble if not self._skips(problem.path))
        for folder in self._flat:
            index = self._root_of(folder)
            if index is not None:
                _list_files(folder, index, found)
        return found, problems

    def _skips(self, path: str) -> bool:
        return bool(self._skipped) and path.startswith(self._skipped)

    def _root_of(self, path: str) -> int | None:
        for index, root in enumerate(self._roots):
            if path == root or path.startswith(root + os.sep):
                return index
        return None


def _list_files(folder: str, index: int, found: dict[str, FileStat]) -> None:
    """The supported files directly in a folder (or the folder itself, a root file)."""
    if not os.path.isdir(folder):
        if is_supported(Path(folder)) and os.path.isfile(folder):
            info = os.stat(folder)
            found[folder] = (index, info.st_size, info.st_mtime_ns)
        return
    try:
        with os.scandir(folder) as entries:
            listing = list(entries)
    except OSError:
        return
    for entry in listing:
        try:
            if entry.name[0] != "." and is_supported(Path(entry.name)) and entry.is_file():
                info = entry.stat()
                found.setdefault(entry.path, (index, info.st_size, info.st_mtime_ns))
        except OSError:
            continue


def _save(library: Library, stamps: Stamps) -> None:
    roots = [str(root) for root in library.roots]
    text = json.dumps({"roots": roots, "folders": stamps}, separators=(",", ":"))
    try:
        with _catalog(library) as conn:
            conn.execute(_TABLE)
            conn.execute("INSERT OR REPLACE INTO folder_stamps VALUES (?, ?)", (VERSION, text))
    except sqlite3.Error:
        pass  # derived data: the next command scans in full


def _changed(library: Library) -> tuple[Stamps, list[str]]:
    """The stamps recorded for these roots (empty when none were) and the folders among
    them whose mtime moved since."""
    try:
        with _catalog(library) as conn:
            row = conn.execute("SELECT data FROM folder_stamps WHERE version = ?", (VERSION,))
            found = row.fetchone()
    except sqlite3.Error:  # no such table yet: never recorded
        return {}, []
    try:
        data = json.loads(found[0]) if found else None
    except ValueError:
        return {}, []
    if not isinstance(data, dict) or data.get("roots") != [str(r) for r in library.roots]:
        return {}, []
    folders = data.get("folders")
    if not isinstance(folders, dict) or not folders:
        return {}, []
    changed: list[str] = []
    for folder, mtime in folders.items():
        try:
            now = os.stat(folder).st_mtime_ns
        except OSError:
            now = -1
        if now != mtime:
            changed.append(folder)
    return folders, changed


@contextmanager
def _catalog(library: Library) -> Iterator[sqlite3.Connection]:
    """A connection of our own to the catalog, committed on success."""
    # The stamps live in the catalog file, so a deleted or rebuilt catalog takes them along.
    conn = sqlite3.connect(library.catalog_path, timeout=5.0)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def changed_files(metas: Iterable[ArticleMeta]) -> bool:
    """True when any of these articles' files no longer has the size and mtime cataloged."""
    for meta in metas:
        try:
            info = os.stat(meta.path)
        except OSError:
            return True
        if info.st_size != meta.size or info.st_mtime_ns != meta.mtime_ns:
            return True
    return False
