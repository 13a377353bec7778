"""Feeds view benchmark: `f` to the painted view with 500 feeds and 100k entries.

Run: `python -m bench.bench_feeds_view [entries] [feeds]` (default 100000 and 500). The first
run lays the synthetic corpus (bench/corpus.py) out as feed folders under bench/.out/ (hard
links) and scans it into a catalog, which later runs reuse.

It prints, on a warm catalog:
- the count itself (`reader.feeds.counts.tally`: the catalog's rows grouped by feed), which
  the app runs in a worker after each scan and refresh, never on the key;
- `f` to the first painted row of the feeds view with the counts ready (the usual case), as
  median / p95 over repeated opens and for the first open alone, beside a baseline measured
  in the same run: `f` to the first painted row of a bare screen holding one widget, pushed
  the same way. The app builds the view in idle time once the first count is in; the
  "on-key" row builds it on the first `f` instead, as the app did before. Half the entries
  are marked read in the store, so the unread counts are real set arithmetic over 50k read
  ids.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import corpus
from bench.machine import describe

OPENS = 30
SIZE = (120, 35)
OUT = Path(__file__).resolve().parent / ".out"
FOLDERS = 10
"""OPML-like folders the feeds are spread over."""


def lay_out(entries: int, feeds: int) -> Path:
    """READER_HOME with `feeds` feed folders sharing the corpus's `entries` articles."""
    home = OUT / f"feeds-{entries}-{feeds}"
    root = home / "data" / "library" / "feeds"
    marker = home / ".laid-out"
    if marker.is_file():
        return home
    if home.exists():
        shutil.rmtree(home)
    source = corpus.ensure(entries)
    files = sorted(source.rglob("*.txt"))
    for number, path in enumerate(files):
        folder = root / f"feed-{number % feeds:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    marker.write_text("done\n", encoding="utf-8")
    return home


def subscribe_all(feeds: int) -> None:
    """One subscription per feed folder, in FOLDERS folders (never fetched here)."""
    from reader.feeds.registry import FeedRegistry

    with FeedRegistry.open() as registry:
        if len(registry.all()) == feeds:
            return
        registry.add_many(
            (f"https://feeds.example/{n:03d}.xml", f"Feed {n:03d}", [f"Folder {n % FOLDERS}"])
            for n in range(feeds)
        )


async def time_opens(app: object, key: str, push: object) -> list[float]:
    """Press `key` OPENS times; each time from the key to the first painted row, in ms."""
    from textual import events

    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.feed_tree import FeedTree

    assert isinstance(app, ReaderApp)
    timings: list[float] = []
    painted: list[float] = []
    original = FeedTree.render_line

    def timed(self: FeedTree, y: int):  # type: ignore[no-untyped-def]
        painted.append(time.perf_counter())
        return original(self, y)

    FeedTree.render_line = timed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.feeds.recount()  # as the scan after start does
            for _ in range(2):  # the count, then what it starts (the view built ahead)
                await app.workers.wait_for_complete()
                await pilot.pause()
            if push is not None:
                screen.action_feeds = push  # type: ignore[method-assign]
            for _ in range(OPENS):
                painted.clear()
                start = time.perf_counter()
                app.post_message(events.Key(key, None))
                while not painted:
                    await asyncio.sleep(0.0002)
                timings.append((painted[0] - start) * 1000)
                await pilot.pause()
                await app.workers.wait_for_complete()  # the recount after the view is up
                await pilot.press("escape")
                await pilot.pause()
    finally:
        FeedTree.render_line = original  # type: ignore[method-assign]
    return timings


def bare_push(app: object) -> object:
    """An `action_feeds` that pushes a bare screen holding one empty FeedTree (the baseline)."""
    from textual.screen import Screen

    from reader.ui.widgets.feed_tree import FeedTree, TreeRow

    class Bare(Screen[None]):
        BINDINGS = [("escape", "app.pop_screen")]

        def compose(self):  # type: ignore[no-untyped-def]
            tree = FeedTree()
            tree.rows = [TreeRow("smart", "x", "One row", 1)]
            yield tree

    def push(at: object = None) -> None:
        app.push_screen(Bare())  # type: ignore[attr-defined]

    return push


def run(entries: int, feeds: int) -> None:
    home = lay_out(entries, feeds)
    os.environ["READER_HOME"] = str(home)
    from reader import paths
    from reader.config import Config
    from reader.feeds.counts import tally
    from reader.feeds.registry import FeedRegistry
    from reader.library import Library
    from reader.store import Store

    subscribe_all(feeds)
    with Library([paths.user_library_dir()]) as library, FeedRegistry.open() as registry:
        started = time.perf_counter()
        library.scan()
        print(f"scan (warm after the first run): {time.perf_counter() - started:.1f} s")
        counts = []
        for _ in range(5):
            started = time.perf_counter()
            counted = tally(library)
            counts.append((time.perf_counter() - started) * 1000)
        total = sum(len(ids) for ids in counted.members.values())
        print(
            f"count from the catalog: {len(counted.members)} feeds, {total} entries, "
            f"median {statistics.median(counts):.1f} ms (in a worker, not on the key)"
        )
        metas = library.metas(library.ids())
        read = [(m.id, m.path, m.title) for n, m in enumerate(metas.values()) if n % 2 == 0]
        figures = {}
        for name in ("baseline", "feeds", "on-key"):
            settings = Config(refresh_on_start=False, refresh_minutes=0)
            store = Store.in_memory()
            store.set_read_many(read)
            app = make_app(library, settings, registry, store)
            push = bare_push(app) if name == "baseline" else None
            with built_ahead(name != "on-key"):
                figures[name] = asyncio.run(time_opens(app, "f", push))
        base = statistics.median(figures["baseline"])
        for name, timings in figures.items():
            ordered = sorted(timings)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            median = statistics.median(timings)
            print(
                f"{name:<8} f to first painted row: median {median:5.1f} ms  p95 {p95:5.1f} ms"
                f"  first open {timings[0]:5.1f} ms"
                f"  ({median / base:.2f}x the bare screen, {len(timings)} opens)"
            )


@contextmanager
def built_ahead(ahead: bool) -> Iterator[None]:
    """As the app does (`ahead`), or with the view built on its first key instead."""
    from reader.ui.feeds_manage import FeedsManager

    prepare = FeedsManager.prepare_view
    if not ahead:
        FeedsManager.prepare_view = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        FeedsManager.prepare_view = prepare  # type: ignore[method-assign]


def make_app(library: object, settings: object, registry: object, store: object) -> object:
    from reader.ui.app import ReaderApp

    return ReaderApp(
        library,  # type: ignore[arg-type]
        config=settings,  # type: ignore[arg-type]
        scan_on_start=False,
        feeds=lambda: registry,  # type: ignore[arg-type,return-value]
        store=store,  # type: ignore[arg-type]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("entries", nargs="?", type=int, default=100_000)
    parser.add_argument("feeds", nargs="?", type=int, default=500)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    run(args.entries, args.feeds)


if __name__ == "__main__":
    main()
