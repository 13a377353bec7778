"""The full-text index: a tantivy index in the cache dir behind a small interface."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import tantivy

from reader.files import atomic_write_text, read_text
from reader.models import Article, UserText
from reader.search.analysis import Marker
from reader.search.analysis import register_tokenizers as _register
from reader.search.documents import (
    Hit,
    article_document,
    build_schema,
    fields_document,
    hit_of,
)
from reader.search.guard import FileGuard
from reader.search.query import Query, parse
from reader.search.translate import StateFilters, Translator

if TYPE_CHECKING:
    from reader.library.spool import Fields

SCHEMA_VERSION = "2"
"""Bumped whenever the schema or the analyzers change; an older index is rebuilt."""

VERSION_FILE = "reader-index-version"
WRITER_HEAP = 192_000_000
"""Bytes the writer may buffer before it flushes a segment (allocated only as used)."""

NOTICE_DAMAGED = "the search index was damaged: it was rebuilt empty"
NOTICE_OUTDATED = "the search index was from another version: it was rebuilt empty"
NOTICE_READ_ONLY = "another reader is updating the index: searching read-only"
NOTICE_NO_WRITE = "the search index cannot be updated: searching read-only"
NOTICE_NO_FOLDER = "the search index folder cannot be used: searching this session only"
NOTICE_REBUILDING = "the search index was damaged: it is being rebuilt in the background"
HINT_FAILED = "that search could not run: try fewer or simpler words"
HINT_NOTHING = "nothing to search for in that query"


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The outcome of a search: the best hits, how many matched, and what to mark."""

    query: Query
    hits: tuple[Hit, ...]
    total: int
    hint: str | None
    marker: Marker
    ranked: bool = True
    """False when the hits are listed newest first rather than by relevance."""

    @property
    def terms(self) -> tuple[str, ...]:
        """The folded stems and prefixes (shown with a `*`) that the UI marks."""
        return (*sorted(self.marker.stems), *(f"{p}*" for p in self.marker.prefixes))


_CONDEMNED: list[tuple[object, object]] = []
"""Damaged indexes and their writers, held until the process ends (see `_recover`)."""


def _is_fatal(error: BaseException) -> bool:
    """Errors a guard must let through (tantivy panics arrive as BaseException)."""
    return isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit)


def _wipe(directory: Path) -> None:
    """Empty an index folder (derived data: nothing is lost)."""
    import shutil  # rare: kept off the path of every search

    for entry in directory.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _load(directory: Path, schema: tantivy.Schema) -> tantivy.Index:
    """Open or create the index and check it answers."""
    index = tantivy.Index(schema, str(directory), reuse=True)
    # No watcher thread reloading on its own: a reload reads every segment's footer, and
    # only a reload checked first (SearchIndex._check) may do that (see search/guard.py).
    index.config_reader(reload_policy="Manual")
    _register(index)
    searcher = index.searcher()
    for _, address in searcher.search(tantivy.Query.all_query(), 1).hits:
        searcher.doc(address)
    return index


def _open_index(directory: Path, schema: tantivy.Schema) -> tuple[tantivy.Index, str | None]:
    """The index in `directory`, rebuilt empty when it is outdated or damaged."""
    marker = directory / VERSION_FILE
    notice = None
    if tantivy.Index.exists(str(directory)):
        try:
            version = read_text(marker, 4096).strip()
        except (OSError, UnicodeDecodeError):
            version = ""
        if version != SCHEMA_VERSION:
            _wipe(directory)
            notice = NOTICE_OUTDATED
    try:
        index = _load(directory, schema)
    except BaseException as error:
        if _is_fatal(error):
            raise
        _wipe(directory)
        index, notice = _load(directory, schema), NOTICE_DAMAGED
    atomic_write_text(marker, SCHEMA_VERSION, durable=False)  # derived, written at each open
    return index, notice


