"""Reading pane benchmark: layout time and first paint of 10 KB, 100 KB and 1 MB articles.

Run: `.venv/bin/python -m bench.bench_pane` (add `--runs N` for more repetitions). Prints the
median layout time at a 120-column pane, the time from `ReadingPane.show()` to the last
visible line being rendered in a running app, and the time from app start to that first
paint (with a bare app's start as the baseline), all measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Callable, Coroutine
from datetime import date
from functools import partial
from typing import Any

from textual.app import App, ComposeResult
from textual.strip import Strip

from bench.machine import describe
from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind
from reader.ui.document import layout_article
from reader.ui.widgets.reading_pane import ReadingPane

SIZES = {"10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000}
TERMINAL = (120, 40)
WORDS = [
    *("the", "of", "and", "to", "in", "a", "said", "for", "on", "that", "is", "with", "was"),
    *("by", "as", "at", "from", "government", "minister", "president", "talks", "summit"),
    *("region", "agreement", "council", "officials", "week", "“we", "will”", "country’s"),
    *("economy", "—", "markets", "rose", "percent", "railway", "water", "harvest", "bridge"),
    *("négociations", "Zürich"),
]


def make_article(size: int, seed: int = 7) -> Article:
    """A deterministic article of about `size` characters: paragraphs, some marks and headings."""
    rng = random.Random(seed)
    blocks: list[Block] = []
    total = 0
    while total < size:
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 110))) + "."
        marks = (Mark(0, 3, MarkKind.STRONG), Mark(4, 10, MarkKind.EMPHASIS))
        kind = BlockKind.HEADING if len(blocks) % 25 == 24 else BlockKind.PARAGRAPH
        blocks.append(Block(kind, text, level=2, marks=marks))
        total += len(text) + 2
    words = sum(len(block.text.split()) for block in blocks)
    meta = ArticleMeta(
        id=f"bench-{size}", path="bench.txt", title="A benchmark article", words=words,
        date=date(2025, 7, 3), place="BAKU, Azerbaijan",
    )  # fmt: skip
    return Article(meta, tuple(blocks))


class TimedPane(ReadingPane):
    """A reading pane that notes when its last visible line was rendered.

    With `wait_for_article` it waits for an article; otherwise the placeholder counts.
    """

    painted_at: float | None = None
    wait_for_article = True

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        last = y == self.scrollable_content_region.height - 1
        ready = self.article is not None or not self.wait_for_article
        if last and ready and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return strip


class PaneApp(App[None]):
    """A reading pane alone, optionally opening an article on mount."""

    def __init__(self, article: Article | None = None) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        pane = TimedPane()
        pane.wait_for_article = self.article is not None
        yield pane

    def on_mount(self) -> None:
        if self.article is not None:
            self.query_one(TimedPane).show(self.article)


def time_layout(article: Article, runs: int) -> float:
    """Median seconds to lay `article` out for the benchmark terminal."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        layout_article(article, TERMINAL[0] - 1)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def time_open(article: Article) -> float:
    """Seconds from `show(article)` in a running app to its first painted screen."""
    app = PaneApp()
    async with app.run_test(size=TERMINAL) as pilot:
        pane = app.query_one(TimedPane)
        await pilot.pause()
        pane.painted_at, pane.wait_for_article = None, True
        start = time.perf_counter()
        pane.show(article)
        while pane.painted_at is None:
            await asyncio.sleep(0.001)
        return pane.painted_at - start


async def time_start(article: Article | None) -> float:
    """Seconds from creating an app to its first paint (with `article` open, if given).

    Without an article the pane shows its placeholder: the baseline of a near-bare app.
    """
    start = time.perf_counter()
    app = PaneApp(article)
    async with app.run_test(size=TERMINAL):
        pane = app.query_one(TimedPane)
        while pane.painted_at is None:
            await asyncio.sleep(0.001)
        return pane.painted_at - start


def median_of(runs: int, make: Callable[[], Coroutine[Any, Any, float]]) -> float:
    """Median of `runs` results of the coroutine factory `make`."""
    return statistics.median(asyncio.run(make()) for _ in range(runs))


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(describe())
    bare = median_of(runs, partial(time_start, None))
    print(f"baseline (app with an empty pane) start to first paint: {bare * 1000:.1f} ms")
    header = f"{'article':>8} {'blocks':>7} {'lines':>7} {'layout':>9} {'open':>9} {'start':>9}"
    print(header + "  start/baseline")
    for label, size in SIZES.items():
        article = make_article(size)
        lines = len(layout_article(article, TERMINAL[0] - 1))
        layout = time_layout(article, runs)
        opened = median_of(runs, partial(time_open, article))
        started = median_of(runs, partial(time_start, article))
        print(
            f"{label:>8} {len(article.blocks):>7} {lines:>7} {layout * 1000:7.1f}ms "
            f"{opened * 1000:7.1f}ms {started * 1000:7.1f}ms  {started / bare:.2f}x"
        )
    print("layout: wrap at 119 columns; open: show() to first paint in a running app;")
    print("start: app creation to first paint with the article open.")


if __name__ == "__main__":
    main()
