"""One scan: compare the folders with the catalog, read changed files, re-link ids."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reader.library.catalog import Catalog
from reader.library.catalog_schema import ArticleRow, ProblemRow
from reader.library.identity import Claim, Identities, natural_id
from reader.library.parse_pool import Summary, read_all
from reader.library.walk import FileStat, walk
from reader.models import Problem, ScanProgress, ScanResult
from reader.sources import MAX_BYTES

if TYPE_CHECKING:
    from reader.library.folders import Part

T = TypeVar("T")

BATCH = 5000
"""Files written per transaction. Each commit writes every catalog page the batch touched,
and new rows land all over its id, path, date and title indexes: inserting 100,000 rows 1,000 at
a time took 9 s of CPU and wrote the catalog over several times, 5,000 at a time 5 s."""

PROGRESS_INTERVAL = 0.1
"""Seconds between progress reports (the last report is always sent)."""

LOOKAHEAD = 500
"""Files read ahead of placing them, so that the catalog is asked about their new files'
natural ids in one query, not one query a file (100,000 of them in a big feeds refresh)."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A file read successfully, with where it was found."""

    path: str
    summary: Summary
    root: int
    """The index of the library folder it was found under."""
    size: int
    mtime_ns: int

    @property
    def content_hash(self) -> str:
        return self.summary.content_hash

    @property
    def title_date(self) -> tuple[str, str | None]:
        return self.summary.title, self.summary.date


@dataclass
class _Batch:
    """What one transaction writes."""

    articles: list[ArticleRow] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    clear: list[str] = field(default_factory=list)


