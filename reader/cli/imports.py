"""The `import` command (exports of other services, and the app's own JSON) and `fetch`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reader.cli.common import EXIT_OK, UsageError
from reader.sanitize import safe_json, safe_line

SKIPS_SHOWN = 10
"""How many skipped items `reader import` names one by one, per file."""
STDIN_LIMIT = 512 * 1024 * 1024
EXIT_FAILED = 1
"""`reader import` could not write the library folder."""


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `import` and `fetch` to the command parser."""
    read = commands.add_parser(
        "import",
        parents=[common],
        help="import other apps' exports (Pocket, Kindle, Readwise, Newsboat...)",
    )
    read.add_argument("files", nargs="+", metavar="FILE", help="an export file, or -")
    from reader.imports.formats import names

    known = ", ".join([*names(), URLS_FORMAT])
    read.add_argument(
        "--format", metavar="NAME", help=f"the export's format ({known}); default: detected"
    )
    read.add_argument(
        "--dry-run", action="store_true", help="count what would come in; write nothing"
    )
    read.add_argument("--json", action="store_true", help="print one JSON object per file")
    read.set_defaults(handler=command_import)
    fetch = commands.add_parser(
        "fetch", parents=[common], help="fetch the pages of imported links not fetched yet"
    )
    fetch.add_argument("--limit", type=int, metavar="N", help="fetch at most N pages")
    fetch.set_defaults(handler=command_fetch)


def command_import(args: argparse.Namespace) -> int:
    """Import each file; every file is read and recognised before anything is written."""
    from reader.imports.pipeline import choose_format
    from reader.imports.source import SourceError

    chosen, feed_lists = [], []
    for name in args.files:
        try:
            source = _open(name)
            if _is_urls_file(source, args.format):
                feed_lists.append(source)
                continue
            chosen.append((source, choose_format(source, args.format)))
        except SourceError as error:
            raise UsageError(f"{name}: {error}") from None
    if (feed_lists or chosen) and args.library and any(f.name != "reader" for _, f in chosen):
        raise UsageError(
            "-l/--library does not apply to importing: it saves into your library folder"
        )
    for source in feed_lists:
        _tell(_import_urls(source, args.dry_run), args.json, args.dry_run)
    for source, form in chosen:
        if form.name == "reader":
            _restore(args, source.name, source.data)
    others = [(source, form) for source, form in chosen if form.name != "reader"]
    return _import_all(args, others) if others else EXIT_OK


URLS_FORMAT = "newsboat-urls"
"""The `--format` name of Newsboat's urls file: subscriptions and query feeds, not items."""


def _is_urls_file(source: Any, named: str | None) -> bool:
    from reader.imports.formats.newsboat import looks_like_urls

    if named:
        return named.strip().lower() == URLS_FORMAT
    return not source.members and looks_like_urls(source.data)


def _import_urls(source: Any, dry_run: bool) -> dict[str, Any]:
    """Subscribe to a Newsboat urls file's feeds and save its query feeds as smart folders."""
    from reader.cli.userdata import open_store
    from reader.feeds.registry import FeedRegistry
    from reader.imports.formats.newsboat import read_urls
    from reader.imports.formats.newsboat_apply import apply_urls
    from reader.sources.decode import decode

    urls = read_urls(decode(source.data))
    with FeedRegistry.open() as registry:
        if dry_run:
            known = [feed for feed in urls.feeds if registry.get(feed.url) is not None]
            new, already, searches = (
                len(urls.feeds) - len(known),
                len(known),
                len(urls.smart_folders),
            )
            skipped = urls.skipped
        else:
            with open_store() as store:
                saved = {(search.name, search.query) for search in store.saved_searches()}
                done = apply_urls(urls, registry, store)
            again = sum(1 for search in done.searches if search in saved)
            new, already = len(done.subscribed), len(done.already) + again
            searches, skipped = len(done.searches) - again, done.skipped
    return {
        "file": source.name,
        "format": URLS_FORMAT,
        "items": new + already + searches + len(skipped),
        "imported": new + searches,
        "duplicates": already,
        "skipped": [{"item": s.source, "reason": s.reason} for s in skipped],
        "feeds": new,
        "searches": searches,
        **dict.fromkeys(("articles", "links", "books", "highlights", "notes", "tags"), 0),
    }


def _open(name: str) -> Any:
    from reader.files import read_stream
    from reader.imports.source import SourceError, open_source, source_from_bytes

    if name != "-":
        return open_source(Path(name).expanduser())
    try:
        return source_from_bytes("-", read_stream(sys.stdin.buffer, STDIN_LIMIT))
    except OSError as error:
        raise SourceError(f"cannot read stdin: {error.strerror or error}") from None


