"""A sync with nothing to do is skipped, and every kind of change still ends the skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.feeds.registry import FeedRegistry
from reader.sync import SyncError, sync
from reader.sync.engine import MACHINES
from reader.sync.journal import encode
from tests.unit.sync_homes import shared_view, store_at


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def _homes(tmp_path: Path, count: int) -> list[Path]:
    return [tmp_path / f"home{n}" / "data" for n in range(count)]


def _rounds(folder: Path, datas: list[Path], rounds: int = 2) -> None:
    for _ in range(rounds):
        for data in datas:
            sync(folder, data=data)


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns


def _bookmarked(data: Path) -> set[str]:
    with store_at(data) as store:
        return {m.article_id for m in store.bookmarks()}


def test_a_sync_with_nothing_to_do_rewrites_nothing(tmp_path: Path, folder: Path) -> None:
    a, b = _homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    watched = [b / "sync" / "state.json", b / "store.json", *folder.glob("*/*/changes.log")]
    before = [_identity(path) for path in watched]
    report = sync(folder, data=b)
    assert (report.sent, report.changed, report.machines, report.skipped) == (0, 0, 1, 0)
    assert [_identity(path) for path in watched] == before


def test_local_writes_after_a_quiet_sync_are_sent(tmp_path: Path, folder: Path) -> None:
    a, b = _homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    with store_at(b) as store:
        store.add_bookmark("art2", "/y", "Two")
    with FeedRegistry.open(b / "feeds.json") as feeds:
        feeds.add("https://example.org/feed.xml", "Example")
    assert sync(folder, data=b).sent == 2
    _rounds(folder, [a, b])
    assert _bookmarked(a) == {"art1", "art2"}
    with FeedRegistry.open(a / "feeds.json") as feeds:
        assert [sub.url for sub in feeds.all()] == ["https://example.org/feed.xml"]
    assert shared_view(a) == shared_view(b)


def test_other_machines_logs_growing_or_arriving_are_merged(tmp_path: Path, folder: Path) -> None:
    a, b, c = _homes(tmp_path, 3)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    with store_at(a) as store:
        store.add_bookmark("art2", "/x", "Two")
    sync(folder, data=a)
    assert sync(folder, data=b).changed == 1
    with store_at(c) as store:
        store.add_bookmark("art3", "/x", "Three")
    sync(folder, data=c)  # a machine b has never seen
    report = sync(folder, data=b)
    assert (report.changed, report.machines) == (1, 2)
    assert _bookmarked(b) == {"art1", "art2", "art3"}


def test_a_half_copied_line_is_read_once_it_is_whole(tmp_path: Path, folder: Path) -> None:
    a, b = _homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    [log] = (folder / MACHINES).glob("*/changes.log")
    line = encode(
        {
            "s": "store",
            "t": "bookmarks",
            "k": "art9",
            "c": 1,
            "f": {"article_id": "art9", "path": "/z", "title": "Nine", "uuid": "u9"},
            "h": [2**40, 0, log.parent.name],
        }
    )
    with open(log, "ab") as handle:
        handle.write(line[:20])  # the sync tool has copied only part of the line
    assert sync(folder, data=b).skipped == 1
    assert sync(folder, data=b).skipped == 1  # still torn: read again, not skipped silently
    with open(log, "ab") as handle:
        handle.write(line[20:])
    sync(folder, data=b)
    assert "art9" in _bookmarked(b)


def test_a_lost_or_replaced_state_file_makes_a_full_sync(tmp_path: Path, folder: Path) -> None:
    a, b = _homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    state = b / "sync" / "state.json"
    state.unlink()
    sync(folder, data=b)
    assert state.exists()  # rebuilt by a full sync, not skipped
    state.write_text("{damaged")
    with store_at(b) as store:
        store.add_bookmark("art2", "/y", "Two")
    _rounds(folder, [b, a])
    assert _bookmarked(a) == _bookmarked(b) == {"art1", "art2"}


def test_a_folder_that_cannot_be_written_still_says_so(tmp_path: Path, folder: Path) -> None:
    (a,) = _homes(tmp_path, 1)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    sync(folder, data=a)
    [info] = (folder / MACHINES).glob("*/machine.json")
    info.unlink()
    info.mkdir()  # as root can write anywhere: a folder where the file should be
    (info / "x").write_text("")
    with pytest.raises(SyncError, match="cannot write to the sync folder"):
        sync(folder, data=a)


def test_local_and_remote_changes_in_one_sync_both_count(tmp_path: Path, folder: Path) -> None:
    """The store unchanged since the last sync skips the diff; a write since never does."""
    a, b = _homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    _rounds(folder, [a, b])
    for round_ in range(3):
        with store_at(a) as store:
            store.add_bookmark(f"a{round_}", "/x", "From A")
        sync(folder, data=a)
        if round_ != 1:  # one round with only remote changes for b
            with store_at(b) as store:
                store.add_bookmark(f"b{round_}", "/y", "From B")
        sync(folder, data=b)
    _rounds(folder, [a, b])
    assert _bookmarked(a) == _bookmarked(b) == {"art1", "a0", "a1", "a2", "b0", "b2"}
    assert shared_view(a) == shared_view(b)
