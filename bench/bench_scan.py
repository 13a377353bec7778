"""Library scan and listing benchmark on the synthetic corpus.

    python -m bench.bench_scan [1000 10000 100000]

For each size: a cold scan into an empty catalog, a warm open (a fresh Library on the
existing catalog until its first row is read), an unchanged rescan (budget 1.5 s at
100k), and row access times on the list view.
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench import corpus
from bench.machine import describe
from reader.library import Library

T = TypeVar("T")
RESCAN_BUDGET = 1.5


def _timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = action()
    return value, time.perf_counter() - started


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def run(size: int) -> None:
    """Benchmark one corpus size and print its figures."""
    folder = corpus.generate(size)
    cache = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        library = Library([folder], cache_dir=cache)
        result, cold = _timed(library.scan)
        assert result.total == size, result
        library.close()

        started = time.perf_counter()
        library = Library([folder], cache_dir=cache)
        rows = library.rows()
        order = time.perf_counter() - started
        first = rows[0]
        warm = time.perf_counter() - started
        assert first.title

        _, length = _timed(lambda: len(rows))
        _, last = _timed(lambda: rows[size - 1])
        picks = random.Random(1).sample(range(size), min(size, 500))
        jumps = [_timed(lambda i=i: rows[i])[1] for i in picks]
        _, index_first = _timed(lambda: rows.index_of(first.id))
        _, index_again = _timed(lambda: rows.index_of(first.id))
        rescans = [_timed(library.scan)[1] for _ in range(3)]
        library.close()
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    rescan = statistics.median(rescans)
    print(f"\n{size:,} articles")
    print(f"  cold scan            {cold:8.2f} s   ({size / cold:,.0f} articles/s)")
    print(f"  warm open, rows[0]   {_ms(warm)}   (order list {_ms(order).strip()})")
    print(f"  len(rows)            {_ms(length)}")
    print(f"  rows[{size - 1}]{' ' * (14 - len(str(size - 1)))}{_ms(last)}")
    print(f"  rows[random] median  {_ms(statistics.median(jumps))}   max {_ms(max(jumps)).strip()}")
    print(f"  index_of first/next  {_ms(index_first)} / {_ms(index_again).strip()}")
    print(
        f"  unchanged rescan     {rescan:8.3f} s   (median of 3; "
        f"{rescan / RESCAN_BUDGET:.2f}x the {RESCAN_BUDGET} s budget)"
    )


def main(argv: list[str]) -> int:
    """Run the benchmark for each size given (default 1k, 10k, 100k)."""
    sizes = [int(arg.replace("_", "")) for arg in argv] or [1000, 10_000, 100_000]
    print(f"machine: {describe()}")
    for size in sizes:
        run(size)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
