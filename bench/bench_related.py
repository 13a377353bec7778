"""More-like-this benchmark: related articles for one article, against a ranked word search.

    python -m bench.bench_related 10000 [100000]

Loads the synthetic corpus (bench.corpus), builds a fresh index in a temp dir, then times
`SearchIndex.related` for 40 articles spread over the corpus (median and p95) beside a
ranked one-word search of a common word on the same index (the baseline), and prints the
ratio. The budget is "well under a second" at 100k; the search budget is 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus
from bench.bench_search import load
from bench.machine import describe
from reader.search import SearchIndex

SAMPLES = 40
LIMIT = 10


def timed(actions: list[Callable[[], object]]) -> tuple[float, float]:
    """Median and p95 in milliseconds over one run of each action (after a warm-up)."""
    actions[0]()
    samples = []
    for action in actions:
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def run(count: int) -> None:
    folder = corpus.generate(count)
    articles = load(folder)
    ids = [articles[n * len(articles) // SAMPLES].id for n in range(SAMPLES)]
    print(f"\n== {len(articles)} articles")
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex.open(Path(tmp) / "index")
        index.add(articles, replace=False)
        index.commit()
        del articles
        related = [lambda i=i: index.related(i, LIMIT) for i in ids]
        search = [lambda: index.search("government", limit=LIMIT) for _ in ids]
        base = timed(search)
        mlt = timed(related)
        found = sum(len(index.related(i, LIMIT)) for i in ids) / len(ids)
        print(f"ranked search 'government': {base[0]:6.1f} / {base[1]:6.1f} ms (baseline)")
        print(f"related, top {LIMIT}:          {mlt[0]:6.1f} / {mlt[1]:6.1f} ms")
        print(f"ratio (median): {mlt[0] / base[0]:.1f}x the search; {found:.1f} found each")
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    args = parser.parse_args()
    print(describe())
    for size in args.sizes:
        run(size)


if __name__ == "__main__":
    main()
