"""`reader import` of a large Pocket CSV: time and peak memory, beside a scan of what it wrote.

Run: `python -m bench.bench_import [--rows 10000]`. Each step runs `reader` in a fresh
process in a scratch READER_HOME: the import (every row a link-only article, a tenth of them
read, a twentieth with tags); the same import again (every row a duplicate); and, as the
baseline measured in the same run, `reader list` after deleting the cache, which scans the
files the import wrote (the part of an import a plain cold scan costs anyway).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe, settle_disk


def write_csv(path: Path, rows: int) -> None:
    """A Pocket export: `title,url,time_added,cursor,tags,status`, with quoting oddities."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "url", "time_added", "cursor", "tags", "status"])
        for n in range(rows):
            title = (
                f'Article {n}, on harbours and "boats"'
                if n % 7
                else f"https://h{n % 97}.example.com/a/{n}"
            )
            tags = "harbour|long read" if n % 20 == 0 else ""
            status = "archive" if n % 10 == 0 else "unread"
            url = f"https://h{n % 97}.example.com/a/{n}?utm_source=pocket"
            writer.writerow([title, url, 1_600_000_000 + n, f"c{n}", tags, status])


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) of one `reader` process and of its largest helper."""
    script = (
        "import resource, sys\n"
        "from reader.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(f'PEAK {peak} {helper}', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {done.stderr.strip()[-500:]}")
    peak = next(line for line in done.stderr.splitlines() if line.startswith("PEAK "))
    _, own, helper = peak.split()
    return elapsed, int(own) / 1024, int(helper) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    print(describe())
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        export = Path(scratch) / "part_000000.csv"
        write_csv(export, rows)
        print(settle_disk(scratch), flush=True)
        env = {**os.environ, "READER_HOME": str(home)}
        subprocess.run([sys.executable, "-m", "compileall", "-q", "reader"], check=True)
        first = timed(["import", str(export), "--json"], env)
        again = timed(["import", str(export), "--json"], env)
        shutil.rmtree(home / "cache", ignore_errors=True)
        scan = timed(["list"], env)
    print(
        f"{rows:,} rows: import {first[0]:.2f} s, peak RSS {first[1]:.0f} MB "
        f"(its largest helper process {first[2]:.0f} MB)"
    )
    print(f"again (all duplicates): {again[0]:.2f} s, peak RSS {again[1]:.0f} MB")
    print(f"baseline, cold `reader list` of the files written: {scan[0]:.2f} s, {scan[1]:.0f} MB")
    print(
        f"ratios to the baseline: import {first[0] / scan[0]:.2f}x, again {again[0] / scan[0]:.2f}x"
    )


if __name__ == "__main__":
    main()
