"""Folder-watch benchmark: how long setting up the library watch stalls the UI thread.

The watcher runs in a background thread, but anything it does while holding the interpreter
lock stalls the UI. A ticking thread stands in for the UI: the longest gap between its ticks
while the watch is set up is the stall a user would feel. Compared with one recursive watch of
the root (watchfiles' default), which walks every file while holding the lock.
Run: `python -m bench.bench_watch 20000 100000` (files, spread over 100 folders).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.machine import describe
from reader.watch import FolderWatcher

FOLDERS = 100
TICK = 0.002


def _tree(root: Path, files: int) -> None:
    for n in range(files):
        folder = root / f"feed-{n % FOLDERS:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{n:06d}.md").touch()


def _longest_stall(setup: Callable[[], object]) -> tuple[float, float]:
    """(seconds `setup` took, longest gap between ticks of another thread meanwhile)."""
    gaps: list[float] = []
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(TICK)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    start = time.perf_counter()
    setup()
    took = time.perf_counter() - start
    done.set()
    ticker.join()
    return took, max(gaps)


def _ours(root: Path) -> None:
    watcher = FolderWatcher([root], lambda _paths: None)
    watcher.start()
    # The watches are in place once the folder list is taken and the watcher waits.
    while not watcher.watching:
        time.sleep(0.001)
    time.sleep(0.2)
    watcher.stop()


def _recursive(root: Path) -> None:
    from watchfiles._rust_notify import RustNotify

    RustNotify([str(root)], False, False, 300, True, False).close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[20000])
    args = parser.parse_args()
    print(describe())
    import watchfiles  # noqa: F401 - imported before timing, for both sides alike

    for files in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            _tree(root, files)
            _, ours = _longest_stall(lambda root=root: _ours(root))
            took, theirs = _longest_stall(lambda root=root: _recursive(root))
            print(
                f"{files:>7} files  longest UI stall: per-folder watch {ours * 1000:6.1f} ms, "
                f"recursive watch {theirs * 1000:6.1f} ms (set up in {took:.2f} s)  "
                f"ratio {ours / theirs:.2f}x"
            )


if __name__ == "__main__":
    main()
