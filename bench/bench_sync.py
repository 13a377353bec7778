"""Index sync benchmark: cold build rate through sync_index and unchanged re-sync time.

    python -m bench.bench_sync 10000 [100000]

Scans the synthetic corpus (bench.corpus, generated on first use) into a fresh catalog in
a temp dir, then times a cold `sync_index` into an empty index (articles/s), an unchanged
re-sync (median of 3, each opening the index afresh as a new process would).
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench import corpus
from bench.machine import describe
from reader.library import Library
from reader.search.ledger import LEDGER_FILE
from reader.search.sync import index_dir, open_index, sync_index


def children_cpu() -> float:
    """CPU seconds used by finished helper processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold(library: Library, processes: int | None) -> None:
    """Build the index from nothing; print the rate and the CPU time it took per article.

    The CPU figure does not depend on what else the machine runs: 2 cores divided by it
    is the rate the build reaches on an idle 2-core machine.
    """
    with open_index(library) as index:
        started = time.perf_counter()
        own, helpers = time.process_time(), children_cpu()
        result = sync_index(library, index, processes=processes)
        seconds = time.perf_counter() - started
        own, helpers = time.process_time() - own, children_cpu() - helpers
    per_article = (own + helpers) / max(1, result.added) * 1000
    print(
        f"cold build: {result.added:,} articles in {seconds:.1f} s ="
        f" {result.added / seconds:,.0f} articles/s; CPU {own:.1f} s here (with the index"
        f" writer's threads) + {helpers:.1f} s in helpers = {per_article:.2f} ms/article"
        f" (idle 2-core projection {2000 / per_article:,.0f} articles/s)"
    )


def unchanged(library: Library) -> None:
    """Time re-syncs that find nothing to do: after no catalog write, after one (the ids
    the catalog's change log names are compared), and with no usable position in the log
    (every id compared)."""
    cases = (
        ("catalog untouched", ()),
        ("change log", ("stamp",)),
        ("full comparison", ("stamp", "position")),
    )
    for label, forget in cases:
        samples = []
        for _ in range(3):
            if forget:  # as after a rescan that rewrote the catalog without changes
                with sqlite3.connect(index_dir(library) / LEDGER_FILE) as conn:
                    conn.executemany("DELETE FROM state WHERE key = ?", [(k,) for k in forget])
                conn.close()
            started = time.perf_counter()
            with open_index(library) as index:
                result = sync_index(library, index)
            samples.append(time.perf_counter() - started)
            assert not result.changed, result
        median = statistics.median(samples) * 1000
        print(f"unchanged re-sync, {label} (open + sync): median {median:.0f} ms")


def run(count: int, processes: int | None) -> None:
    """Scan, build and re-sync for one corpus size, on a private copy of the catalog."""
    folder = corpus.ensure(count)
    print(f"\n== {count:,} articles")
    with tempfile.TemporaryDirectory() as tmp, Library([folder], Path(tmp)) as library:
        started = time.perf_counter()
        library.scan()
        print(f"scan: {time.perf_counter() - started:.1f} s")
        cold(library, processes)
        unchanged(library)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--processes", type=int, default=None, help="helper processes")
    args = parser.parse_args()
    print(describe())
    for size in args.sizes:
        run(size, args.processes)


if __name__ == "__main__":
    main()
