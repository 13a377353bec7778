"""Markdown benchmark: the fast path against markdown-it-py on the same documents, same run.

Run: `.venv/bin/python -m bench.bench_markdown` (add `--docs N --rounds R`). Three sets of
N documents: the Markdown a feed refresh writes for the bench feeds' entries
(bench/corpus/feeds-200x500 through `html_to_markdown`), the synthetic library's articles
(bench/corpus.py) and converter output of richer generated HTML (links, emphasis, code,
lists, quotes, headings). For each: the share the fast path accepts, and the time per
document (median of R rounds) of markdown-it alone, of the fast path alone (declines
included) and of `parse_blocks` (fast path, then markdown-it for what it declines).
Then, on up to 1,999 files of feed entries and rich output written as a refresh writes them
(few enough to be read in this process, where the fast path can be switched off): the time
per file of `parse_written`, the whole parse a refresh's helpers do per entry, and a cold
scan of that library, each with the fast path on and off.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import corpus
from bench.machine import describe
from reader.feeds.parse import parse_feed
from reader.library import Library
from reader.library.parse_pool import PARALLEL_MIN, parse_written
from reader.sources import markdown
from reader.sources.html_markdown import html_to_markdown
from reader.sources.markdown import markdown_it_blocks, parse_blocks
from reader.sources.md_fast import fast_blocks
from reader.web.save import Draft, render_draft

FEEDS = Path(__file__).resolve().parent / "corpus" / "feeds-200x500"
_WORDS_TEXT = (
    "the harbour seals return to dunes after council vote what it means for minister's "
    "budget talks 2024 résumé naïve 海豹 — update #3 [live] it's a*b snake_case 50% x|y"
)
_WORDS = _WORDS_TEXT.split()


def feed_entries(count: int) -> list[str]:
    """Markdown of the bench feeds' entries, as a refresh writes it."""
    docs: list[str] = []
    for path in sorted(FEEDS.glob("*.xml")):
        feed = parse_feed(path.read_bytes(), url=path.as_uri())
        for entry in feed.entries:
            docs.append(html_to_markdown(entry.content_html, base_url=path.as_uri()))
            if len(docs) >= count:
                return docs
    return docs


def library_articles(count: int) -> list[str]:
    """The synthetic library's articles (plain prose paragraphs) read as Markdown."""
    folder = corpus.ensure(max(count, 1000))
    return [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.txt"))[:count]]


def rich_entries(count: int) -> list[str]:
    """Converter output of generated HTML using the inline and block forms pages use."""
    rng = random.Random(11)

    def words(low: int, high: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))

    def inline() -> str:
        parts = []
        for _ in range(rng.randint(3, 8)):
            roll = rng.random()
            if roll < 0.1:
                parts.append(f'<a href="https://news.example/{rng.randint(1, 999)}?p=1">'
                             f"{words(1, 4)}</a>")  # fmt: skip
            elif roll < 0.17:
                parts.append(f"<em>{words(1, 3)}</em>")
            elif roll < 0.22:
                parts.append(f"<strong>{words(1, 3)}</strong>")
            elif roll < 0.25:
                parts.append(f"<code>{words(1, 2)}</code>")
            else:
                parts.append(words(4, 20))
        return " ".join(parts)

    docs = []
    for _ in range(count):
        blocks = []
        for _ in range(rng.randint(2, 8)):
            roll = rng.random()
            if roll < 0.1:
                blocks.append(f"<h2>{words(2, 6)}</h2>")
            elif roll < 0.2:
                items = "".join(f"<li>{inline()}</li>" for _ in range(rng.randint(2, 4)))
                blocks.append(f"<ul>{items}</ul>" if rng.random() < 0.6 else f"<ol>{items}</ol>")
            elif roll < 0.25:
                blocks.append(f"<blockquote><p>{inline()}</p></blockquote>")
            elif roll < 0.28:
                blocks.append(f"<pre>{words(3, 10)}\n{words(3, 10)}</pre>")
            else:
                blocks.append(f"<p>{inline()}<br>{words(2, 9)}</p>")
        docs.append(html_to_markdown("".join(blocks), base_url="https://news.example/"))
    return docs


