"""Kindle import benchmark: parse time and peak memory of a 10,000-clipping My Clippings.txt.

Run: `.venv/bin/python -m bench.bench_import_kindle [--clippings 10000] [--runs 3]`. The file
mixes English (US, old-device), German and Chinese metadata lines, notes, bookmarks and
re-highlights over 50 books. The baseline, measured in the same run, is decoding the file
and splitting it into clippings (what any reader of it must do); the parse is reported as a
ratio to it. `kindle_clippings(n)` and `measure(data)` are importable for other benches.

With `--whole`, the whole import instead: `reader import` of the file in a fresh process
and a fresh reader home (book documents written, highlights anchored in them and stored,
the index synced), then the same import again, each with its wall time and peak RSS,
beside a cold `reader list` of what the import wrote, as in bench.bench_import.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable

from bench.machine import describe
from reader.imports.formats._common import decode
from reader.imports.formats.kindle import FORMAT, SEPARATOR
from reader.imports.items import ImportedItem, ImportSource

_WORDS = (
    "the",
    "ferry",
    "left",
    "at",
    "dawn",
    "and",
    "the",
    "harbour",
    "was",
    "calm",
    "while",
    "gulls",
    "followed",
    "the",
    "wake",
    "towards",
    "an",
    "island",
    "nobody",
    "on",
    "board",
    "had",
    "seen",
    "before",
)


def _meta(kind: int, n: int, location: int) -> str:
    span = f"{location}-{location + 2}"
    if kind == 0:
        return (
            f"- Ihre Markierung bei Position {span} | Hinzugefügt am Dienstag, 24. Juni 2014 7:19"
        )
    if kind == 1:
        return f"- 您在位置 #{span}的标注 | 添加于 2013年12月27日星期五 上午1:58:30"
    if kind == 2:
        return f"- Highlight Loc. {span} | Added on Monday, 10 March 2014 14:34:24"
    return (
        f"- Your Highlight on page {n % 300} | Location {span} | "
        "Added on Sunday, February 23, 2020 2:58:27 PM"
    )


def kindle_clippings(count: int = 10_000, books: int = 50) -> bytes:
    """A clippings file of `count` entries: 80% highlights, 10% notes, 5% bookmarks, 5%
    re-highlights of the book's highlight before them; notes sit at the location of the
    book's highlight before them (50 books: that clipping is always a plain highlight)."""
    parts = []
    for n in range(count):
        book = n % books
        title = f"Book number {book} (Author {book})"
        location = 10 * (n // books) + 1
        words = f"Passage {n}: " + " ".join(
            _WORDS[(n + i) % len(_WORDS)] for i in range(12 + n % 30)
        )
        slot = n % 20 if n >= books else 4  # the first round: plain highlights
        if slot == 0:
            meta, text = f"- Your Bookmark on Location {location}", ""
        elif slot == 1:
            meta = (
                f"- Your Note on Location {location - 8} | Added on Monday, 10 March 2014 14:34:24"
            )
            text = f"note {n}"
        elif slot == 2:
            meta = f"- Your Note on Location {location - 9} | Added on Monday, 10 March 2014"
            text = f"n {n}"
        elif slot == 3 and n >= books:
            location -= 10
            # The same passage as the highlight this book had just before, marked longer.
            earlier = n - books
            meta = _meta(3, n, location)
            text = (
                f"Passage {earlier}: "
                + " ".join(_WORDS[(earlier + i) % len(_WORDS)] for i in range(12 + earlier % 30))
                + " and some more words"
            )
        else:
            meta, text = _meta(n % 4, n, location), words
        parts.append(f"{title}\n{meta}\n\n{text}\n==========\n")
    return ("\ufeff" + "".join(parts)).encode("utf-8")


def _baseline(data: bytes) -> int:
    return len(SEPARATOR.split(decode(data)))


def _parse(data: bytes) -> int:
    return sum(
        len(one.highlights) if isinstance(one, ImportedItem) else 0
        for one in FORMAT.parse(ImportSource("My Clippings.txt", data))
    )


def _timed(work: Callable[[bytes], int], data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(data: bytes, runs: int = 3) -> dict[str, float]:
    """Median parse and baseline seconds, and the parse's peak traced memory in MB."""
    tracemalloc.start()
    highlights = _parse(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "parse_s": _timed(_parse, data, runs),
        "baseline_s": _timed(_baseline, data, runs),
        "peak_mb": peak / 2**20,
        "highlights": float(highlights),
    }


def whole(data: bytes, runs: int) -> None:
    """Print the whole import's figures: `runs` fresh homes, each imported twice."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from bench.bench_import import timed

    subprocess.run([sys.executable, "-m", "compileall", "-q", "reader"], check=True)
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "My Clippings.txt"
        export.write_bytes(data)
        for run in range(runs):
            home = Path(scratch) / f"home{run}"
            env = {**os.environ, "READER_HOME": str(home)}
            first = timed(["import", str(export), "--json"], env)
            again = timed(["import", str(export), "--json"], env)
            shutil.rmtree(home / "cache", ignore_errors=True)
            scan = timed(["list"], env)
            print(
                f"import {first[0]:.2f} s ({first[1]:.0f} MB), again {again[0]:.2f} s "
                f"({again[1]:.0f} MB), cold `reader list` {scan[0]:.2f} s: "
                f"{first[0] / scan[0]:.2f}x and {again[0] / scan[0]:.2f}x"
            )


def main() -> None:
    """Print the figures for one file size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clippings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--whole", action="store_true", help="time `reader import` itself")
    args = parser.parse_args()
    data = kindle_clippings(args.clippings)
    if args.whole:
        print(describe())
        print(f"{args.clippings:,} clippings, {len(data) / 2**20:.1f} MB:")
        whole(data, args.runs)
        return
    figures = measure(data, args.runs)
    print(describe())
    print(
        f"{args.clippings:,} clippings, {len(data) / 2**20:.1f} MB: parse "
        f"{figures['parse_s'] * 1000:.0f} ms ({args.clippings / figures['parse_s']:,.0f} "
        f"clippings/s), {figures['parse_s'] / figures['baseline_s']:.1f}x the decode-and-split "
        f"baseline ({figures['baseline_s'] * 1000:.0f} ms); peak traced memory "
        f"{figures['peak_mb']:.1f} MB; {figures['highlights']:,.0f} highlights kept"
    )


if __name__ == "__main__":
    main()
