"""`reader show` benchmark: printing one long paragraph, styled and plain, at 1, 2 and 4 MB.

Run: `.venv/bin/python -m bench.bench_show` (add `--runs N`). Prints, for each size, the time
CPU time to lay out and print the article styled (to a terminal-like console, colour on), as plain
text, and with Rich wrapping the whole paragraph itself (how `reader show` printed before),
with the ratios styled/plain and the growth from one size to the next (2.0 is linear).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable
from datetime import date

from rich.console import Console
from rich.text import Text

from bench.machine import describe
from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind
from reader.render import article_as_text, print_article

SIZES = (1_000_000, 2_000_000, 4_000_000)
WORDS = ["the", "harbour", "board", "met", "on", "Tuesday", "négociations", "—", "lamps"]


def one_paragraph(size: int) -> Article:
    """A deterministic article of one paragraph of about `size` characters, with some links."""
    rng = random.Random(size)
    words: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(WORDS)
        words.append(word)
        total += len(word) + 1
    text = " ".join(words)
    marks = tuple(Mark(i, i + 3, MarkKind.LINK, f"https://e.org/{i}") for i in range(0, size, 5000))
    meta = ArticleMeta(id="bench", path="bench.txt", title="One paragraph", date=date(2025, 1, 2))
    return Article(meta, (Block(BlockKind.PARAGRAPH, text, marks=marks),))


def console() -> Console:
    return Console(file=io.StringIO(), width=100, force_terminal=True, color_system="truecolor")


def timed(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-rich", action="store_true", help="skip Rich's own wrapping")
    args = parser.parse_args()
    print(describe())
    print("| paragraph | styled | plain | styled/plain | growth | Rich wrapping it whole |")
    print("|---:|---:|---:|---:|---:|---:|")
    previous = None
    for size in SIZES:
        article = one_paragraph(size)
        styled = timed(lambda a=article: print_article(a, console()), args.runs)
        plain = timed(lambda a=article: article_as_text(a), args.runs)
        whole = "skipped"
        if not args.no_rich:
            text = Text(article.blocks[0].text)
            whole = f"{timed(lambda t=text: console().print(t), 1):.2f} s"
        growth = f"{styled / previous:.2f}x" if previous else "-"
        previous = styled
        print(
            f"| {size / 1e6:.0f} MB | {styled:.2f} s | {plain:.3f} s | {styled / plain:.0f}x "
            f"| {growth} | {whole} |"
        )


if __name__ == "__main__":
    main()
