"""The `search` and `index` commands: ranked full-text search and index upkeep."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from reader.annotations import user_texts
from reader.cli.common import (
    EXIT_NO_RESULTS,
    EXIT_OK,
    UsageError,
    meta_record,
    open_library,
    report_problems,
)
from reader.library import Library, folders
from reader.library.folders import changed_files, scan_changed
from reader.library.spool import parse_once
from reader.models import ArticleMeta, ScanProgress, UserText
from reader.search import Hit, Query, SearchResults, StateFilters, parse
from reader.search.query import Node, Not, StateFilter
from reader.search.sync import SyncResult, open_index, rebuild_index, sync_index
from reader.store import Store, StoreError

DEFAULT_LIMIT = 20
"""Ranked results printed unless --limit says otherwise (filter-only queries print all)."""

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
    if query.is_empty and not query.hint:
        raise UsageError('give a query: words, "phrases" or filters such as date:2025')
    with (
        open_library(args.library) as library,
        parse_once(library.catalog_path.parent),
        _progress_bar(sys.stderr) as bar,
    ):
        # Rescans only the folders changed since the last scan (see library.folders).
        scan_changed(library)
        results, records = _search(library, query, args, bar)
        if changed_files(meta for _, meta in records if meta is not None):
            # A file shown was rewritten in place since the last scan: scan and search again.
            folders.scan(library)
            results, records = _search(library, query, args, bar)
        problems = library.problems()
    if results.hint:
        print(f"reader: {results.hint}", file=sys.stderr)
    report_problems(problems)
    printed = 0
    for hit, meta in records:
        if meta is None:  # removed since the index was read
            continue
        if args.json:
            extra = {"score": round(hit.score, 4), "snippet": hit.snippet.text}
            sys.stdout.write(json.dumps({**meta_record(meta), **extra}, ensure_ascii=False) + "\n")
        else:
            _print_hit(hit, meta_path=meta.path, origin=meta.origin or meta.format)
        printed += 1
    if printed and results.total > printed and not args.json:
        print(f"reader: showing {printed} of {results.total} matches", file=sys.stderr)
    return EXIT_OK if printed else EXIT_NO_RESULTS


Records = list[tuple[Hit, ArticleMeta | None]]


def _search(
    library: Library, query: Query, args: argparse.Namespace, bar: Bar | None
) -> tuple[SearchResults, Records]:
    """Sync the index with the catalog, run the query, and each hit with its catalog entry."""
    with open_index(library) as index:
        texts, state = _from_store(query)
        if texts is not None:  # without them a sync would drop notes from the index
            sync_index(library, index, bar("indexing") if bar else None, user_texts=texts)
        if index.notice:
            print(f"reader: {index.notice}", file=sys.stderr)
        limit = args.limit or (DEFAULT_LIMIT if query.ranked else max(1, len(library)))
        results = index.search(query, limit=limit, order=args.order, state=state)
    return results, [(hit, library.get(hit.id)) for hit in results.hits]


def command_index(args: argparse.Namespace) -> int:
    """Scan the library and bring its search index up to date (or rebuild it)."""
    started = time.perf_counter()
    with (
        open_library(args.library) as library,
        parse_once(library.catalog_path.parent),
        _progress_bar(sys.stderr) as bar,
    ):
        scan = folders.scan(library, bar("scanning") if bar else None)
        with open_index(library) as index:
            if index.read_only:
                print(f"reader: {index.notice}", file=sys.stderr)
            run = rebuild_index if args.rebuild else sync_index
            with _open_store() as store:
                texts = user_texts(store)
            result = run(library, index, bar("indexing") if bar else None, user_texts=texts)
    report_problems(scan.problems)
    print(summary(result, time.perf_counter() - started))
    return EXIT_OK


def summary(result: SyncResult, seconds: float) -> str:
    """The closing line of `reader index`."""
    noun = "article" if result.total == 1 else "articles"
    return (
        f"indexed {result.total:,} {noun}: {result.added:,} added, {result.updated:,} updated,"
        f" {result.removed:,} removed in {seconds:.1f} s"
    )


Bar = Callable[[str], Callable[[ScanProgress], None]]
"""Gives the progress callback of one labelled stage (scanning, indexing) of a bar."""


@contextmanager
def _progress_bar(stream: TextIO) -> Iterator[Bar | None]:
    """A rich progress bar on `stream` when it is a terminal (else None); gone when done."""
    if not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=stream, highlight=False)
    columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("scanning", total=None)

        def stage(label: str) -> Callable[[ScanProgress], None]:
            def report(state: ScanProgress) -> None:
                total = state.total or None
                progress.update(task, description=label, completed=state.done, total=total)

            return report

        yield stage


def _open_store() -> Store:
    """The user's store, waiting a little for another instance's write."""
    return Store.open(lock_timeout=STORE_WAIT)


def _from_store(query: Query) -> tuple[dict[str, UserText] | None, StateFilters | None]:
    """The notes and tags to index, and the reading state when the query asks for it.

    (None, None) with one line on stderr when the store cannot be read just now.
    """
    try:
        store = _open_store()
    except StoreError as error:
        print(f"reader: {error}: searching the index as it was", file=sys.stderr)
        return None, None
    with store:
        if not _uses_state(query.root):
            return user_texts(store), None
        state = StateFilters(
            bookmarked=frozenset(store.bookmarked_ids()),
            read=frozenset(store.read_ids()),
            noted=frozenset(store.noted_ids()),
            highlighted=frozenset(store.highlighted_ids()),
        )
        return user_texts(store), state


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
    out.write(f"{hit.title}\n  {when}  {origin}  {hit.id[:8]}  {meta_path}\n")
    if hit.snippet.text:
        out.write(f"  {_marked(hit, bold=out.isatty())}\n")
    out.write("\n")


def _marked(hit: Hit, *, bold: bool) -> str:
    """The snippet text, matched words wrapped in bold escapes when `bold`."""
    text = hit.snippet.text
    if not bold:
        return text
    pieces, last = [], 0
    for start, end in sorted(hit.snippet.spans):
        if start < last:
            continue
        pieces += [text[last:start], "\x1b[1m", text[start:end], "\x1b[22m"]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