def _import_all(args: argparse.Namespace, chosen: list[Any]) -> int:
    """Import the files; the exit code (1 when the library folder could not be written)."""
    from reader.web.save import SaveError

    try:
        _import_into_library(args, chosen)
    except SaveError as error:
        print(f"reader: {safe_line(error)}", file=sys.stderr)
        print(
            "reader: the import stopped there; what it saved is kept, and running it again "
            "once the folder can be written brings in the rest",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def _import_into_library(args: argparse.Namespace, chosen: list[Any]) -> None:
    from reader import paths
    from reader.cli.common import sync_default_library
    from reader.cli.userdata import session
    from reader.imports.pipeline import import_source
    from reader.library.spool import parse_once

    # One spool for the scan that finds the new files' ids and the index sync at the end:
    # each file the import wrote is parsed once, not once for each (see reader.library.spool).
    with parse_once(paths.cache_dir()):
        with session([]) as (library, store), _counter() as progress:
            reports = [
                import_source(
                    source,
                    form,
                    library=library,
                    store=store,
                    folder=paths.user_library_dir(),
                    dry_run=args.dry_run,
                    progress=progress,
                )
                for source, form in chosen
            ]
        for report in reports:
            _tell(report.record(), args.json, args.dry_run)
        if not args.dry_run and any(r.imported for r in reports):
            sync_default_library()


@contextmanager
def _counter() -> Iterator[Callable[[int], None] | None]:
    from reader.cli.progress import progress_bar
    from reader.models import ScanProgress

    with progress_bar(sys.stderr) as bar:
        if bar is None:
            yield None
            return
        stage = bar("importing")
        yield lambda done: stage(ScanProgress(done, 0))


def _tell(record: dict[str, Any], as_json: bool, dry_run: bool) -> None:
    """One file's outcome: a JSON object, or a line on stdout and its skips on stderr."""
    if as_json:
        sys.stdout.write(safe_json(json.dumps(record, ensure_ascii=False)) + "\n")
        return
    skipped = record["skipped"]
    for entry in skipped[:SKIPS_SHOWN]:
        print(
            f"reader: skipped {safe_line(entry['item'])}: {safe_line(entry['reason'])}",
            file=sys.stderr,
        )
    if len(skipped) > SKIPS_SHOWN:
        print(f"reader: skipped {len(skipped) - SKIPS_SHOWN} more items", file=sys.stderr)
    verb = "Would import" if dry_run else "Imported"
    made = [f"{record[k]} {k}" for k in ("articles", "links", "books", "feeds") if record.get(k)]
    kept = [
        f"{record[k]} {k}" for k in ("highlights", "notes", "tags", "searches") if record.get(k)
    ]
    print(
        f"{verb} {safe_line(record['file'])} ({record['format']}): {record['items']} items, "
        f"{record['imported']} imported{_paren(made)}, {record['duplicates']} already there, "
        f"{len(skipped)} skipped" + (f"; {', '.join(kept)}" if kept else "")
    )


def _paren(parts: list[str]) -> str:
    return f" ({', '.join(parts)})" if parts else ""


def _restore(args: argparse.Namespace, name: str, data: bytes) -> None:
    """Merge the app's own JSON export into the store; importing it twice adds nothing new."""
    from reader.cli.userdata import session
    from reader.export import import_json

    try:
        parsed = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise UsageError(f"{name} cannot be read as JSON ({error})") from None
    with session(args.library) as (_library, store):
        if args.dry_run:
            from reader.store import Store

            # Merged into a copy in memory: counted as a real import would be, nothing saved.
            scratch = Store.in_memory()
            scratch.import_all(store.export_all())
            store = scratch
        result = import_json(store, parsed)
    skipped = [{"item": reason.split(":", 1)[0], "reason": reason} for reason in result.skipped]
    if args.json:
        record = {
            "file": name,
            "format": "reader",
            "items": result.added + result.updated + result.unchanged + len(skipped),
            "imported": result.added + result.updated,
            "duplicates": result.unchanged,
            "skipped": skipped,
        }
        sys.stdout.write(safe_json(json.dumps(record, ensure_ascii=False)) + "\n")
        return
    for reason in result.skipped[:SKIPS_SHOWN]:
        print(f"reader: skipped {safe_line(reason)}", file=sys.stderr)
    if len(result.skipped) > SKIPS_SHOWN:
        print(f"reader: skipped {len(result.skipped) - SKIPS_SHOWN} more records", file=sys.stderr)
    more = f", {len(result.skipped)} skipped" if result.skipped else ""
    print(
        f"Imported {safe_line(name)}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} already there{more}"
    )


def command_fetch(args: argparse.Namespace) -> int:
    """Fetch pending link-only pages, four at a time, with progress; failures said per page."""
    from reader.cli.common import sync_default_library
    from reader.imports.fetching import fetch_pending

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    from reader.cli.progress import progress_bar
    from reader.models import ScanProgress

    with progress_bar(sys.stderr) as bar:
        stage = bar("fetching") if bar is not None else None

        def step(done: int, total: int) -> None:
            if stage is not None:
                stage(ScanProgress(done, total))

        outcome = fetch_pending(limit=args.limit, progress=step)
    for failure in outcome.failures:
        print(f"reader: {safe_line(failure.url)}: {safe_line(failure.reason)}", file=sys.stderr)
    print(
        f"Fetched {outcome.fetched} pages, {len(outcome.failures)} failed, "
        f"{outcome.left} still to fetch"
    )
    if outcome.fetched:
        sync_default_library()
    return EXIT_OK if not outcome.failures else 1
