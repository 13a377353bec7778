"""`reader search` on the command line, end to end, against a baseline tree in the same run.

    python -m bench.bench_cli_search LIBRARY [--home DIR] [--baseline TREE] [--runs N]

LIBRARY is a folder of articles (for instance a corpus from bench.corpus); DIR is the
READER_HOME the runs share (its catalog and index are built by a first untimed run, so a
100k library takes a few minutes once). TREE is another checkout of the package, such as
`git archive REV reader | tar -x -C TREE`: its runs alternate with this tree's, so load from
other jobs falls on both alike. Each run is a fresh `python -m reader search WORD -l LIBRARY`;
its wall time and CPU time (user + system, of the process) are reported as medians, with
the ratio of this tree to the baseline.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.machine import describe

ROOT = Path(__file__).resolve().parent.parent


def _run(tree: Path, library: Path, home: Path, word: str) -> tuple[float, float]:
    """One search as a user runs it: wall seconds and CPU seconds of the process."""
    env = {**os.environ, "READER_HOME": str(home), "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reader", "search", word, "-l", str(library)],
        env=env,
        cwd=home,  # not a tree: the package comes from PYTHONPATH alone
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"search failed in {tree}: {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _line(name: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"{name:>9}: wall median {statistics.median(walls):.3f} s "
        f"({min(walls):.3f} to {max(walls):.3f}), CPU median {statistics.median(cpus):.3f} s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_cli_search")
    parser.add_argument("library", type=Path)
    parser.add_argument("--home", type=Path, default=Path("/tmp/bench-cli-search-home"))
    parser.add_argument("--baseline", type=Path, help="another checkout of the package")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--word", default="government")
    args = parser.parse_args(argv)
    args.home.mkdir(parents=True, exist_ok=True)
    trees = [("this", ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
    for _, tree in trees:  # as an installed package is
        compileall.compile_dir(tree / "reader", quiet=1)
    print(describe())
    print(f"load average {os.getloadavg()[0]:.1f}; warming up (builds the catalog and index)")
    for _, tree in trees:
        _run(tree, args.library, args.home, args.word)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
    for _ in range(args.runs):
        for name, tree in trees:
            runs[name].append(_run(tree, args.library, args.home, args.word))
    print(f"{args.runs} runs each, alternating; load average {os.getloadavg()[0]:.1f} at the end")
    for name, _ in trees:
        print(_line(name, runs[name]))
    if args.baseline:
        ratios = [a[0] / b[0] for a, b in zip(runs["this"], runs["baseline"], strict=True)]
        cpu = [a[1] / b[1] for a, b in zip(runs["this"], runs["baseline"], strict=True)]
        print(
            f"ratio this/baseline, median of pairs: wall {statistics.median(ratios):.2f}x, "
            f"CPU {statistics.median(cpu):.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
