"""Edits delete from old segments: the index stays whole when a newer delete file replaces
an older one, on one core as on several."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reader.models import Article
from reader.search.guard import FileGuard
from reader.search.index import SearchIndex
from reader.sources.loader import load_file

SEGMENT = "27fa637c8af547da85b7c6a10b22b3c1"


@pytest.fixture(params=["all cores", "one core"])
def cores(request: pytest.FixtureRequest) -> Iterator[str]:
    """This process on every CPU it may use, or on a single one (tantivy then picks one
    indexing thread by default)."""
    if request.param == "all cores" or not hasattr(os, "sched_setaffinity"):
        yield request.param
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        yield request.param
    finally:
        os.sched_setaffinity(0, allowed)


def article(path: Path, number: int) -> Article:
    loaded = load_file(path)
    return replace(loaded, meta=replace(loaded.meta, id=f"{number:016x}"))


def test_articles_edited_over_many_commits_all_stay_found(tmp_path: Path, cores: str) -> None:
    words = ("alpha", "bravo", "delta", "gamma")
    files = []
    for number in range(6):
        path = tmp_path / "news" / f"story{number}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f" date 2024-01-02 OSLO. Story {number}. Word alpha.\n\nMore.\n", "utf-8")
        files.append(path)
    index = SearchIndex.open(tmp_path / "index")
    try:
        index.add([article(path, n) for n, path in enumerate(files)], replace=False)
        index.commit()
        index.settle()
        for step in range(8):
            # Same-size edits, each file edited in several commits.
            edited = [step % 6, (step * 5 + 1) % 6]
            word = words[step % 4]
            for number in edited:
                path = files[number]
                path.write_text(
                    path.read_text("utf-8").split(" Word ")[0] + f" Word {word}.\n\nMore.\n",
                    "utf-8",
                )
            index.add([article(files[number], number) for number in edited])
            index.commit()
            index.settle()  # waits for the merges
            assert index.count() == 6, f"step {step}"
            found = {hit.id for hit in index.search(word, limit=10).hits}
            assert {f"{number:016x}" for number in edited} <= found
        assert not index.rebuilt
    finally:
        index.close()


def write_meta(folder: Path, opstamp: int | None) -> None:
    deletes = None if opstamp is None else {"num_deleted_docs": 1, "opstamp": opstamp}
    segment = {"segment_id": "27fa637c-8af5-47da-85b7-c6a10b22b3c1", "max_doc": 2,
               "deletes": deletes}  # fmt: skip
    (folder / "meta.json").write_text(json.dumps({"segments": [segment]}), "utf-8")


def test_a_replaced_delete_file_may_go_but_the_current_one_may_not(tmp_path: Path) -> None:
    (tmp_path / f"{SEGMENT}.idx").write_bytes(b"x" * 100)
    (tmp_path / f"{SEGMENT}.8.del").write_bytes(b"d" * 10)
    write_meta(tmp_path, 8)
    guard = FileGuard(tmp_path)
    assert guard.sound()
    # A later commit deleted from the segment again: a new delete file, the old collected.
    (tmp_path / f"{SEGMENT}.9.del").write_bytes(b"d" * 10)
    write_meta(tmp_path, 9)
    (tmp_path / f"{SEGMENT}.8.del").unlink()
    assert guard.sound()
    # The current one gone, or any other file of a live segment: not to be read again.
    (tmp_path / f"{SEGMENT}.9.del").unlink()
    assert not guard.sound()


def test_background_merges_never_look_like_damage(tmp_path: Path) -> None:
    # tantivy merges segments in its own threads after each commit: it replaces meta.json,
    # then deletes the merged segments' files, while a reader may be listing the folder.
    index = SearchIndex.open(tmp_path / "index")
    alarms: list[str] = []
    done = threading.Event()

    def check() -> None:
        guard = FileGuard(tmp_path / "index")
        while not done.is_set():
            if not guard.sound():
                alarms.append("unsound")
                guard = FileGuard(tmp_path / "index")

    checker = threading.Thread(target=check)
    checker.start()
    try:
        body = "harbour lights over the quay " * 20
        for batch in range(150):
            for number in range(20):
                fields = ("title", None, None, None, (), body)
                index.add_fields(f"{batch:08x}{number:08x}", fields, replace=False)
            index.commit()
    finally:
        done.set()
        checker.join()
        index.settle()
        index.close()
    assert alarms == []
    assert not index.rebuilt
