"""The `search` and `index` commands: ranked full-text search and index upkeep."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

from reader.cli.common import (
    EXIT_NO_RESULTS,
    EXIT_OK,
    UsageError,
    meta_record,
    open_library,
    report_problems,
)
from reader.cli.progress import Bar, Notices
from reader.cli.progress import progress_bar as _progress_bar
from reader.library import Library
from reader.library.folders import changed_files
from reader.models import ArticleMeta
from reader.refresh import refresh
from reader.sanitize import safe_json, safe_line
from reader.search import Hit, Query, SearchResults, StateFilters, parse
from reader.search.query import Node, Not, StateFilter
from reader.search.sync import SyncResult, clear_index, open_index

if TYPE_CHECKING:
    from reader.search.index import SearchIndex
    from reader.store import Store

DEFAULT_LIMIT = 20
"""Ranked results printed unless --limit says otherwise (filter-only queries print all)."""

NOTHING_TO_SEARCH = 'nothing to search for: give words, "phrases" or filters such as date:2025'

STORE_WAIT = 1.0
"""Seconds to wait for the store when a query uses is: or has: filters."""


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `search` and `index` to the command parser."""
    search = commands.add_parser("search", parents=[common], help="search the library")
    search.add_argument("query", nargs="+", metavar="QUERY", help="words, phrases and filters")
    search.add_argument("--json", action="store_true", help="print JSON Lines")
    search.add_argument("--limit", type=_limit, metavar="N", help="print at most N results")
    search.add_argument(
        "--order", choices=("relevance", "date"), default="relevance", help="result order"
    )
    search.set_defaults(handler=command_search)
    index = commands.add_parser("index", parents=[common], help="bring the search index up to date")
    index.add_argument("--rebuild", action="store_true", help="index every article again")
    index.set_defaults(handler=command_index)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def command_search(args: argparse.Namespace) -> int:
    """Print the articles matching a query, best first (or newest first)."""
    query = parse(" ".join(args.query))
    if query.mistake or query.is_empty:
        # A query that cannot run as typed is a usage mistake (exit 2), not "no results".
        raise UsageError(query.mistake or NOTHING_TO_SEARCH)
    notices = Notices()
    with open_library(args.library) as library, _progress_bar(sys.stderr) as bar:
        # Rescans only the folders changed since the last scan (see library.folders).
        results, records = _search(library, query, args, bar, notices)
        if changed_files(meta for _, meta in records if meta is not None):
            # A file shown was rewritten in place since the last scan: scan and search again.
            results, records = _search(library, query, args, bar, notices, full=True)
        problems = library.problems()
    notices.add(results.hint)
    notices.say()
    report_problems(problems)
    printed = 0
    for hit, meta in records:
        if meta is None:  # removed since the index was read
            continue
        if args.json:
            extra = {"score": round(hit.score, 4), "snippet": hit.snippet.text}
            record = json.dumps({**meta_record(meta), **extra}, ensure_ascii=False)
            sys.stdout.write(safe_json(record) + "\n")
        else:
            _print_hit(hit, meta_path=meta.path, origin=meta.origin or meta.format)
        printed += 1
    if printed and results.total > printed and not args.json:
        print(f"reader: showing {printed} of {results.total} matches", file=sys.stderr)
    return EXIT_OK if printed else EXIT_NO_RESULTS


Records = list[tuple[Hit, ArticleMeta | None]]


def _search(
    library: Library,
    query: Query,
    args: argparse.Namespace,
    bar: Bar | None,
    notices: Notices,
    *,
    full: bool = False,
) -> tuple[SearchResults, Records]:
    """Refresh the library and its index, run the query, and each hit with its catalog entry."""
    refreshed = refresh(
        library,
        store=_open_store,
        index=lambda: open_index(library),
        full=full,
        progress=bar("scanning") if bar else None,
        index_progress=bar("indexing") if bar else None,
    )
    assert refreshed.index is not None
    with refreshed.index as index:
        notices.add(index.notice)
        if refreshed.store_error is not None:
            notices.add(f"{refreshed.store_error}: searching the index as it was")
        notices.add(index.notice)  # the sync may have met a full disk
        state = _state(query, notices) if _uses_state(query.root) else None
        limit = args.limit or (DEFAULT_LIMIT if query.ranked else max(1, len(library)))
        results = index.search(query, limit=limit, order=args.order, state=state)
    return results, [(hit, library.get(hit.id)) for hit in results.hits]


