"""Sync benchmark: 10,000 changes exported by one machine and merged by another.

    python -m bench.bench_store_sync [10000 ...]

Machine A's store gets N records (bookmarks, notes, highlights, reading states, as in
bench.bench_store); then, timed: A's sync (finds the N changes, appends them to its log,
merges), B's first sync (reads A's log, writes N records into its store), an edit of all N
records on A with both syncs again, a sync with nothing to do, and one of a single new
change (as the app makes after a write). The baseline, measured in
the same run, is `Store.import_all` of the same N records into an empty store: the
existing whole-file merge of a `reader export`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_store import _records
from bench.machine import describe
from reader.store import Store
from reader.store.storage import FileStorage
from reader.sync import sync


def _timed(action: Callable[[], object]) -> tuple[tuple[float, float], object]:
    """(wall seconds, CPU seconds of this process) and the action's result."""
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - start, time.process_time() - cpu), result


def _edit_all(path: Path) -> None:
    """Change every record of the store, in one transaction (N changes for the next sync)."""
    storage = FileStorage(path)
    with storage.transaction():
        tables = dict(storage.read())
        for name in ("bookmarks", "notes", "highlights", "reading"):
            tables[name] = {
                doc_id: {**doc, "title": doc["title"] + " (edited)"}
                for doc_id, doc in tables[name].items()
            }
        storage.write(tables)
    storage.close()


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        folder, a, b, base = root / "shared", root / "a", root / "b", root / "base"
        folder.mkdir()
        records = _records(count)
        export = {"format": "reader-store", "schema_version": 2, **records}
        for data in (a, base):
            data.mkdir()
        with Store.open(base / "store.json") as store:
            baseline, _ = _timed(lambda: store.import_all(export))
        with Store.open(a / "store.json") as store:
            store.import_all(export)
        timings = {}
        timings["A exports N new records"], sent = _timed(lambda: sync(folder, data=a))
        timings["B merges them (first sync)"], got = _timed(lambda: sync(folder, data=b))
        _edit_all(a / "store.json")
        timings["A exports N edits"], _ = _timed(lambda: sync(folder, data=a))
        timings["B merges the N edits"], _ = _timed(lambda: sync(folder, data=b))
        timings["sync with nothing to do"], _ = _timed(lambda: sync(folder, data=b))
        with Store.open(b / "store.json") as store:
            store.add_bookmark("one-more", "/one/more.txt", "One more")
        timings["B sends 1 new change"], one = _timed(lambda: sync(folder, data=b))
        assert getattr(one, "sent", 0) == 1
        log = max(folder.glob("machines/*/changes.log"), key=lambda path: path.stat().st_size)
        print(f"{count:,} records; A's log {log.stat().st_size / 2**20:.1f} MB")
        assert getattr(sent, "sent", 0) == count and getattr(got, "changed", 0) == count
        print(
            f"  baseline Store.import_all of the same records: {baseline[0]:.3f} s"
            f" (CPU {baseline[1]:.3f} s)"
        )
        for label, (wall, cpu) in timings.items():
            print(
                f"  {label}: {wall:.3f} s, CPU {cpu:.3f} s"
                f" ({cpu / baseline[1]:.2f}x the baseline's CPU)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    args = parser.parse_args()
    print(describe())
    for count in args.sizes:
        run(count)


if __name__ == "__main__":
    main()