class Scanner:
    """Brings a catalog up to date with its roots; `run` does the work once."""

    def __init__(
        self,
        catalog: Catalog,
        roots: Sequence[Path],
        progress: Callable[[ScanProgress], None] | None = None,
        processes: int | None = None,
        claims: Callable[[], Iterable[Claim]] | None = None,
        part: Part | None = None,
    ) -> None:
        self._catalog = catalog
        self._claims = claims
        self._part = part
        self._prefixes: dict[int, str] = {}
        self._processes = processes
        self._roots = roots
        self._report = progress
        self._last_report = 0.0
        self._done = self._total = 0
        self._added = self._changed = self._removed = 0

    def run(self) -> ScanResult:
        """Scan, write the changes and return the outcome."""
        self._tell(force=True)
        found, folder_problems = walk(self._roots) if self._part is None else self._part.walk()
        part = self._part
        known = self._catalog.snapshot() if part is None else part.snapshot(self._catalog)
        known_problems = self._catalog.problem_paths()
        if self._part is not None:  # files outside the part are left as they are
            known_problems = {path for path in known_problems if self._part.covers(path)}
        to_load, unchanged = _changed_paths(found, known)
        gone = [path for path in known if path not in found]
        new_paths = any(path not in known for path in to_load)
        known_ids = self._catalog.ids_at([path for path in to_load if path in known])
        # Into an empty catalog (a first scan) no id is held: no lookup at all.
        held = HeldIds(self._catalog) if known or self._catalog.count() else None
        identities = Identities(
            held or _none_held,
            self._catalog.identities(gone),
            self._recorded_ids() if new_paths else (),
            retired=known_ids.values(),
        )
        self._total, self._done = len(found), unchanged
        self._tell(force=True)
        pending = self._load_all(to_load, found, known_ids, identities, held)
        self._finish(pending, found, known_problems, folder_problems, identities)
        self._tell(force=True)
        problems = self._catalog.problems()
        return ScanResult(
            total=self._catalog.count(),
            added=self._added,
            changed=self._changed,
            removed=self._removed,
            unchanged=unchanged,
            problems=tuple(problems),
            partial=tuple(self._catalog.problems(partial=True)),
        )

    def _load_all(
        self,
        paths: list[str],
        found: dict[str, FileStat],
        known_ids: dict[str, str],
        identities: Identities,
        held: HeldIds | None,
    ) -> list[_Loaded]:
        """Read files in batches; new files that may be moves+edits wait in the result."""
        pending: list[_Loaded] = []
        # The spool's parses are checked against the walk's stats, not stat'ed again.
        outcomes = read_all(paths, self._processes, stamps=lambda path: found[path][1:])
        batch, in_batch = _Batch(), 0
        for chunk in _chunks(outcomes, LOOKAHEAD):
            read = [(path, outcome, found[path]) for path, outcome in chunk]
            news = [
                _Loaded(path, outcome, *stat)
                if not isinstance(outcome, str) and path not in known_ids
                else None
                for path, outcome, stat in read
            ]
            if held is not None:
                held.expect([natural_id(n.content_hash, self._key(n)) for n in news if n])
            for (path, outcome, (root, size, mtime_ns)), new in zip(read, news, strict=True):
                if new is not None:
                    self._place_new(batch, new, identities, pending)
                elif isinstance(outcome, str):
                    problem = ProblemRow(path, outcome, size, mtime_ns, False)
                    self._fail(batch, problem, path in known_ids)
                else:
                    self._changed += 1
                    loaded = _Loaded(path, outcome, root, size, mtime_ns)
                    self._keep(batch, loaded, known_ids[path])
                self._done += 1
                in_batch += 1
                if in_batch >= BATCH:
                    self._write(batch)
                    batch, in_batch = _Batch(), 0
                self._tell()  # as often as PROGRESS_INTERVAL lets it, not once a batch
        self._write(batch)
        self._tell()
        return pending

    def _recorded_ids(self) -> list[Claim]:
        """The ids the user's data recorded for files; none when they cannot be read."""
        if self._claims is None:
            return []
        try:
            return list(self._claims())
        except Exception:  # the user's data being busy or damaged never stops a scan
            return []

    def _place_new(
        self,
        batch: _Batch,
        new: _Loaded,
        identities: Identities,
        pending: list[_Loaded],
    ) -> None:
        claimed = identities.claimed(new.path, self._key(new), new.content_hash)
        if claimed is not None:
            self._added += 1
            self._keep(batch, new, claimed)
            return
        moved = identities.by_content(new.content_hash)
        if moved is not None:
            self._changed += 1
            self._keep(batch, new, moved)
        elif identities.may_match_title(*new.title_date):
            pending.append(new)
        else:
            self._added += 1
            self._keep(batch, new, self._fresh_id(identities, new))

    def _finish(
        self,
        pending: list[_Loaded],
        found: dict[str, FileStat],
        known_problems: set[str],
        folder_problems: list[Problem],
        identities: Identities,
    ) -> None:
        """Settle moved+edited files, drop what is gone and refresh folder problems."""
        batch = _Batch()
        for new in pending:
            moved = identities.by_title(*new.title_date)
            if moved is not None:
                self._changed += 1
            else:
                self._added += 1
            self._keep(batch, new, moved or self._fresh_id(identities, new))
        gone = identities.unclaimed()
        self._removed += len(gone)
        batch.drop.extend(gone)
        batch.clear.extend(path for path in known_problems if path not in found)
        batch.problems.extend(
            ProblemRow(p.path, p.reason, None, None, False) for p in folder_problems
        )
        self._write(batch)

    def _keep(self, batch: _Batch, loaded: _Loaded, article_id: str) -> None:
        pinned = article_id != natural_id(loaded.content_hash, self._key(loaded))
        batch.articles.append(_row(loaded, article_id, pinned))
        if loaded.summary.truncated:
            reason = f"truncated: showing the first {MAX_BYTES // (1024 * 1024)} MB"
            batch.problems.append(
                ProblemRow(loaded.path, reason, loaded.size, loaded.mtime_ns, True)
            )
        else:
            batch.clear.append(loaded.path)

    def _fail(self, batch: _Batch, problem: ProblemRow, known: bool) -> None:
        batch.problems.append(problem)
        if known:
            # An article that can no longer be read leaves the list; problems shows why.
            batch.drop.append(problem.path)
            self._removed += 1

    def _key(self, new: _Loaded) -> str:
        root = new.root
        prefix = self._prefixes.get(root)
        if prefix is None:
            folder = self._roots[root]
            prefix = self._prefixes[root] = (
                os.path.abspath(folder) + os.sep if folder.is_dir() else ""
            )
        if not prefix:
            return self._roots[root].name
        # A walked path is the folder joined with names that are never "." or "..", so
        # cutting the prefix gives what relpath gives, at a tenth of its cost per file.
        if new.path.startswith(prefix):
            return new.path[len(prefix) :]
        return os.path.relpath(new.path, self._roots[root])

    def _fresh_id(self, identities: Identities, new: _Loaded) -> str:
        return identities.fresh(new.content_hash, self._key(new), new.path)

    def _write(self, batch: _Batch) -> None:
        if not (batch.drop or batch.articles or batch.clear or batch.problems):
            return  # an unchanged scan writes nothing, so the catalog's generation stays
        with self._catalog.transaction() as conn:
            Catalog.delete_articles(conn, batch.drop)
            Catalog.put_articles(conn, batch.articles)
            Catalog.delete_problems(conn, batch.clear)
            Catalog.put_problems(conn, batch.problems)

    def _tell(self, force: bool = False) -> None:
        if self._report is None:
            return
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL:
            return
        self._last_report = now
        self._report(
            ScanProgress(self._done, self._total, self._added, self._changed, self._removed)
        )


