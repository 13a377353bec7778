"""Cursor-move benchmark: key press to repainted list in the app, on a warm catalog.

Run: `python -m bench.bench_cursor 10000 100000`. The first run at a size scans the corpus
into a catalog under bench/.out/ (kept, so later runs open warm).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

from bench import corpus
from bench.machine import describe

MOVES = 300
SIZE = (120, 35)
OUT = Path(__file__).resolve().parent / ".out"


async def time_moves(app: object, key: str) -> list[float]:
    """Press `key` MOVES times; each move's time from the key to the list's repaint, in ms."""
    from textual import events

    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen

    assert isinstance(app, ReaderApp)
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        articles = screen.article_list
        painted: list[float] = []
        render_line = articles.render_line

        def timed_render_line(y: int):  # type: ignore[no-untyped-def]
            painted.append(time.perf_counter())
            return render_line(y)

        articles.render_line = timed_render_line  # type: ignore[method-assign]
        for _ in range(MOVES):
            before = articles.cursor
            painted.clear()
            start = time.perf_counter()
            app.post_message(events.Key(key, None))
            while articles.cursor == before or not painted:
                await asyncio.sleep(0.0002)
            await pilot.pause()  # let the whole frame finish before the next key
            timings.append((painted[-1] - start) * 1000)
    return timings


def run(count: int) -> dict[str, list[float]]:
    """Open the app on `count` articles (warm catalog) and time j and pagedown moves."""
    folder = corpus.ensure(count)
    home = OUT / f"home-{count}"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["READER_HOME"] = str(home)
    from reader.config import Config
    from reader.library import Library
    from reader.ui.app import ReaderApp

    results = {}
    with Library([folder]) as library:
        library.scan()
        for key in ("j", "pagedown"):
            app = ReaderApp(library, config=Config(), scan_on_start=False)
            results[key] = asyncio.run(time_moves(app, key))
    return results


def main() -> None:
    """Print median and p95 per key and size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 100000])
    args = parser.parse_args()
    print(f"machine: {describe()}")
    for count in args.sizes:
        for key, timings in run(count).items():
            ordered = sorted(timings)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            print(
                f"{count:>7} articles  {key:<9} median {statistics.median(timings):5.1f} ms"
                f"  p95 {p95:5.1f} ms  ({len(timings)} moves)"
            )


if __name__ == "__main__":
    main()
