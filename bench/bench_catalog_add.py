"""What a small addition to a big catalog costs: list orders and a folder of feed folders.

    python -m bench.bench_catalog_add [--rows 100000] [--added 500] [--runs 5] [--baseline TREE]

Builds a catalog of ROWS articles in 200 feed folders (random ids and titles, dates over a
year) with its list orders stored, copies it for each run, and times in a child process:

- `add`: one write of ADDED new rows, then the list orders stored again if the write
  dropped them (what a `feeds add` pays for the orders);
- `folder`: listing the files directly in `feeds/` (none: 200 subfolders), as the scan of
  a changed `feeds/` does.

With `--baseline TREE` (another checkout of the package, e.g. `git archive REV reader |
tar -x -C TREE`) the runs alternate between TREE and this tree; medians are printed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.trees import ROOT, run_child

FOLDERS = 200


def _row(rng: random.Random, n: int, library: str) -> tuple[object, ...]:
    day = f"2025-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
    folder = f"{library}/feeds/feed-{n % FOLDERS:03d}"
    title = f"{rng.choice(['A', 'a', 'The', 'On'])} story {rng.getrandbits(32):08x}"
    path = f"{folder}/{day}-story-{n}.md"
    return (f"{rng.getrandbits(64):016x}", path, 1600, n, "h", title, day, None, None, None)


def build(path: Path, rows: int) -> None:
    """A catalog of `rows` articles with its orders stored (this tree's code)."""
    from reader.library.catalog import Catalog

    rng = random.Random(7)
    catalog = Catalog(path)
    full = [(*_row(rng, n, "/lib"), None, "", 300, "markdown", False, False) for n in range(rows)]
    for start in range(0, rows, 5000):
        with catalog.transaction() as conn:
            Catalog.put_articles(conn, full[start : start + 5000])  # type: ignore[arg-type]
    catalog.refresh_orders()
    catalog.close()


def measure(path: Path, added: int) -> str:
    """Time the two steps on the catalog at `path` (modified); milliseconds."""
    from reader.library.catalog import Catalog

    catalog = Catalog(path)
    catalog.count()  # opened and warm, as after a scan's walk
    rng = random.Random(11)
    new = [
        (*_row(rng, 10_000_000 + n, "/lib"), None, "", 300, "markdown", False, False)
        for n in range(added)
    ]
    start = time.perf_counter()
    with catalog.transaction() as conn:
        Catalog.put_articles(conn, new)  # type: ignore[arg-type]
    if not catalog.has_orders():
        catalog.refresh_orders()
    add = time.perf_counter() - start
    start = time.perf_counter()
    listed = catalog.snapshot_in("/lib/feeds", deep=False)
    folder = time.perf_counter() - start
    catalog.close()
    assert not listed
    return f"{add * 1000:.1f} {folder * 1000:.2f}"


def _run(tree: Path, source: Path, added: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "catalog.sqlite"
        shutil.copy(source, copy)
        answer = run_child(tree, "bench.bench_catalog_add", [str(copy), "--added", str(added)])
    try:
        add, folder = answer.split()
        return float(add), float(folder)
    except ValueError:
        raise SystemExit(answer) from None  # the child's error


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_catalog_add")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--added", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(measure(args.child, args.added))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "catalog.sqlite"
        build(source, args.rows)
        trees = [("this tree", ROOT)]
        if args.baseline is not None:
            trees.insert(0, ("baseline", args.baseline.resolve()))
        times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
        for _ in range(args.runs):
            for name, tree in trees:
                times[name].append(_run(tree, source, args.added))
    print(f"{args.rows:,} articles in {FOLDERS} folders, {args.added} added:")
    for name, runs in times.items():
        add = statistics.median(run[0] for run in runs)
        folder = statistics.median(run[1] for run in runs)
        print(f"  {name:<10} add + orders {add:7.1f} ms   list feeds/ {folder:6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
