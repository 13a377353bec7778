"""A library: folders of articles, a persistent catalog and incremental rescans."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reader import paths
from reader.library.catalog import Catalog, catalog_file
from reader.library.catalog_file import is_damage, is_unwritable
from reader.library.catalog_schema import ORDER_BY
from reader.library.identity import Claim
from reader.library.rows import CatalogRows
from reader.models import Article, ArticleMeta, Problem, ScanProgress, ScanResult
from reader.sources import LoadError, load_file

if TYPE_CHECKING:
    from reader.library.folders import Part

__all__ = ["ArticleRows", "CatalogRows", "Claim", "Library", "UnknownArticle", "MIN_PREFIX"]

MIN_PREFIX = 4
"""The shortest id prefix `resolve` accepts."""

_HEX = frozenset("0123456789abcdef")
"""The characters of an id (a set, not a pattern: nothing to compile at import)."""


class ArticleRows(Protocol):
    """An ordered, indexable view of the library's articles (virtual-list friendly)."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> ArticleMeta: ...
    def index_of(self, article_id: str) -> int | None: ...


class UnknownArticle(LookupError):
    """No article has that id (or the prefix is ambiguous); str() is a one-line reason."""


def _under(path: str, root: Path) -> bool:
    return path.startswith(str(root).rstrip("/") + "/")


