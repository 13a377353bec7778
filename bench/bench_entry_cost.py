"""CPU per feed entry of a refresh helper's work, in one process.

    python -m bench.bench_entry_cost [--feeds 30] [--runs 3] [--baseline TREE]

Refreshes FEEDS of the ingest benchmark's feeds (bench/corpus/feeds-200x500, generated once)
into a fresh reader home with `refresh_one`, parsing each file written for the spool as a
helper process does, and prints the user and system CPU per entry. Each run is a child
process of its own. With `--baseline TREE` (another checkout of the package, e.g.
`git archive REV reader | tar -x -C TREE`) the runs alternate between TREE and this tree.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from pathlib import Path

from bench.trees import ROOT, run_child


def measure(feeds: int) -> str:
    """Refresh `feeds` feeds here (READER_HOME set by the caller); CPU µs per entry."""
    from bench.bench_ingest import generate
    from reader.feeds import refresh
    from reader.feeds.registry import FeedRegistry
    from reader.web.fetch import Limits

    files = sorted(generate(200, 500).glob("*.xml"))[100 : 100 + feeds]
    registry = FeedRegistry.open()
    subs = [registry.add(str(path), path.stem)[0] for path in files]
    refresh._worker_parses = True  # as a helper does for a refresh's spool
    gc.disable()  # as a helper does: a collection after each feed
    entries = 0
    before = os.times()
    for sub in subs:
        result = refresh.refresh_one(registry, sub, Limits())
        if result.error is not None:
            raise SystemExit(f"{sub.name}: {result.error}")
        entries += result.new
        gc.collect()
    after = os.times()
    user = (after.user - before.user) / entries * 1e6
    system = (after.system - before.system) / entries * 1e6
    return f"user {user:.0f} µs, system {system:.0f} µs a entry ({entries:,} entries)"


def _run(tree: Path, feeds: int) -> str:
    with tempfile.TemporaryDirectory() as home:
        return run_child(tree, "bench.bench_entry_cost", [str(feeds)], home)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_entry_cost")
    parser.add_argument("--feeds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(measure(args.child))
        return 0
    for _ in range(args.runs):
        if args.baseline is not None:
            print(f"baseline  {_run(args.baseline.resolve(), args.feeds)}", flush=True)
        print(f"this tree {_run(ROOT, args.feeds)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