def _none_held(article_id: str, path: str) -> bool:
    return False


class HeldIds:
    """Whether an article at another path holds an id (`Identities`' `live`), with the
    catalog asked about the ids a scan expects to check in one query, not one query each.

    The answers read ahead stay right while the scan writes: what it writes are the ids it
    handed out or retired, which `Identities` knows to be taken without asking.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._expected: dict[str, list[str]] = {}

    def expect(self, ids: list[str]) -> None:
        """Ask the catalog now about these ids (those of the last call are forgotten)."""
        holders = self._catalog.holders(ids)
        self._expected = {id_: holders.get(id_, []) for id_ in ids}

    def __call__(self, article_id: str, path: str) -> bool:
        holders = self._expected.get(article_id)
        if holders is None:
            return self._catalog.holds_elsewhere(article_id, path)
        return any(holder != path for holder in holders)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of `size` (the last one shorter), taken as they come."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def relative_key(root: Path, path: str) -> str:
    """A file's path relative to its library folder (its name when the folder is the file)."""
    return os.path.relpath(path, root) if root.is_dir() else root.name


def _changed_paths(found: dict[str, FileStat], known: dict[str, str]) -> tuple[list[str], int]:
    """Paths to read (sorted, so ids come out the same every time) and the unchanged count.

    A file that could not be read is tried again on every scan: it may have become
    readable (a chmod, a mount) without its size or mtime changing.
    """
    to_load: list[str] = []
    unchanged = 0
    for path, (_root, size, mtime) in found.items():
        if known.get(path) == f"{size} {mtime}":
            unchanged += 1
        else:
            to_load.append(path)
    to_load.sort()
    return to_load, unchanged


def _row(loaded: _Loaded, article_id: str, pinned: bool) -> ArticleRow:
    # The walked path, not the loader's: a loader may resolve a file symlink to its target.
    summary = loaded.summary
    return ArticleRow(
        article_id,
        loaded.path,
        loaded.size,
        loaded.mtime_ns,
        summary.content_hash,
        summary.title,
        summary.date,
        summary.place,
        summary.source,
        summary.author,
        summary.url,
        summary.tags,
        summary.words,
        summary.format,
        pinned,
        summary.date_saved,
    )