class SearchIndex:
    """Full-text search over a library's articles; one writer process at a time."""

    def __init__(
        self,
        index: tantivy.Index,
        writer: tantivy.IndexWriter | None,
        *,
        directory: Path | None = None,
        rebuilt: bool = False,
        notice: str | None = None,
    ) -> None:
        self._index = index
        self._schema = index.schema
        self._writer = writer
        self._lock = threading.Lock()  # the writer is not safe to share between threads
        self._dirty = False
        self.directory = directory
        """The index folder (None for an index kept in memory)."""
        self.rebuilt = rebuilt
        """True when a damaged or outdated index was replaced by an empty one."""
        self.notice = notice
        """One line for the user about how the index was opened, or None."""
        self.on_damage: Callable[[SearchIndex], None] | None = None
        """Called (once per damage) after the index was found damaged and started afresh,
        to fill it again; `open_index` sets it to a rebuild in a background thread."""
        self.rebuilding: threading.Thread | None = None
        """The background refill after a damage, once one started."""
        self._guard = FileGuard(directory)
        self._seen_stamp = self._guard.meta_stamp
        self._untold: str | None = None

    @classmethod
    def open(cls, directory: Path, writable: bool = True) -> SearchIndex:
        """Open (or create) the index in `directory`; never fails, see `notice`."""
        schema = build_schema()
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            index, notice = _open_index(directory, schema)
        except OSError:
            return cls.in_memory(notice=NOTICE_NO_FOLDER)
        writer = None
        if writable:
            try:
                writer = index.writer(WRITER_HEAP)
            except ValueError as error:
                # a held lock means another process keeps this index up to date
                busy = "LockBusy" in str(error)
                notice = notice or (NOTICE_READ_ONLY if busy else NOTICE_NO_WRITE)
        rebuilt = notice in (NOTICE_DAMAGED, NOTICE_OUTDATED)
        return cls(index, writer, directory=directory, rebuilt=rebuilt, notice=notice)

    @classmethod
    def in_memory(cls, notice: str | None = None) -> SearchIndex:
        """A writable index that lives only as long as this object."""
        index = tantivy.Index(build_schema())
        _register(index)
        return cls(index, index.writer(WRITER_HEAP), notice=notice)

    @property
    def read_only(self) -> bool:
        """True when this instance cannot write (another process holds the index)."""
        return self._writer is None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Commit pending changes and release the writer lock."""
        with self._lock:
            try:
                if self._writer is not None and self._dirty and self._guard.sound():
                    self._writer.commit()
            except Exception:  # a folder deleted meanwhile: derived data
                pass
            self._writer = None
            self._dirty = False

    # ------------------------------------------------------------ damage

    def _check(self) -> None:
        """Before reading: start afresh if the files were cut short or removed under us,
        and see another process's latest commit (reloads are never automatic)."""
        if not self._guard.sound():
            self._recover()
        elif self._guard.meta_stamp != self._seen_stamp:
            self._seen_stamp = self._guard.meta_stamp
            self._index.reload()

    def _recover(self) -> None:
        """Drop the damaged index (never reading it again), open an empty one, refill it."""
        with self._lock:
            wanted_writer = self._writer is not None
            # Kept, never dropped: dropping a writer or index runs tantivy code (waiting for
            # merges, collecting files) that may read the damaged files and fault.
            _CONDEMNED.append((self._index, self._writer))
            self._writer = None
            self._dirty = False
            index, writer = self._fresh(wanted_writer)
            self._index, self._writer, self._schema = index, writer, index.schema
            self.rebuilt = True
            self.notice = self._untold = NOTICE_REBUILDING
        if self.on_damage is not None:
            self.on_damage(self)

    def _fresh(self, in_folder: bool) -> tuple[tantivy.Index, tantivy.IndexWriter]:
        """An empty index: in the folder when this instance was its writer, else in memory."""
        schema = build_schema()
        if in_folder and self.directory is not None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                _wipe(self.directory)
                index = _load(self.directory, schema)
                atomic_write_text(self.directory / VERSION_FILE, SCHEMA_VERSION, durable=False)
                writer = index.writer(WRITER_HEAP)
                self._guard.forget()
                self._seen_stamp = self._guard.meta_stamp
                return index, writer
            except BaseException as error:
                if _is_fatal(error):
                    raise
        # Another process writes the folder (or it cannot be used): this session only.
        self.directory = None
        self._guard = FileGuard(None)
        index = tantivy.Index(schema)
        _register(index)
        return index, index.writer(WRITER_HEAP)

    def _tell(self, results: SearchResults) -> SearchResults:
        """The first results after a damage carry the notice, once."""
        notice, self._untold = self._untold, None
        return replace(results, hint=notice) if notice else results

    # ------------------------------------------------------------ writing

    def add(
        self,
        articles: Iterable[Article],
        replace: bool = True,
        user_texts: Mapping[str, UserText] | None = None,
    ) -> int:
        """Add or replace articles (by id); visible after `commit`. Returns how many.

        `user_texts` gives, by article id, the reader's notes and tags to index with it.
        replace=False skips looking for an older copy: only for ids known to be absent."""
        if self._writer is None:
            return 0
        added = 0
        user_texts = user_texts or {}
        with self._lock:
            for article in articles:
                if replace:
                    self._writer.delete_documents_by_term("id", article.id)
                self._writer.add_document(article_document(article, user_texts.get(article.id)))
                added += 1
            self._dirty = self._dirty or bool(added)
        return added

    def add_fields(
        self, article_id: str, fields: Fields, replace: bool, user: UserText | None = None
    ) -> None:
        """`add` of one article from the fields a scan parsed of it (see `Fields`), with
        the reader's notes and tags to index with it, if any."""
        if self._writer is None:
            return
        title, when, place, source, tags, body = fields
        day = date.fromisoformat(when).toordinal() if when else None
        document = fields_document(article_id, title, day, place, source, tags, body, user)
        with self._lock:
            if replace:
                self._writer.delete_documents_by_term("id", article_id)
            self._writer.add_document(document)
            self._dirty = True

    def remove(self, ids: Iterable[str]) -> int:
        """Remove articles by id; visible after `commit`. Returns how many ids were given."""
        if self._writer is None:
            return 0
        removed = 0
        with self._lock:
            for article_id in ids:
                self._writer.delete_documents_by_term("id", article_id)
                removed += 1
            self._dirty = self._dirty or bool(removed)
        return removed

    def commit(self) -> None:
        """Make every change so far visible to searches (here and in other processes)."""
        if self._writer is None:
            return
        try:
            with self._lock:
                self._writer.commit()
                self._dirty = False
        except ValueError:
            if self._guard.sound():
                raise
            self._recover()  # the folder went away under the writer
            return
        self.refresh()

    def settle(self) -> None:
        """Wait for the writer's background merges, so no thread of ours reads the files
        between syncs: only guarded searches do (a merge reading a file cut short meanwhile
        would fault). Stays read-only if another process took the writer meanwhile."""
        with self._lock:
            if self._writer is None:
                return
            if self._dirty:
                self._writer.commit()
                self._dirty = False
            self._writer.wait_merging_threads()
            self._writer = None
            try:
                self._writer = self._index.writer(WRITER_HEAP)
            except ValueError:
                self.notice = self.notice or NOTICE_READ_ONLY

    def clear(self) -> None:
        """Remove every article and commit."""
        if self._writer is None:
            return
        with self._lock:
            self._writer.delete_all_documents()
            self._writer.commit()
            self._dirty = False
        self._index.reload()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        """See the latest commit (this process's or another's) now."""
        if self._guard.sound():
            self._seen_stamp = self._guard.meta_stamp
            self._index.reload()
        else:
            self._recover()

    def count(self) -> int:
        """How many articles the index holds (committed)."""
        self._check()
        return int(self._index.searcher().num_docs)

    def ids(self) -> set[str]:
        """The ids of every indexed article (committed)."""
        self._check()
        searcher = self._index.searcher()
        every = tantivy.Query.all_query()
        return {term for term, _ in searcher.terms_with_prefix("id", "", filter_query=every)}

    def search(
        self,
        query: str | Query,
        limit: int = 50,
        order: str = "relevance",
        state: StateFilters | None = None,
        snippets: bool = True,
    ) -> SearchResults:
        """Run a query; never raises. Filter-only queries (or order="date") list newest first."""
        parsed = query if isinstance(query, Query) else parse(query)
        try:
            self._check()
            return self._tell(self._search(parsed, max(0, limit), order, state, snippets))
        except BaseException as error:
            if _is_fatal(error):
                raise
            return self._tell(SearchResults(parsed, (), 0, HINT_FAILED, Marker()))

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """The articles most like one (never itself), best first; none if the index fails."""
        from reader.search.related import more_like

        try:
            self._check()
            found = more_like(self._index, article_id, limit)
        except BaseException as error:
            if _is_fatal(error):
                raise
            return []
        return [hit_of(doc, score, Marker(), snippets=False) for doc, score in found]

    def _search(
        self, parsed: Query, limit: int, order: str, state: StateFilters | None, snippets: bool
    ) -> SearchResults:
        marker = Marker.for_query(parsed)
        empty = SearchResults(parsed, (), 0, parsed.hint, marker)
        if parsed.root is None:
            return empty
        translated = Translator(self._schema, state).translate(parsed.root)
        if translated is None:
            return replace(empty, hint=parsed.hint or HINT_NOTHING)
        ranked = parsed.ranked and order != "date"
        searcher = self._index.searcher()
        found = searcher.search(
            translated, max(1, limit), count=True, order_by_field=None if ranked else "day"
        )
        hits = tuple(
            hit_of(searcher.doc(address), value if ranked else 0.0, marker, snippets)
            for value, address in found.hits[:limit]
        )
        return SearchResults(
            parsed, hits, int(getattr(found, "count", 0) or 0), parsed.hint, marker, ranked
        )
