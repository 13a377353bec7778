"""The `feeds` command: add, list, refresh, remove, import, export and set feed subscriptions."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reader.cli.common import EXIT_NO_RESULTS, EXIT_OK, UsageError, sync_default_library
from reader.feeds.common import FeedError
from reader.sanitize import safe_line, safe_text

if TYPE_CHECKING:
    from reader.feeds.counts import FeedTally
    from reader.feeds.refresh import FeedResult
    from reader.feeds.registry import FeedRegistry, Subscription

REGISTRY_WAIT = 5.0
"""Seconds to wait for another reader process writing the subscriptions."""
SYNC_EVERY = 5000
"""New entries after which a refresh brings the library and index up to date before it ends."""
OPML_LIMIT = 64 * 1024 * 1024
"""The largest subscription list `reader feeds import` reads, in bytes."""


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `feeds` and its subcommands to the command parser."""
    feeds = commands.add_parser("feeds", parents=[common], help="follow RSS and Atom feeds")
    actions = feeds.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="subscribe to a feed (fetches it once)")
    add.add_argument("source", metavar="URL|FILE", help="the feed's http(s) URL or a local file")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    add.add_argument(
        "--full-text", action="store_true", help="save the linked page of summary-only entries"
    )
    add.set_defaults(handler=command_add)
    listing = actions.add_parser("list", help="print the subscriptions, one a line")
    listing.set_defaults(handler=command_list)
    again = actions.add_parser("refresh", help="fetch new entries (all feeds, or those named)")
    again.add_argument("names", nargs="*", metavar="NAME", help="feed names (default: all)")
    again.set_defaults(handler=command_refresh)
    remove = actions.add_parser("remove", help="unsubscribe (saved entries are kept)")
    remove.add_argument("name", metavar="NAME", help="the feed's name or URL")
    remove.set_defaults(handler=command_remove)
    load = actions.add_parser("import", help="subscribe to the feeds of an OPML file")
    load.add_argument("file", metavar="FILE.opml", type=Path)
    load.set_defaults(handler=command_import)
    dump = actions.add_parser("export", help="write the subscriptions as OPML")
    dump.add_argument("-o", "--out", type=Path, metavar="FILE", help="a file (default: stdout)")
    dump.set_defaults(handler=command_export)
    settings = actions.add_parser("set", help="change a feed's settings")
    settings.add_argument("name", metavar="NAME")
    settings.add_argument(
        "--full-text",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="save the linked page of entries that carry only a summary",
    )
    settings.add_argument(
        "--keep",
        metavar="30d|200|off",
        help="remove entries older than so many days, or beyond the newest so many, after each "
        "refresh; only those never read, opened, bookmarked, noted or highlighted",
    )
    settings.set_defaults(handler=command_set)


@contextmanager
def _registry() -> Iterator[FeedRegistry]:
    from reader.feeds.registry import FeedRegistry

    with FeedRegistry.open(lock_timeout=REGISTRY_WAIT) as registry:
        for notice in registry.notices:
            print(f"reader: feeds: {safe_line(notice)}", file=sys.stderr)
        yield registry


def _get(registry: FeedRegistry, name: str) -> Subscription:
    sub = registry.get(name)
    if sub is None:
        raise UsageError(f"no feed named {name} (see `reader feeds list`)")
    return sub


# Every command parser is built on each run: the web modules are imported only by the
# commands that use them, so `reader search` does not pay for them.


def user_path(text: str | Path) -> Path:
    """A path as typed, `~` expanded (see `reader.web.save.user_path`)."""
    from reader.web.save import user_path as expand

    return expand(text)


def safe_url(url: str) -> str:
    """A URL fit to print (see `reader.web.fetch.safe_url`)."""
    from reader.web.fetch import safe_url as printable

    return printable(url)


# Subscribing -----------------------------------------------------------------------------


def command_add(args: argparse.Namespace) -> int:
    """Subscribe to a feed by URL or file, saving its entries."""
    from reader.feeds.refresh import subscribe
    from reader.web.fetch import FetchError

    with _registry() as registry:
        before = {sub.name for sub in registry.all()}
        try:
            sub, result = subscribe(registry, args.source, tags=args.tag, full_text=args.full_text)
        except (FeedError, FetchError) as error:
            raise UsageError(f"cannot add {args.source}: {error}") from None
    if sub.name in before:
        print(f"Already subscribed: {sub.name}  {safe_line(safe_url(sub.url))}")
        return EXIT_OK
    title = safe_line(sub.title)
    print(f"Subscribed to {title} as {sub.name}: {_count(result.new, 'new entry')}")
    if result.error:
        print(f"reader: {sub.name}: entries not saved: {safe_line(result.error)}", file=sys.stderr)
    if result.new:
        sync_default_library()
    return EXIT_NO_RESULTS if result.error else EXIT_OK