def per_doc(parse: Callable[[str], object], docs: list[str], rounds: int) -> float:
    """Median over rounds of the time per document, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for doc in docs:
            parse(doc)
        times.append((time.perf_counter() - start) / len(docs))
    return statistics.median(times) * 1000


def report(name: str, docs: list[str], rounds: int) -> None:
    """Print the acceptance and the three timings for one set of documents."""
    accepted = sum(fast_blocks(doc) is not None for doc in docs)
    size = sum(len(doc) for doc in docs) / len(docs)
    slow = per_doc(markdown_it_blocks, docs, rounds)
    fast = per_doc(fast_blocks, docs, rounds)
    both = per_doc(parse_blocks, docs, rounds)
    print(
        f"| {name} | {len(docs):,} | {size:,.0f} | {accepted / len(docs):.1%} | "
        f"{slow:.3f} ms | {fast:.3f} ms | {both:.3f} ms | {slow / both:.1f}x |"
    )


def library_figures(docs: list[str], rounds: int) -> None:
    """Per-entry parse of just-written files and cold scans, fast path on and off."""
    count = min(len(docs), PARALLEL_MIN - 1)  # read in this process, where the switch holds
    with tempfile.TemporaryDirectory(prefix="reader-bench-md-") as temp:
        folder = Path(temp) / "library"
        folder.mkdir()
        files = []
        for number, doc in enumerate(docs[:count]):
            draft = Draft(title=f"Entry {number}", markdown=doc, url=f"https://e.example/{number}")
            data = render_draft(draft).encode("utf-8")
            path = folder / f"{number:05d}.md"
            path.write_bytes(data)
            files.append((str(path), data))
        written: dict[bool, list[float]] = {True: [], False: []}
        scans: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(rounds):
            for fast in (True, False):
                with _fast_path(fast):
                    written[fast].append(_parse_written(files))
                    scans[fast].append(_cold_scan(folder, Path(temp) / f"cache-{fast}"))
    on, off = (statistics.median(written[fast]) * 1000 for fast in (True, False))
    print(
        f"\n`parse_written` per feed entry file (what a refresh's helpers do; median of "
        f"{rounds}): markdown-it {off:.3f} ms, fast path {on:.3f} ms ({off / on:.2f}x)"
    )
    on, off = (statistics.median(scans[fast]) for fast in (True, False))
    print(
        f"Cold scan of {count:,} Markdown files in one process (median of {rounds}): "
        f"markdown-it {off:.2f} s, fast path {on:.2f} s ({off / on:.2f}x)"
    )


@contextmanager
def _fast_path(on: bool) -> Iterator[None]:
    """The fast path as it is, or switched off so that markdown-it reads everything."""
    original = markdown.fast_blocks
    if not on:
        markdown.fast_blocks = lambda text: None  # type: ignore[assignment]
    try:
        yield
    finally:
        markdown.fast_blocks = original


def _parse_written(files: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    for path, data in files:
        assert parse_written(path, data) is not None
    return (time.perf_counter() - start) / len(files)


def _cold_scan(folder: Path, cache: Path) -> float:
    shutil.rmtree(cache, ignore_errors=True)
    library = Library([folder], cache_dir=cache)
    start = time.perf_counter()
    library.scan()
    elapsed = time.perf_counter() - start
    library.close()
    return elapsed


def main() -> None:
    """Time the fast path against markdown-it on the three sets."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    print("| documents | count | chars | accepted | markdown-it | fast path | parse_blocks | "
          "speed-up |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    report("feed entries (feeds-200x500)", feed_entries(args.docs), args.rounds)
    report("library articles (bench corpus)", library_articles(args.docs), args.rounds)
    rich = rich_entries(args.docs)
    report("rich converter output", rich, args.rounds)
    entries = feed_entries(args.docs // 2) + rich[: args.docs // 2]
    library_figures(entries, args.rounds)


if __name__ == "__main__":
    main()
