"""Catalog inserts by transaction size: 100,000 rows in the catalog's own schema.

    python -m bench.bench_catalog_batch [--rows 100000] [--sync 5000]

Inserts rows as a refresh's scans do (random ids, content hashes and titles; WAL,
`synchronous=NORMAL`), `--sync` rows per part-way sync, in transactions of 1,000 rows and
of 5,000, alternating, and prints the CPU and wall time of each.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from reader.library.catalog_schema import SCHEMA


def _row(rng: random.Random, n: int) -> tuple[object, ...]:
    return (
        f"{rng.getrandbits(64):016x}",
        f"/home/u/library/feeds/feed-{n % 200}/2025-03-{n % 28:02d}-a-story-{n}--k{n}.md",
        1600,
        1_700_000_000_000_000_000 + n,
        f"{rng.getrandbits(64):016x}",
        f"Title {rng.random()}",
        f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
        None,
        "Feed",
        "Desk",
        f"https://feed.example.org/{n}",
        "[]",
        300,
        "markdown",
        0,
        0,
    )


def run(rows: int, sync: int, batch: int) -> tuple[float, float]:
    """CPU and wall seconds to insert `rows` rows, `batch` a transaction."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "catalog.sqlite", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.executescript(SCHEMA)
        rng = random.Random(1)
        insert = "INSERT OR REPLACE INTO articles VALUES (" + ", ".join("?" * 16) + ")"
        cpu, wall = time.process_time(), time.perf_counter()
        n = 0
        for _ in range(rows // sync):
            for _ in range(sync // batch):
                values = [_row(rng, n + i) for i in range(batch)]
                n += batch
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(insert, values)
                conn.execute("COMMIT")
        result = time.process_time() - cpu, time.perf_counter() - wall
        conn.close()
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_catalog_batch")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sync", type=int, default=5000)
    args = parser.parse_args(argv)
    for batch in (1000, 5000, 1000, 5000):
        cpu, wall = run(args.rows, args.sync, batch)
        print(f"{args.rows:,} rows, {batch:,} a transaction: CPU {cpu:.2f} s, wall {wall:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