def command_import(args: argparse.Namespace) -> int:
    """Subscribe to every feed an OPML file lists, without fetching them."""
    from reader.feeds.opml import importable, read_opml
    from reader.files import read_bytes

    try:
        outlines = read_opml(read_bytes(user_path(args.file), OPML_LIMIT))
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror or error}") from None
    except FeedError as error:
        raise UsageError(f"cannot import {args.file}: {error}") from None
    # What `feeds add` takes: web addresses, and local files (relative to the list's folder).
    taken, skipped = importable(outlines, user_path(args.file).parent)
    with _registry() as registry:  # one write, however long the list
        results = registry.add_many((o.url, o.title, o.tags) for o in taken)
    added = sum(created for _, created in results)
    known = len(results) - added
    for url, reason in skipped:
        print(f"reader: skipped {safe_line(url)}: {safe_line(reason)}", file=sys.stderr)
    more = f", {len(skipped)} skipped" if skipped else ""
    print(f"Imported {safe_line(args.file)}: {added} added, {known} already subscribed{more}")
    return EXIT_NO_RESULTS if skipped else EXIT_OK


# Reading the list ------------------------------------------------------------------------


def command_list(args: argparse.Namespace) -> int:
    """Print one line per feed: name, URL, tags, entries saved, and its last error."""
    from reader.feeds.registry import feed_folder

    with _registry() as registry:
        subs = registry.all()
    if not subs:
        print("No feeds yet: add one with `reader feeds add URL`.", file=sys.stderr)
        return EXIT_NO_RESULTS
    counted = _unread_counts()
    for sub in subs:
        parts = [sub.name, safe_url(sub.url)]
        if sub.tags:
            parts.append("[" + ", ".join(sub.tags) + "]")
        if counted is not None:
            tally, read = counted
            name = feed_folder(sub.name).name
            parts.append(
                f"{tally.unread(name, read)} unread of {_count(tally.total(name), 'entry')}"
            )
        else:
            folder = feed_folder(sub.name)
            parts.append(
                _count(sum(1 for _ in folder.glob("*.md")) if folder.is_dir() else 0, "entry")
            )
        if sub.full_text:
            parts.append("full text")
        if sub.keep:
            parts.append(f"keep {sub.keep}")
        if sub.last_error:
            parts.append(f"error: {sub.last_error}")
        print(safe_line("  ".join(parts)))
    return EXIT_OK


def _unread_counts() -> tuple[FeedTally, set[str]] | None:
    """Each feed's entries as the catalog lists them and the ids read, or None when the
    catalog or the store cannot be read now (the list then counts the files)."""
    import sqlite3

    from reader import paths
    from reader.cli.common import brief_store, open_library
    from reader.feeds.counts import tally
    from reader.store import StoreError

    try:
        with open_library([], quiet=True) as library:
            entries = tally(library)
        if not os.path.lexists(paths.data_dir() / "store.json"):
            return entries, set()  # nothing read yet; listing creates no store
        with brief_store() as store:
            return entries, store.read_ids()
    except (OSError, sqlite3.Error, StoreError):
        return None


def command_export(args: argparse.Namespace) -> int:
    """Write the subscriptions as OPML 2.0, one folder per tag."""
    from reader.feeds.opml import write_opml
    from reader.web.save import write_atomically

    with _registry() as registry:
        text = write_opml(registry.all())
    if args.out is None:
        sys.stdout.write(safe_text(text))
    else:
        target = user_path(args.out)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, text.encode("utf-8"))
        except OSError as error:
            raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
        print(f"Wrote {safe_line(args.out)}", file=sys.stderr)
    return EXIT_OK


# Changing --------------------------------------------------------------------------------


