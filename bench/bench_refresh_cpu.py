"""CPU of a whole `reader feeds refresh` of some of the ingest benchmark's feeds.

    python -m bench.bench_refresh_cpu [--feeds 40] [--runs 4] [--baseline TREE]

Subscribes a fresh reader home to the first FEEDS of bench/corpus/feeds-200x500 (generated
once by bench_ingest) and times one cold refresh: wall, user and system CPU of the whole
process tree. With `--baseline TREE` (another checkout of the package, e.g.
`git archive REV reader | tar -x -C TREE`) the runs alternate between TREE and this tree,
and the means of each are printed. Homes are kept until the end: deleting 20,000 files
between runs makes the next run's file creation dearer on some disks.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBE = (
    "import sys\n"
    "from reader.feeds.registry import FeedRegistry\n"
    "with FeedRegistry.open() as r:\n"
    "    r.add_many((p, '', ()) for p in sys.argv[1:])\n"
)


def run_once(tree: Path, feeds: list[Path], scratch: Path) -> tuple[float, float, float]:
    """Wall, user and system seconds of one refresh by the package in `tree`."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
    env = {**os.environ, "READER_HOME": str(home), "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-c", SUBSCRIBE, *map(str, feeds)], env=env, check=True)
    os.sync()
    time.sleep(3)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-m", "reader", "feeds", "refresh"]
    subprocess.run(command, env=env, cwd=tree, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_refresh_cpu")
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args(argv)
    from bench.bench_ingest import generate

    feeds = sorted(generate(200, 500).glob("*.xml"))[: args.feeds]
    trees = [("baseline", args.baseline.resolve())] if args.baseline else []
    trees.append(("this tree", ROOT))
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in trees}
    scratch = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    try:
        for _ in range(args.runs):
            for name, tree in trees:
                wall, user, system = run_once(tree, feeds, scratch)
                times[name].append((wall, user, system))
                print(f"{name:<9} wall {wall:5.2f} s  user {user:5.2f} s  system {system:5.2f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for name, runs in times.items():
        wall, user, system = (sum(run[i] for run in runs) / len(runs) for i in range(3))
        print(f"{name:<9} mean: wall {wall:5.2f} s  user {user:5.2f} s  system {system:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
