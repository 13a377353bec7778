"""The store's file storage: atomic writes under injected failures, locking and re-reads."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB

from reader.store import FileStorage, Store, StoreError, StoreLocked, StoreWriteError
from tests.conftest import PROJECT_ROOT

A, B = "0123456789abcdef", "fedcba9876543210"


def _failing_nth(real: Callable[..., Any], n: int) -> Callable[..., Any]:
    calls = {"count": 0}

    def fake(*args: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n:
            raise OSError(errno.EIO, "injected failure")
        return real(*args)

    return fake


def _short_write_then_full_disk(real: Callable[..., Any]) -> Callable[..., Any]:
    calls = {"count": 0}

    def fake(fd: int, data: Any) -> int:
        calls["count"] += 1
        if calls["count"] == 1:
            return int(real(fd, bytes(data[: len(data) // 2])))
        raise OSError(errno.ENOSPC, "no space left on device")

    return fake


FAILURES = {
    "write": lambda: ("write", _short_write_then_full_disk(os.write)),
    "fsync-file": lambda: ("fsync", _failing_nth(os.fsync, 1)),
    "replace": lambda: ("replace", _failing_nth(os.replace, 1)),
    "fsync-dir": lambda: ("fsync", _failing_nth(os.fsync, 2)),
}


@pytest.mark.parametrize("step", list(FAILURES))
def test_a_failed_write_leaves_the_old_or_the_new_file_and_no_temp(
    step: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a store with one bookmark
    path = tmp_path / "store.json"
    store = Store.open(path)
    store.add_bookmark(A, "/a", "A")
    old = path.read_bytes()
    # WHEN the OS fails at one step of the next write
    name, fake = FAILURES[step]()
    with monkeypatch.context() as patch:
        patch.setattr(os, name, fake)
        with pytest.raises(StoreWriteError):
            store.add_bookmark(B, "/b", "B")
    # THEN the file is exactly the old state, or (failure after the rename) the new one
    with Store.open(path) as reopened:
        ids = reopened.bookmarked_ids()
    assert ids == ({A, B} if step == "fsync-dir" else {A})
    if step != "fsync-dir":
        assert path.read_bytes() == old
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    # AND the store object goes on working from what is on disk
    assert store.bookmarked_ids() == ids
    store.add_bookmark(B, "/b", "B")
    assert store.bookmarked_ids() == {A, B}


def test_a_failed_transaction_leaves_memory_and_disk_as_they_were(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.json")
    store.add_bookmark(A, "/a", "A")
    with pytest.raises(StoreError, match="not a reader export"):
        store.import_all({"format": "something else"})
    assert store.bookmarked_ids() == {A}


def test_writing_outside_a_transaction_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with Store.open(path) as store:
        store.add_bookmark(A, "/a", "A")
    before = path.read_bytes()
    db = TinyDB(path, storage=FileStorage)
    with pytest.raises(StoreError, match="outside a transaction"):
        db.table("bookmarks").insert({"article_id": B})
    assert path.read_bytes() == before
    assert [doc["article_id"] for doc in db.table("bookmarks").all()] == [A]


def test_two_stores_on_one_file_never_lose_each_others_writes(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "store.json")
    second = Store.open(tmp_path / "store.json")
    for n in range(5):
        first.add_bookmark(f"{n:016x}", "/f", "F")
        second.add_bookmark(f"{n + 100:016x}", "/s", "S")
        second.set_note(f"{n:016x}", "/f", "F", f"note {n}")
    assert first.bookmarked_ids() == second.bookmarked_ids()
    assert len(first.bookmarked_ids()) == 10 and len(first.notes()) == 5


def test_reads_reuse_the_file_until_another_store_changes_it(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "store.json")
    first.add_bookmark(A, "/a", "A")
    storage = first._storage
    assert isinstance(storage, FileStorage)
    first.bookmarks()
    generation = storage.generation
    first.bookmarks()
    first.is_bookmarked(A)
    assert storage.generation == generation  # unchanged file: not re-read
    Store.open(tmp_path / "store.json").add_bookmark(B, "/b", "B")
    assert first.is_bookmarked(B)
    assert storage.generation == generation + 1


def test_the_tables_read_at_open_serve_until_the_file_changes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store.json") as store:
        store.add_bookmark(A, "/a", "A")
    storage = FileStorage(tmp_path / "store.json")
    generation = storage.generation
    assert not storage.changed()  # what was read and checked at open is the file itself
    with storage.transaction():
        assert A in str(storage.read()["bookmarks"])
    assert storage.generation == generation  # the first transaction did not read it again
    Store.open(tmp_path / "store.json").add_bookmark(B, "/b", "B")
    assert storage.changed()
    with storage.fresh():
        assert B in str(storage.read()["bookmarks"])


def test_a_lock_held_too_long_raises_store_locked_naming_the_pid(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.json", lock_timeout=0.2)
    store.add_bookmark(A, "/a", "A")
    code = (
        "import sys, time; from pathlib import Path; from reader.store.lock import FileLock; "
        "FileLock(Path(sys.argv[1])).acquire(); print('held', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "store.json.lock")],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n"
        with pytest.raises(StoreLocked) as raised:
            store.add_bookmark(B, "/b", "B")
        assert str(raised.value) == (
            f"the store is locked by another reader process (pid {child.pid})"
        )
        assert store.bookmarked_ids() == {A}  # reads still work
        with pytest.raises(StoreLocked):
            Store.open(tmp_path / "store.json", lock_timeout=0.2)
    finally:
        child.kill()
        child.wait()
    store.add_bookmark(B, "/b", "B")  # the dead holder's lock is gone with it
    assert store.bookmarked_ids() == {A, B}
