"""Keystroke to painted results: how long the app takes to show results for each key typed.

    python -m bench.bench_keystroke [10000] [100000]

Builds a library and a search index of the synthetic corpus (bench.corpus) in a temp dir,
runs the app headless, opens the search bar and types queries one key at a time. For each
key it times from sending the key to the article list painting rows of that query's
results (the first `render_line` of the new rows). Keys are posted to the app the way the
terminal driver posts them, so the test pilot's own waits are not counted. Reports median
and p95 in ms; the budget (DESIGN section 8) is p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from weakref import WeakKeyDictionary

from bench import corpus
from bench.machine import describe

QUERIES = (
    "summit peace",
    "minister",
    '"peace talks"',
    "govern* -election",
    "title:water date:2024",
    "harvest OR drought",
)
"""Typed one key at a time; every prefix is a query the app searches."""
BUDGET_MS = 50.0
SIZE = (120, 40)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def type_queries(app: object) -> list[float]:
    """Type every query in the running app; the key-to-paint time of each key, in ms."""
    from textual import events
    from textual.keys import _character_to_key

    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen

    assert isinstance(app, ReaderApp)
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        articles = screen.article_list
        painted: WeakKeyDictionary[object, float] = WeakKeyDictionary()
        render_line = articles.render_line

        def timed_render_line(y: int):  # type: ignore[no-untyped-def]
            painted.setdefault(articles.rows, time.perf_counter())
            return render_line(y)

        articles.render_line = timed_render_line  # type: ignore[method-assign]
        for query in QUERIES:
            await pilot.press("slash")
            screen.search_bar.input.value = ""
            await pilot.pause()
            for key in query:
                typed = screen.search_bar.input.value + key
                # Post the key as the terminal driver does, so the pilot's own waits are not timed.
                start = time.perf_counter()
                app.post_message(events.Key(_character_to_key(key), key))
                while not (
                    screen.search_bar.results_query == typed
                    and _shows(screen)
                    and articles.rows in painted
                ):
                    await asyncio.sleep(0.0005)
                timings.append((painted[articles.rows] - start) * 1000)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
            await pilot.pause()
    return timings


def _shows(screen: object) -> bool:
    """Whether the list holds the results of the query now in the bar."""
    from reader.ui.results import ResultRows

    rows = screen.article_list.rows  # type: ignore[attr-defined]
    results = screen.search_bar.results  # type: ignore[attr-defined]
    return isinstance(rows, ResultRows) and results is not None and rows.results is results


def run(count: int) -> tuple[list[float], float, float]:
    """Build the library and index for `count` articles, then time typing in the app."""
    folder = corpus.ensure(count)
    home = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    os.environ["READER_HOME"] = str(home)
    from reader.config import Config
    from reader.library import Library
    from reader.search import SearchIndex
    from reader.ui.app import ReaderApp

    with Library([folder]) as library:
        started = time.perf_counter()
        library.scan()
        scanned = time.perf_counter() - started
        with SearchIndex.open(home / "index") as index:
            started = time.perf_counter()
            index.add(library.load(article_id) for article_id in library.ids())
            index.commit()
            indexed = time.perf_counter() - started
            app = ReaderApp(library, config=Config(), scan_on_start=False, index=index)
            timings = asyncio.run(type_queries(app))
    return timings, scanned, indexed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[10000])
    args = parser.parse_args()
    print(describe())
    for count in args.counts:
        timings, scanned, indexed = run(count)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        verdict = "within" if p95 <= BUDGET_MS else "OVER"
        print(
            f"{count:>7} articles (scan {scanned:.1f} s, index {indexed:.1f} s): "
            f"{len(timings)} keys, key to painted results median {median:.1f} ms, "
            f"p95 {p95:.1f} ms, max {max(timings):.1f} ms ({verdict} the {BUDGET_MS:.0f} ms budget)"
        )


if __name__ == "__main__":
    main()
