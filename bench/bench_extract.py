"""Extraction benchmark: `extract_page` time for each fixture page and a few hostile ones.

Run: `.venv/bin/python -m bench.bench_extract` (add `--runs N`). The extractor's import
(trafilatura, paid once per process) is timed in a fresh interpreter and reported on
its own line; the table gives the median time of `runs` extractions per page, after one
warm-up, and what came out (Markdown characters, or the reason a page was refused).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.machine import describe
from reader.sources import LoadError
from reader.sources.html import extract_page, html_to_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "html"
PARAGRAPH = "<p>The river rose slowly through the night and the town watched from the bridge.</p>"

IMPORT_TIMER = (
    "import time; start = time.perf_counter(); import trafilatura; "
    "print(time.perf_counter() - start)"
)


def nested(tag: str, depth: int) -> bytes:
    return f"<html><body>{f'<{tag}>' * depth}{PARAGRAPH * 5}{f'</{tag}>' * depth}".encode()


def long_page(paragraphs: int) -> bytes:
    body = "".join(
        f"<h2>Part {n}</h2>"
        + "".join(PARAGRAPH.replace("night", f"night {n}.{k}") for k in range(6))
        + f"<ul><li>item {n}.1</li><li>item {n}.2</li></ul>"
        for n in range(paragraphs // 6)
    )
    return f"<html><body><nav>Menu</nav><article>{body}</article></body></html>".encode()


SYNTHETIC: list[tuple[str, Callable[[], bytes]]] = [
    ("long article, 600 paragraphs", lambda: long_page(600)),
    ("one 1 MB line", lambda: f"<p>{'word ' * 200_000}</p>{PARAGRAPH * 3}".encode()),
    ("5,000 nested <div>", lambda: nested("div", 5_000)),
    ("50,000 nested <div>", lambda: nested("div", 50_000)),
    ("50,000 nested <b>", lambda: nested("b", 50_000)),
]


def import_seconds() -> float:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_TIMER], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def measure(data: bytes, runs: int) -> tuple[float, str]:
    """Median milliseconds of `runs` extractions, and what the extraction gave."""
    outcome = _outcome(data)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _outcome(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, outcome


def _outcome(data: bytes) -> str:
    try:
        page = extract_page(data)
    except LoadError as error:
        return f"refused: {error}"
    return f"{len(page.markdown):,} chars of Markdown"


def converter_ms(runs: int) -> float:
    """Median milliseconds for `html_to_markdown` on the news fixture's whole page."""
    fragment = (FIXTURES / "harbour-ferry.html").read_text(encoding="utf-8")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        html_to_markdown(fragment, base_url="https://courier.example.org/")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    print(describe())
    print(f"trafilatura import (fresh interpreter): {import_seconds() * 1000:.0f} ms")
    cases = [(path.name, path.read_bytes()) for path in sorted(FIXTURES.glob("*.html"))]
    cases += [(label, make()) for label, make in SYNTHETIC]
    print(f"{'page':>30}  {'KB':>7}  {'median ms':>9}  outcome")
    for label, data in cases:
        count = runs if len(data) < 100_000 else max(3, runs // 5)
        median, outcome = measure(data, count)
        print(f"{label:>30}  {len(data) / 1024:7.1f}  {median:9.2f}  {outcome} (n={count})")
    print(f"html_to_markdown, news fixture page: {converter_ms(runs):.2f} ms median of {runs}")


if __name__ == "__main__":
    main()
