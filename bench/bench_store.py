"""Store benchmark: write and read latency of reader's store against stock TinyDB (JSONStorage).

Both stores hold the same records (bookmarks, notes, highlights, reading states) in real
files in a temp folder; each write is a bookmark toggle or a note edit, each read a
bookmark or note look-up. Run: `python -m bench.bench_store 1000 10000`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB

from bench.machine import describe
from reader.store import Store
from reader.store.records import new_uuid, now

ROUNDS = 200


def _article(n: int) -> tuple[str, str, str]:
    return f"{n:016x}", f"/home/reader/news/2024/{n:06d}-an-article.txt", f"Article number {n}"


def _records(count: int) -> dict[str, list[dict[str, Any]]]:
    """`count` records: half bookmarks, the rest split among notes, highlights, reading."""
    tables: dict[str, list[dict[str, Any]]] = {"bookmarks": [], "notes": [], "highlights": []}
    tables["reading"] = []
    for n in range(count):
        article_id, path, title = _article(n)
        base = {"uuid": new_uuid(), "article_id": article_id, "path": path, "title": title}
        kind = ("bookmarks", "bookmarks", "notes", "highlights", "reading")[n % 5]
        extra: dict[str, Any] = {
            "bookmarks": {"tags": ["news"], "created": now()},
            "notes": {"text": "A short note. " * 8, "created": now(), "updated": now()},
            "highlights": {
                "quote": "quoted words " * 4,
                "prefix": "p" * 32,
                "suffix": "s" * 32,
                "block": 3,
                "note": None,
                "created": now(),
            },
            "reading": {
                "read": True,
                "position": {"block": 4, "fingerprint": "The opening"},
                "last_opened": now(),
            },
        }[kind]
        tables[kind].append({**base, **extra})
    return tables


def _time(action: Callable[[int], object]) -> list[float]:
    times = []
    for n in range(ROUNDS):
        start = time.perf_counter()
        action(n)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _ours(
    folder: Path, data: dict[str, list[dict[str, Any]]], count: int
) -> dict[str, list[float]]:
    store = Store.open(folder / "store.json")
    store.import_all({"format": "reader-store", "schema_version": 1, **data})
    pick = random.Random(1)
    out = {
        "write: bookmark toggle": _time(lambda n: store.toggle_bookmark(*_article(count + n % 7))),
        "write: note edit": _time(
            lambda n: store.set_note(*_article(2 + 5 * pick.randrange(count // 5)), f"note {n}")
        ),
        "read: is_bookmarked": _time(
            lambda n: store.is_bookmarked(_article(pick.randrange(count))[0])
        ),
        "read: note_for": _time(lambda n: store.note_for(_article(pick.randrange(count))[0])),
    }
    store.close()
    return out


def _stock(
    folder: Path, data: dict[str, list[dict[str, Any]]], count: int
) -> dict[str, list[float]]:
    db = TinyDB(folder / "stock.json")
    for name, docs in data.items():
        db.table(name).insert_multiple(docs)
    bookmarks, notes, doc = db.table("bookmarks"), db.table("notes"), Query()
    pick = random.Random(1)

    def toggle(n: int) -> None:
        article_id, path, title = _article(count + n % 7)
        if not bookmarks.remove(doc.article_id == article_id):
            bookmarks.insert(
                {
                    "uuid": new_uuid(),
                    "article_id": article_id,
                    "path": path,
                    "title": title,
                    "tags": [],
                    "created": now(),
                }
            )

    def edit(n: int) -> None:
        article_id = _article(2 + 5 * pick.randrange(count // 5))[0]
        notes.update({"text": f"note {n}", "updated": now()}, doc.article_id == article_id)

    out = {
        "write: bookmark toggle": _time(toggle),
        "write: note edit": _time(edit),
        "read: is_bookmarked": _time(
            lambda n: bookmarks.contains(doc.article_id == _article(pick.randrange(count))[0])
        ),
        "read: note_for": _time(
            lambda n: notes.get(doc.article_id == _article(pick.randrange(count))[0])
        ),
    }
    db.close()
    return out


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1]


def run(count: int) -> None:
    """Measure both stores at `count` records and print one line per operation."""
    data = _records(count)
    with tempfile.TemporaryDirectory() as temp:
        ours = _ours(Path(temp), data, count)
        stock = _stock(Path(temp), data, count)
    print(f"\n{count:,} records ({ROUNDS} operations each; ms)")
    print(f"{'operation':<24}{'reader med':>11}{'p95':>8}{'stock med':>11}{'p95':>8}{'ratio':>8}")
    for name, times in ours.items():
        mine, theirs = statistics.median(times), statistics.median(stock[name])
        print(
            f"{name:<24}{mine:>11.2f}{_p95(times):>8.2f}{theirs:>11.2f}"
            f"{_p95(stock[name]):>8.2f}{mine / theirs:>7.2f}x"
        )


def main() -> None:
    """Parse record counts and run the benchmark for each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    args = parser.parse_args()
    print(describe())
    print("load average before the run: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    for count in args.counts:
        run(count)


if __name__ == "__main__":
    main()
