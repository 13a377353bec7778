"""Start-up benchmark: first paint and memory of reader against a bare Textual app.

Runs each program in a real pseudo-terminal, starts a clock before the process starts and
stops it when the expected text first appears on the screen; memory is the process's RSS at
that moment. Run: `python -m bench.bench_startup 1000 10000 100000` (the corpus is generated
on first use by bench.corpus).
"""

from __future__ import annotations

import argparse
import compileall
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import corpus
from bench.machine import describe

ROOT = Path(__file__).resolve().parent.parent
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
TIMEOUT = 120.0


@dataclass
class Paint:
    """One measured start: seconds to the first paint and RSS in MB then."""

    seconds: float
    rss_mb: float


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def first_paint(command: list[str], marker: str, env: dict[str, str]) -> Paint:
    """Start a command in a 120x35 pty; time until `marker` shows on screen."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the program
        os.environ.update(env)
        os.environ["COLUMNS"], os.environ["LINES"] = "120", "35"
        os.execvp(command[0], command)
    _set_size(fd, 35, 120)
    seen = b""
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 1 << 16)
                except OSError:
                    break
                if marker.encode() in ESCAPES.sub(b"", seen):
                    return Paint(time.perf_counter() - start, _rss_mb(pid))
        raise RuntimeError(f"{marker!r} never appeared; last output: {seen[-400:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def _set_size(fd: int, rows: int, cols: int) -> None:
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def median_paint(command: list[str], marker: str, env: dict[str, str], runs: int) -> Paint:
    """The median of several starts."""
    paints = [first_paint(command, marker, env) for _ in range(runs)]
    return Paint(
        statistics.median(p.seconds for p in paints), statistics.median(p.rss_mb for p in paints)
    )


def _reader_env(home: Path) -> dict[str, str]:
    return {"READER_HOME": str(home), "TERM": "xterm-256color"}


def _first_title(folder: Path, home: Path) -> str:
    """The title reader lists first, read through its own command line."""
    result = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--json", "-l", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, **_reader_env(home)},
        check=True,
    )
    import json

    title = json.loads(result.stdout.splitlines()[0])["title"]
    return str(title)[:20]


BARE_COMMAND = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
BARE_ENV = {"TERM": "xterm-256color"}


def paired(command: list[str], marker: str, env: dict[str, str], runs: int) -> tuple[Paint, float]:
    """Median paint of `command` and the median of its ratios to a bare app started just
    before each run, so both see the same load on a shared machine."""
    paints, ratios = [], []
    for _ in range(runs):
        bare = first_paint(BARE_COMMAND, "bare app ready", BARE_ENV)
        paint = first_paint(command, marker, env)
        paints.append(paint)
        ratios.append(paint.seconds / bare.seconds)
    median = Paint(
        statistics.median(p.seconds for p in paints), statistics.median(p.rss_mb for p in paints)
    )
    return median, statistics.median(ratios)


def bench_size(size: int, runs: int) -> None:
    """Cold and warm first paint of reader on a corpus of `size` articles."""
    folder = corpus.ensure(size)
    command = [sys.executable, "-m", "reader", str(folder)]
    with tempfile.TemporaryDirectory() as cold_home, tempfile.TemporaryDirectory() as warm_home:
        # Cold: an empty catalog each time; the header's count is the first thing shown.
        cold, cold_ratio = paired(command, "articles", _reader_env(Path(cold_home)), 1)
        marker = _first_title(folder, Path(warm_home))  # also warms the catalog
        warm, warm_ratio = paired(command, marker, _reader_env(Path(warm_home)), runs)
    print(
        f"{size:>7} articles  cold {cold.seconds:6.2f} s ({cold_ratio:4.2f}x)"
        f"  warm {warm.seconds:6.2f} s ({warm_ratio:4.2f}x)  RSS warm {warm.rss_mb:6.1f} MB"
    )


def main() -> None:
    """Measure the bare app, then reader at each size, each run paired with a bare run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    # Byte-compile first, as an installed package is: with PYTHONDONTWRITEBYTECODE set, an
    # editable checkout would otherwise compile every module of reader on every start.
    compileall.compile_dir(ROOT / "reader", quiet=1)
    bare = median_paint(BARE_COMMAND, "bare app ready", BARE_ENV, args.runs)
    print(f"bare Textual app  first paint {bare.seconds:6.2f} s  RSS {bare.rss_mb:6.1f} MB")
    for size in args.sizes:
        bench_size(size, args.runs)


if __name__ == "__main__":
    main()