def command_index(args: argparse.Namespace) -> int:
    """Scan the library and bring its search index up to date (or rebuild it)."""
    started = time.perf_counter()
    notices = Notices()
    with open_library(args.library) as library, _progress_bar(sys.stderr) as bar:

        def opened() -> SearchIndex:
            index = open_index(library)
            if index.read_only:
                notices.add(_not_updated(index.notice))
            elif args.rebuild:
                clear_index(index)
            return index

        refreshed = refresh(
            library,
            store=_open_store,
            index=opened,
            full=True,
            progress=bar("scanning") if bar else None,
            index_progress=bar("indexing") if bar else None,
        )
        assert refreshed.index is not None
        refreshed.index.close()
        if refreshed.store_error is not None:
            raise refreshed.store_error  # one line from main: nothing was indexed
    notices.say()
    assert refreshed.scan is not None and refreshed.synced is not None  # a full scan, synced
    report_problems(refreshed.scan.problems)
    print(summary(refreshed.synced, time.perf_counter() - started))
    return EXIT_OK


def summary(result: SyncResult, seconds: float) -> str:
    """The closing line of `reader index`."""
    noun = "article" if result.total == 1 else "articles"
    return (
        f"indexed {result.total:,} {noun}: {result.added:,} added, {result.updated:,} updated,"
        f" {result.removed:,} removed in {seconds:.1f} s"
    )


def _not_updated(notice: str | None) -> str:
    """Why `reader index` could not write the index, said for that command (not a search)."""
    reason = (notice or "the search index cannot be updated").partition(": searching")[0]
    return f"{reason}: this command left the index as it was"


def _open_store() -> Store:
    """The user's store, waiting a little for another instance's write."""
    from reader.store import Store

    return Store.open(lock_timeout=STORE_WAIT)


def _state(query: Query, notices: Notices) -> StateFilters | None:
    """The reading state an is: filter asks for; None, with a notice, when the store
    cannot be read just now."""
    from reader.store import StoreError

    try:
        store = _open_store()
    except StoreError as error:
        notices.add(f"{error}: searching the index as it was")
        return None
    with store:
        return StateFilters(
            bookmarked=frozenset(store.bookmarked_ids()),
            read=frozenset(store.read_ids()),
            noted=frozenset(store.noted_ids()),
            highlighted=frozenset(store.highlighted_ids()),
        )


def _uses_state(node: Node | None) -> bool:
    if node is None:
        return False
    if isinstance(node, StateFilter):
        return True
    if isinstance(node, Not):
        return _uses_state(node.child)
    children = getattr(node, "children", ())
    return any(_uses_state(child) for child in children)


def _print_hit(hit: Hit, *, meta_path: str, origin: str) -> None:
    """Title, date, origin and short id; the path; then the snippet with matches in bold."""
    out = sys.stdout
    when = hit.date.isoformat() if hit.date else "----------"
    title, origin, meta_path = safe_line(hit.title), safe_line(origin), safe_line(meta_path)
    out.write(f"{title}\n  {when}  {origin}  {hit.id[:8]}  {meta_path}\n")
    if hit.snippet.text:
        out.write(f"  {_marked(hit, bold=out.isatty())}\n")
    out.write("\n")


def _marked(hit: Hit, *, bold: bool) -> str:
    """The snippet text, matched words wrapped in bold escapes when `bold`."""
    text = hit.snippet.text
    if not bold:
        return safe_line(text)
    pieces, last = [], 0
    for start, end in sorted(hit.snippet.spans):
        if start < last:
            continue
        pieces += [safe_line(text[last:start]), "\x1b[1m", safe_line(text[start:end]), "\x1b[22m"]
        last = end
    pieces.append(safe_line(text[last:]))
    return "".join(pieces)
