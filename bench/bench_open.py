"""Opening an article: Enter on the list to the article painted in the reading pane.

    python -m bench.bench_open [--articles 2000] [--opens 60]

Writes ARTICLES feed-entry-like Markdown files (front matter and a few paragraphs, as a
feed refresh saves them) into bench/.out/open-<N>/, opens the app on them (headless Pilot,
warm catalog) and, OPENS times, moves down a row and presses Enter, timing from the key
to the first line of the new article painted in the pane. Also times `Library.load`
alone (read and parse the file) for the same articles. Prints median and p95.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from bench import corpus
from bench.machine import describe

OUT = Path(__file__).resolve().parent / ".out"
SIZE = (120, 35)


def write_entries(count: int) -> Path:
    """COUNT Markdown articles as a feed refresh writes them (kept between runs)."""
    from reader.web.save import Draft, render_draft

    folder = OUT / f"open-{count}" / "library"
    if folder.is_dir() and sum(1 for _ in folder.glob("*.md")) == count:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random("reader-open")
    pool = corpus._sentence_pool(rng)
    for number in range(count):
        paragraphs = [" ".join(rng.choices(pool, k=rng.randint(2, 6))) for _ in range(4)]
        draft = Draft(
            title=rng.choice(pool)[:70],
            markdown="\n\n".join(paragraphs),
            url=f"https://news.example.org/{number}",
            author="Desk",
            date=date(2025, 1, 1) + timedelta(days=number % 700),
            source="Bench Feed",
            extra={"feed": "bench", "entry_id": f"bench-{number}"},
        )
        (folder / f"{number:06d}.md").write_text(render_draft(draft), encoding="utf-8")
    return folder


async def time_opens(app: object, opens: int) -> list[float]:
    """Move down and press Enter OPENS times; each open's key-to-painted time in ms."""
    from textual import events

    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen

    assert isinstance(app, ReaderApp)
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        pane = screen.reading_pane
        painted: list[float] = []
        render_line = pane.render_line

        def timed_render_line(y: int):  # type: ignore[no-untyped-def]
            if pane.article is not None and pane.article.id == screen.opened_id:
                painted.append(time.perf_counter())
            return render_line(y)

        pane.render_line = timed_render_line  # type: ignore[method-assign]
        for _ in range(opens):
            screen.article_list.focus()
            await pilot.press("j")
            await pilot.pause()
            painted.clear()
            start = time.perf_counter()
            app.post_message(events.Key("enter", None))
            while not painted:
                await asyncio.sleep(0.0002)
            await pilot.pause()
            timings.append((painted[0] - start) * 1000)
    return timings


def time_loads(library: object, ids: list[str]) -> list[float]:
    """`Library.load` alone for each id, in ms."""
    from reader.library import Library

    assert isinstance(library, Library)
    timings = []
    for article_id in ids:
        start = time.perf_counter()
        library.load(article_id)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _line(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"  {name:<28} median {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms"


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--opens", type=int, default=60)
    args = parser.parse_args()
    print(f"machine: {describe()}; load average {os.getloadavg()[0]:.1f}")
    folder = write_entries(args.articles)
    os.environ["READER_HOME"] = str(folder.parent / "home")
    from reader.config import Config
    from reader.library import Library
    from reader.ui.app import ReaderApp

    with Library([folder]) as library:
        library.scan()
        ids = library.ids()[: args.opens * 2]
        loads = time_loads(library, ids)
        app = ReaderApp(library, config=Config(), scan_on_start=False)
        opens = asyncio.run(time_opens(app, args.opens))
    print(_line("Library.load (read + parse)", loads))
    print(_line("Enter to article painted", opens) + "  (budget 30 ms)")


if __name__ == "__main__":
    main()