def command_refresh(args: argparse.Namespace) -> int:
    """Fetch every feed (or those named) in parallel, printing each as it finishes."""
    from reader import paths
    from reader.feeds.refresh import refresh
    from reader.feeds.registry import feed_folder
    from reader.library.folders import deferring
    from reader.library.spool import parse_once
    from reader.native import one_heap

    one_heap()  # before the index writer's threads: its syncs reuse one heap's pages
    unsynced = 0
    part_way = False
    unfinished: set[str] = set()  # the folders of the feeds not done yet

    def progress(done: int, total: int, result: FeedResult) -> None:
        nonlocal unsynced, part_way
        print(f"[{done}/{total}] {describe(result)}", flush=True)
        unfinished.discard(str(feed_folder(result.name)))
        unsynced += result.new
        if unsynced >= SYNC_EVERY and done < total:
            # While the helpers go on with the other feeds: the catalog and the index take
            # this part now, so a big refresh's entries show in an open app as they come,
            # and this process's share of the work overlaps theirs. The folders still
            # being written are left to a later sync, which has their parse.
            unsynced, part_way = 0, True
            with deferring(unfinished):
                sync_default_library(last=False)

    # One spool for the refresh and the sync after it: what the feeds' helpers parse as they
    # write each entry is what the scan and the index take, instead of reading it back.
    with parse_once(paths.cache_dir()):
        with _registry() as registry:
            for name in args.names:
                _get(registry, name)
            if not args.names and not registry.all():
                raise UsageError("no feeds yet: add one with `reader feeds add URL`")
            chosen = args.names or [sub.name for sub in registry.all()]
            unfinished.update(str(feed_folder(name)) for name in chosen)
            results = refresh(
                registry, args.names or None, on_progress=progress, keep_paths=False, helps=True
            )
            subs = registry.all()
        failed = sum(1 for r in results if r.error)
        new = sum(r.new for r in results)
        same = sum(1 for r in results if r.not_modified)
        print(
            f"Refreshed {_count(len(results), 'feed')}: {new} new, {same} not modified,"
            f" {failed} failed"
        )
        if unsynced or part_way:  # the last sync also stores what those part-way left
            sync_default_library()
    if any(sub.keep for sub in subs):
        _apply_retention(subs)
    return EXIT_NO_RESULTS if failed else EXIT_OK


def _apply_retention(subs: list[Subscription]) -> None:
    """Remove the old untouched entries the feeds' `keep` lets go, and tell how many."""
    from reader.cli.common import brief_store, open_library
    from reader.feeds.retention import prune
    from reader.store import StoreError

    try:
        with open_library([]) as library, brief_store() as store:
            library.scan()
            removed = prune(library, subs, store)
    except (StoreError, OSError) as error:  # the store is busy: the next refresh tries again
        print(f"reader: old entries not removed now: {safe_line(error)}", file=sys.stderr)
        return
    if removed:
        print(f"Removed {_count(len(removed), 'old entry')} (see `reader feeds set --keep`)")
        sync_default_library()


def describe(result: FeedResult) -> str:
    """One feed's outcome: "name: 3 new", "name: not modified" or "name: failed: reason"."""
    name = safe_line(result.name)
    if result.error:
        return f"{name}: failed: {safe_line(result.error)}"
    if result.not_modified:
        return f"{name}: not modified"
    return f"{name}: {result.new} new"


def command_remove(args: argparse.Namespace) -> int:
    """Unsubscribe from a feed; the articles it brought in stay in the library."""
    from reader.feeds.registry import feed_folder

    with _registry() as registry:
        sub = registry.remove(_get(registry, args.name).name)
    if sub is None:
        raise UsageError(f"no feed named {args.name}")
    print(f"Removed {sub.name}; its saved entries stay in {safe_line(feed_folder(sub.name))}")
    return EXIT_OK


def command_set(args: argparse.Namespace) -> int:
    """Change a feed's settings: full text of summary-only entries, and how many to keep."""
    from reader.feeds.retention import parse_keep

    try:
        keep = parse_keep(args.keep) if args.keep is not None else None
    except FeedError as error:
        raise UsageError(str(error)) from None
    with _registry() as registry:
        sub = _get(registry, args.name)
        if args.full_text is not None:
            sub = registry.set_full_text(sub.name, args.full_text)
        if args.keep is not None:
            sub = registry.update(sub.name, keep=str(keep) if keep else None)
    if args.full_text is not None or args.keep is None:
        print(f"{sub.name}: full text {'on' if sub.full_text else 'off'}")
    if args.keep is not None or args.full_text is None:
        print(f"{sub.name}: keep {sub.keep or 'all'}")
    return EXIT_OK


# The library -----------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"
