"""Search benchmark: index build rate and query latency against a Python scan and grep.

    python -m bench.bench_search 10000 [100000]

Loads the synthetic corpus (bench.corpus, generated on first use) with the real loaders,
builds a fresh index in a temp dir, then times each query class: median and p95 of the
engine with snippets (what the UI asks for), without snippets, a pure-Python scan of the
same texts in memory, and `rg -l -i` (or `grep -rli` when ripgrep is missing) on disk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus
from bench.machine import describe
from reader.models import Article
from reader.search import SearchIndex
from reader.search.documents import body_text
from reader.search.query import fold
from reader.sources import LoadError, is_supported, load_file

ENGINE_RUNS = 40
SCAN_RUNS = 3
LIMIT = 20


def load(folder: Path) -> list[Article]:
    """Every article in the corpus folder, read by the app's loaders."""
    articles = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and is_supported(path):
            try:
                articles.append(load_file(path))
            except LoadError:
                continue
    return articles


def queries(articles: list[Article]) -> dict[str, tuple[str, Callable[[Article, str], bool]]]:
    """One query per class, with the equivalent pure-Python test for the scan baseline."""
    rare = next(m.group(1) for a in articles if (m := re.search(r" near (\w+)\.", body_text(a))))
    place = (articles[0].meta.place or "baku").split(",")[0].lower()
    year = articles[0].meta.date.year if articles[0].meta.date else 2024

    def words(*wanted: str) -> Callable[[Article, str], bool]:
        patterns = [re.compile(rf"\b{w}", re.IGNORECASE) for w in wanted]
        return lambda article, text: all(p.search(text) for p in patterns)

    def field_date(article: Article, text: str) -> bool:
        meta = article.meta
        return place in fold(meta.place or "") and meta.date is not None and meta.date.year == year

    return {
        "common word": ("government", words(r"governments?\b")),
        "rare word": (rare, words(rf"{rare}\b")),
        "two words": ("minister budget", words(r"ministers?\b", r"budgets?\b")),
        "phrase": ('"peace talks"', words(r"peace talks\b")),
        "prefix": ("negotiat*", words("negotiat")),
        "field + date": (f"place:{place} date:{year}", field_date),
    }


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    action()  # warm caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def grep_command(pattern: str, folder: Path) -> list[str] | None:
    """`rg -l -i` when ripgrep is installed, else `grep -rli`; None when neither is."""
    if shutil.which("rg"):
        return ["rg", "-l", "-i", pattern, str(folder)]
    if shutil.which("grep"):
        return ["grep", "-rli", pattern, str(folder)]
    return None


def build(articles: list[Article], folder: Path) -> SearchIndex:
    """Build a fresh index in `folder` and print its rate and size."""
    index = SearchIndex.open(folder)
    started = time.perf_counter()
    index.add(articles)
    index.commit()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    print(f"build: {seconds:.1f} s, {len(articles) / seconds:,.0f} articles/s, {size:.0f} MB")
    print(f"ids(): {timed(index.ids, 3)[0]:.0f} ms")
    return index


def compare(index: SearchIndex, articles: list[Article], folder: Path) -> None:
    """Time each query class on the engine, the Python scan and grep; print a table."""
    texts = [(a, body_text(a)) for a in articles]
    tool = (grep_command("x", folder) or ["none"])[0]
    print(f"{'class':<14}{'query':<26}{'hits':>7}  engine+snippets  engine only   scan   {tool}")
    for name, (text, test) in queries(articles).items():
        total = index.search(text, limit=LIMIT).total
        full = timed(lambda t=text: index.search(t, limit=LIMIT), ENGINE_RUNS)
        bare = timed(lambda t=text: index.search(t, limit=LIMIT, snippets=False), ENGINE_RUNS)
        scan = timed(lambda test=test: [a for a, body in texts if test(a, body)], SCAN_RUNS)
        command = grep_command(text.split()[0].strip('"*'), folder)
        grep = "n/a"
        if command is not None and ":" not in text:
            ms = timed(lambda c=command: subprocess.run(c, capture_output=True), SCAN_RUNS)
            grep = f"{ms[0]:.0f}"
        print(
            f"{name:<14}{text[:25]:<26}{total:>7}  {full[0]:6.1f} /{full[1]:6.1f}"
            f"   {bare[0]:5.1f} /{bare[1]:5.1f}  {scan[0]:6.0f}   {grep}"
        )
    print("times in ms: median / p95 (engine), median (scan, grep)")


def run(count: int) -> None:
    """Load, build and compare for one corpus size."""
    folder = corpus.generate(count)
    started = time.perf_counter()
    articles = load(folder)
    load_rate = len(articles) / (time.perf_counter() - started)
    print(f"\n== {len(articles)} articles (loaded at {load_rate:,.0f}/s)")
    with tempfile.TemporaryDirectory() as tmp, build(articles, Path(tmp) / "index") as index:
        compare(index, articles, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    args = parser.parse_args()
    print(describe())
    for size in args.sizes:
        run(size)


if __name__ == "__main__":
    main()
