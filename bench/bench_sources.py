"""Loader benchmark: `load_file` time for typical and large articles of each format.

Run: `.venv/bin/python -m bench.bench_sources` (add `--runs N`). Writes its inputs to a
temporary folder, loads each one `runs` times and prints the median time, plus files per
second over `bench/corpus/1000` when that corpus has been generated.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.machine import describe
from reader.sources import load_file

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "said",
    "for",
    "on",
    "that",
    "is",
    "with",
    "was",
    "by",
    "as",
    "at",
    "from",
    "government",
    "minister",
    "talks",
    "summit",
    "region",
    "agreement",
    "council",
    "officials",
    "week",
    "“we",
    "will”",
    "country’s",
    "economy",
    "—",
    "markets",
    "rose",
    "percent",
    "railway",
    "water",
    "harvest",
    "bridge",
    "négociations",
    "Zürich",
    "Dr.",
    "U.S.",
    "approx.",
]
CORPUS = Path(__file__).resolve().parent / "corpus" / "1000"


def paragraphs(size: int, seed: int = 3) -> list[str]:
    """Deterministic prose of about `size` bytes, as paragraphs of 40 to 120 words."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 120))]
        text = " ".join(words).capitalize() + "."
        out.append(text)
        total += len(text.encode()) + 2
    return out


def house(size: int) -> bytes:
    body = "\n\n".join(paragraphs(size))
    return f" date 2025-07-03 BAKU, Azerbaijan, July 3. {body}\n".encode()


def titled(size: int) -> bytes:
    return ("A Titled Article\n\n" + "\n\n".join(paragraphs(size))).encode()


def markdown(size: int) -> bytes:
    rng = random.Random(5)
    parts = ["---\ntitle: A Post\ndate: 2024-06-01\ntags: [a, b]\n---\n"]
    for index, text in enumerate(paragraphs(size)):
        if index % 7 == 0:
            parts.append(f"## Section {index}")
        words = text.split()
        spot = rng.randrange(len(words))
        words[spot] = f"**{words[spot]}**"
        parts.append(("- " if index % 5 == 0 else "") + " ".join(words))
    return "\n\n".join(parts).encode()


def escaped(size: int) -> bytes:
    text = "\n\n".join(paragraphs(size)).replace(" summit ", " \x1b[1msummit\x1b[0m ")
    return ("Log\n\n" + text).encode()


def legacy(size: int) -> bytes:
    line = "Привет, как дела? Сегодня хорошая погода, и мы идём гулять в парк.\n"
    return (line * (size // len(line.encode("cp1251")))).encode("cp1251")


CASES: list[tuple[str, str, Callable[[int], bytes], int]] = [
    ("house 4 KB", "house.txt", house, 4_000),
    ("titled 1 MB", "titled.txt", titled, 1_000_000),
    ("markdown 4 KB", "post.md", markdown, 4_000),
    ("markdown 1 MB", "big.md", markdown, 1_000_000),
    ("ANSI escapes 1 MB", "log.txt", escaped, 1_000_000),
    ("cp1251 1 MB", "legacy.txt", legacy, 1_000_000),
    ("house 6 MB (truncated)", "huge.txt", house, 6_000_000),
]


def median_ms(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_file(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def corpus_rate() -> str:
    files = sorted(CORPUS.rglob("*.txt")) if CORPUS.is_dir() else []
    if not files:
        return "corpus: bench/corpus/1000 not generated (python -m bench.corpus 1000)"
    start = time.perf_counter()
    for path in files:
        load_file(path)
    elapsed = time.perf_counter() - start
    return f"corpus: {len(files)} house files in {elapsed:.2f} s, {len(files) / elapsed:,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    print(describe())
    with tempfile.TemporaryDirectory() as folder:
        for label, name, make, size in CASES:
            path = Path(folder) / name
            path.write_bytes(make(size))
            count = runs if size <= 10_000 else max(3, runs // 4)
            print(f"{label:>24}: {median_ms(path, count):8.3f} ms median of {count}")
    print(corpus_rate())


if __name__ == "__main__":
    main()