class Library:
    """One or more folders of articles, listed from a catalog in the cache dir.

    Opening a library reads nothing but the catalog, so a known library lists at once;
    `scan` (run it in a background thread) brings the catalog up to date. Reads may
    happen on any thread while a scan runs.
    """

    def __init__(
        self,
        roots: Sequence[Path],
        cache_dir: Path | None = None,
        *,
        processes: int | None = None,
        name: str | None = None,
        claims: Callable[[], Iterable[Claim]] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        """`processes` caps the helper processes a big scan reads with (default: one per core;
        0 or 1 reads in-process); `name` is the title shown (default: from the folders);
        `claims` gives the ids the user's data recorded for files, asked when a scan meets
        files the catalog does not know (after the cache was deleted, say); `notify` is
        told, once, of trouble worked around (a cache that cannot be written)."""
        resolved: list[Path] = []
        for root in roots:
            path = Path(root).expanduser().resolve()
            if path not in resolved:
                resolved.append(path)
        self.roots: tuple[Path, ...] = tuple(resolved)
        """The library's folders, absolute and without duplicates."""
        folder = cache_dir if cache_dir is not None else paths.cache_dir()
        self._catalog = Catalog(catalog_file(folder, self.roots))
        self._scan_lock = threading.Lock()
        self._processes = processes
        self._name = name
        self._claims = claims
        self._notify = notify
        self._told: set[str] = set()
        self.store_orders = True
        """Whether a scan that changed the catalog stores the list orders (read whole at
        100,000 articles, ~0.2 s): a caller that scans again soon, such as a big feeds
        refresh between its syncs, leaves them to its last scan. Lists read without them
        meanwhile, from the catalog's own indexes."""
        self._tell()

    @property
    def name(self) -> str:
        """A short display name: the one given, the folder name, or "N folders"."""
        if self._name:
            return self._name
        if len(self.roots) == 1:
            return self.roots[0].name or str(self.roots[0])
        return f"{len(self.roots)} folders"

    @property
    def catalog_path(self) -> Path:
        """The catalog's file in the cache dir."""
        return self._catalog.path

    @property
    def catalog_rebuilt(self) -> bool:
        """True when the catalog file was damaged or outdated and was started afresh."""
        return self._catalog.rebuilt

    def __len__(self) -> int:
        return self._catalog.count()

    def rows(self, sort: str = "date") -> CatalogRows:
        """All articles ordered by "date" (newest first, undated last) or "title"."""
        if sort not in ORDER_BY:
            raise ValueError(f"unknown sort order {sort!r} (use 'date' or 'title')")
        return CatalogRows(self._catalog, sort)

    def generation(self) -> str:
        """A token that changes whenever the catalog's rows do (see `Catalog.generation`)."""
        return self._catalog.generation()

    def ids(self) -> list[str]:
        """Every article id, in no particular order."""
        return self._catalog.all_ids()

    def ids_under(self, folder: Path) -> list[tuple[str, str]]:
        """(id, path) of every cataloged article below `folder`, from the catalog alone."""
        return self._catalog.ids_under(str(Path(folder).expanduser().resolve()))

    def rows_under(self, folder: Path, sort: str = "date") -> CatalogRows:
        """The articles below `folder` in list order, as `rows` gives the whole library."""
        if sort not in ORDER_BY:
            raise ValueError(f"unknown sort order {sort!r} (use 'date' or 'title')")
        ids = self._catalog.ordered_ids_under(str(Path(folder).expanduser().resolve()), sort)
        return CatalogRows(self._catalog, sort, ids=ids)

    def get(self, article_id: str) -> ArticleMeta | None:
        """The catalog entry for an id, or None."""
        return self._catalog.meta(article_id)

    def ids_at(self, paths: Sequence[Path]) -> dict[Path, str]:
        """The ids of the articles cataloged at these file paths (absent: not cataloged)."""
        keys = {str(Path(path).expanduser().resolve()): Path(path) for path in paths}
        found = self._catalog.ids_at(list(keys))
        return {keys[key]: article_id for key, article_id in found.items() if key in keys}

    def addresses(self) -> list[tuple[str, str, str]]:
        """(id, path, url) of every article with a web address (to recognise a page again)."""
        return self._catalog.addresses()

    def metas(self, ids: Sequence[str]) -> dict[str, ArticleMeta]:
        """The catalog entries of these ids (missing ids are left out), read 500 at a time."""
        found: dict[str, ArticleMeta] = {}
        for start in range(0, len(ids), 500):
            found.update(self._catalog.metas(ids[start : start + 500]))
        return found

    def id_at(self, path: Path) -> str | None:
        """The id of the article cataloged at this file path, or None."""
        key = str(Path(path).expanduser().resolve())
        return self._catalog.ids_at([key]).get(key)

    def covers(self, path: Path) -> bool:
        """Whether a file at this path is inside one of the library's folders (or is one)."""
        target = Path(path).expanduser().resolve()
        return any(target == root or target.is_relative_to(root) for root in self.roots)

    def resolve(self, id_or_prefix: str) -> ArticleMeta:
        """The article with this id or unambiguous id prefix; raises UnknownArticle."""
        key = id_or_prefix.strip().lower()
        exact = self._catalog.meta(key) if key else None
        if exact is not None:
            return exact
        if not key or not _HEX.issuperset(key):
            raise UnknownArticle(f"no article with id {id_or_prefix!r}")
        if len(key) < MIN_PREFIX:
            raise UnknownArticle(
                f"id prefix {id_or_prefix!r} is too short (use at least {MIN_PREFIX} characters)"
            )
        found, total = self._catalog.ids_with_prefix(key, limit=1)
        if total == 0:
            raise UnknownArticle(f"no article with id {id_or_prefix!r}")
        if total > 1:
            raise UnknownArticle(f"id prefix {id_or_prefix!r} matches {total} articles")
        meta = self._catalog.meta(found[0])
        if meta is None:  # removed by a scan between the two reads
            raise UnknownArticle(f"no article with id {id_or_prefix!r}")
        return meta

    def load(self, article_id: str) -> Article:
        """Read an article's file (raises UnknownArticle or sources.LoadError)."""
        meta = self._catalog.meta(article_id)
        if meta is None:
            raise UnknownArticle(f"no article with id {article_id!r}")
        try:
            article = load_file(Path(meta.path))
        except OSError as error:
            raise LoadError(f"{meta.path}: {error.strerror or error}") from error
        # The catalog id, not the content hash: it is what the user's data points at.
        return dataclasses.replace(
            article, meta=dataclasses.replace(article.meta, id=meta.id, path=meta.path)
        )

    def scan(
        self, progress: Callable[[ScanProgress], None] | None = None, *, part: Part | None = None
    ) -> ScanResult:
        """Bring the catalog up to date with the folders, re-reading only changed files
        (only those in `part`, when given: see reader.library.folders)."""
        with self._scan_lock:
            # The scanner is imported in _scan: scanning starts after the first frame.
            try:
                result = self._scan(progress, part)
            except (sqlite3.Error, OSError) as error:
                if is_damage(error):
                    self._catalog.rebuild()  # derived data: read every file again
                elif is_unwritable(error):
                    self._catalog.use_scratch(error)  # a full or read-only cache
                    self._tell()
                else:
                    raise
                result = self._scan(progress, part)
            return result

    def claims(self, ids: Iterable[str] = ()) -> list[Claim]:
        """What to record so a rebuilt catalog gives these articles their ids back.

        Besides the ids asked for: every article whose id is not plainly its content
        hash (an edited file, one of several files with the same body).
        """
        from reader.library.scanner import relative_key

        rows = self._catalog.identity_rows(list(ids))
        out = []
        for article_id, path, content_hash, url in rows:
            root = next((r for r in self.roots if path == str(r) or _under(path, r)), None)
            if root is not None:
                key = relative_key(root, path)
                out.append(Claim(article_id, path, key, content_hash, url))
        return out

    @property
    def notice(self) -> str | None:
        """Trouble worked around (a cache that cannot be written), or None."""
        return self._catalog.notice

    def listen(self, notify: Callable[[str], None]) -> None:
        """Tell `notify` of trouble worked around from now on, and of any met already."""
        self._notify, self._told = notify, set()
        self._tell()

    def _tell(self) -> None:
        notice = self._catalog.notice
        if notice and notice not in self._told:
            self._told.add(notice)
            if self._notify is not None:
                self._notify(notice)

    def _scan(
        self, progress: Callable[[ScanProgress], None] | None, part: Part | None
    ) -> ScanResult:
        from reader.library.scanner import Scanner

        claims, processes = self._claims, self._processes
        result = Scanner(self._catalog, self.roots, progress, processes, claims, part=part).run()
        if self.store_orders:
            self.save_orders()
        return result

    def save_orders(self) -> None:
        """Store the list orders if a write dropped them (see `store_orders`)."""
        if not self._catalog.has_orders():
            self._catalog.refresh_orders()

    def check(self) -> bool:
        """Check the catalog file (SQLite quick_check), rebuilding it when damaged.

        True when it was sound; rescan afterwards to fill a rebuilt one.
        """
        return self._catalog.quick_check()

    def problems(self) -> list[Problem]:
        """Files the last scan could not read, each with a one-line reason."""
        return self._catalog.problems()

    def partial(self) -> list[Problem]:
        """Files listed but read only in part (too large), each with a one-line note."""
        return self._catalog.problems(partial=True)

    def close(self) -> None:
        """Release the catalog."""
        self._catalog.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
