"""Sync through a shared folder between homes in one process: what merges, and how."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.feeds.registry import FeedRegistry
from reader.store import Position
from reader.store.fileio import decode
from reader.store.lock import FileLock
from reader.sync import SyncError, sync, sync_status
from reader.sync.engine import MACHINES
from reader.sync.journal import encode
from tests.unit.sync_homes import shared_view, store_at


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


def homes(tmp_path: Path, count: int) -> list[Path]:
    return [tmp_path / f"home{n}" / "data" for n in range(count)]


def sync_all(folder: Path, datas: list[Path], rounds: int = 2) -> None:
    for _ in range(rounds):
        for data in datas:
            sync(folder, data=data)


def test_two_homes_exchange_every_kind_of_record(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/home/a/news/one.txt", "One", ["politics"])
        store.set_note("art1", "/home/a/news/one.txt", "One", "A's note")
        store.add_highlight("art1", "/home/a/news/one.txt", "One", "a quote", block=2)
        store.mark_opened("art1", "/home/a/news/one.txt", "One", Position(3, "Third"))
        store.save_search("peace", '"peace talks"')
    sync_all(folder, [a, b])
    with store_at(b) as store:
        assert [m.tags for m in store.bookmarks()] == [("politics",)]
        assert store.note_for("art1") is not None
        assert [h.quote for h in store.highlights()] == ["a quote"]
        state = store.reading_state_for("art1")
        assert state is not None and state.position == Position(3, "Third")
        assert [s.query for s in store.saved_searches()] == ['"peace talks"']
    assert shared_view(a) == shared_view(b)


def test_each_machine_writes_only_its_own_files(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/a", "One")
    sync(folder, data=a)
    before = {p: p.stat().st_mtime_ns for p in (folder / MACHINES).rglob("*")}
    with store_at(b) as store:
        store.add_bookmark("art2", "/b", "Two")
    sync(folder, data=b)
    mine = {p for p in before if p.is_file()}
    assert all(before[p] == p.stat().st_mtime_ns for p in mine)
    assert len(list((folder / MACHINES).iterdir())) == 2


def test_a_removal_reaches_the_other_machine(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/a", "One", ["x"])
        highlight = store.add_highlight("art1", "/a", "One", "quote")
    sync_all(folder, [a, b])
    with store_at(a) as store:
        store.remove_bookmark("art1")
        store.remove_highlight(highlight.uuid)
    sync_all(folder, [a, b])
    with store_at(b) as store:
        assert store.bookmarks() == [] and store.highlights() == []


def test_concurrent_notes_keep_both_texts(tmp_path: Path, folder: Path) -> None:
    a, b, c = homes(tmp_path, 3)
    for data, text in ((a, "written on A"), (b, "written on B"), (c, "written on C")):
        with store_at(data) as store:
            store.set_note("art1", "/x", "One", text)
    sync_all(folder, [a, b, c])
    for data in (a, b, c):
        with store_at(data) as store:
            note = store.note_for("art1")
            assert note is not None
            assert all(f"written on {m}" in note.text for m in "ABC")
    assert shared_view(a) == shared_view(b) == shared_view(c)
    # An edit made after seeing the joined note replaces it everywhere.
    with store_at(b) as store:
        store.set_note("art1", "/x", "One", "one text now")
    sync_all(folder, [a, b, c])
    with store_at(c) as store:
        note = store.note_for("art1")
        assert note is not None and note.text == "one text now"


def test_a_note_edited_while_removed_elsewhere_is_kept(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.set_note("art1", "/x", "One", "first")
    sync_all(folder, [a, b])
    with store_at(a) as store:
        store.delete_note("art1")
    with store_at(b) as store:
        store.set_note("art1", "/x", "One", "first, and more")
    sync_all(folder, [a, b])
    for data in (a, b):
        with store_at(data) as store:
            note = store.note_for("art1")
            assert note is not None and note.text == "first, and more"


def test_tags_merge_as_sets_with_removals(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One", ["keep", "drop"])
    sync_all(folder, [a, b])
    with store_at(a) as store:
        store.remove_bookmark_tags("art1", ["drop"])
        store.add_bookmark_tags("art1", "/x", "One", ["from-a"])
    with store_at(b) as store:
        store.add_bookmark_tags("art1", "/y", "One", ["from-b"])
    sync_all(folder, [a, b])
    for data in (a, b):
        with store_at(data) as store:
            found = store.bookmark_for("art1")
            assert found is not None and set(found.tags) == {"keep", "from-a", "from-b"}


def test_two_machines_bookmarking_one_article_make_one_bookmark(
    tmp_path: Path, folder: Path
) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/a/one.txt", "One", ["a"])
    with store_at(b) as store:
        store.add_bookmark("art1", "/srv/papers/one.txt", "One", ["b"])
    sync_all(folder, [a, b])
    with store_at(b) as store:
        [bookmark] = store.bookmarks()
        assert set(bookmark.tags) == {"a", "b"}
        assert bookmark.path == "/srv/papers/one.txt"  # each machine keeps its own path
    assert shared_view(a) == shared_view(b)


def test_reading_position_latest_wins_and_clock_skew_loses_nothing(
    tmp_path: Path, folder: Path
) -> None:
    """A's clock runs a day fast; B edits after seeing A's change and must still win."""
    a, b = homes(tmp_path, 2)
    day = 24 * 3600 * 1000
    real = 1_800_000_000_000
    with store_at(a) as store:
        store.mark_opened("art1", "/x", "One", Position(10, "ten"))
    sync(folder, data=a, wall=lambda: real + day)
    sync(folder, data=b, wall=lambda: real)
    with store_at(b) as store:
        store.mark_opened("art1", "/x", "One", Position(20, "twenty"))
        store.add_bookmark("art1", "/x", "One", ["late"])
    sync(folder, data=b, wall=lambda: real + 1000)
    sync(folder, data=a, wall=lambda: real + day + 2000)
    for data in (a, b):
        with store_at(data) as store:
            state = store.reading_state_for("art1")
            assert state is not None and state.position == Position(20, "twenty")


def test_annotations_of_an_article_not_here_wait_for_it(tmp_path: Path, folder: Path) -> None:
    """The store keeps records by article id, with or without the file on this machine."""
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_highlight("only-on-a", "/a/x.md", "X", "quote")
        store.set_note("only-on-a", "/a/x.md", "X", "note")
    sync_all(folder, [a, b])
    with store_at(b) as store:
        assert [h.article_id for h in store.highlights()] == ["only-on-a"]
        # A scan on B that does not find the article changes nothing to them.
        store.relink_many([])
    sync_all(folder, [a, b])
    with store_at(b) as store:
        assert store.note_for("only-on-a") is not None


def test_feed_subscriptions_sync_without_fetch_state(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with FeedRegistry.open(a / "feeds.json") as feeds:
        feeds.add("https://example.org/feed.xml", "Example", tags=["news"])
        feeds.update("example", etag='"abc"', last_error="timed out")
    sync_all(folder, [a, b])
    with FeedRegistry.open(b / "feeds.json") as feeds:
        [sub] = feeds.all()
        assert (sub.url, sub.tags, sub.etag, sub.last_error) == (
            "https://example.org/feed.xml",
            ("news",),
            None,
            None,
        )
        feeds.remove("example")
    sync_all(folder, [a, b])
    with FeedRegistry.open(a / "feeds.json") as feeds:
        assert feeds.all() == []


def test_tables_added_later_sync_too(tmp_path: Path, folder: Path) -> None:
    """A table another version adds (say, review state) syncs by its records' UUIDs."""
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    path = a / "store.json"
    tables = decode(path.read_bytes())
    tables["review"] = {"1": {"uuid": "r1", "highlight": "h1", "due": "2026-12-04"}}
    path.write_text(json.dumps(tables))
    sync_all(folder, [a, b])
    assert json.loads(json.dumps(decode((b / "store.json").read_bytes())["review"])) == {
        "1": {"uuid": "r1", "highlight": "h1", "due": "2026-12-04"}
    }


def test_a_lost_state_file_is_rebuilt_and_loses_nothing(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    sync_all(folder, [a, b])
    (a / "sync" / "state.json").write_text("{damaged")
    with store_at(a) as store:
        store.add_bookmark("art2", "/x", "Two")
    sync_all(folder, [a, b])
    with store_at(b) as store:
        assert {m.article_id for m in store.bookmarks()} == {"art1", "art2"}


def test_the_owner_compacts_its_log_and_still_converges(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    for round_ in range(60):
        with store_at(a) as store:
            store.mark_opened("art1", "/x", "One", Position(round_, ""))
            store.set_note("art1", "/x", "One", f"version {round_}")
        sync(folder, data=a)
    [log] = (folder / MACHINES).glob("*/changes.log")
    assert len(log.read_bytes().splitlines()) < 60
    sync_all(folder, [b, a])
    with store_at(b) as store:
        note = store.note_for("art1")
        assert note is not None and note.text == "version 59"
    assert shared_view(a) == shared_view(b)


def test_a_missing_folder_says_so_and_keeps_local_data(tmp_path: Path) -> None:
    (a,) = homes(tmp_path, 1)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    with pytest.raises(SyncError, match="does not exist"):
        sync(tmp_path / "nowhere", data=a)
    with store_at(a) as store:
        assert len(store.bookmarks()) == 1


def test_an_unwritable_folder_says_so_and_keeps_local_data(tmp_path: Path, folder: Path) -> None:
    (a,) = homes(tmp_path, 1)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    (folder / MACHINES).write_text("a file where the machines' folder should be")
    with pytest.raises(SyncError, match="cannot write to the sync folder"):
        sync(folder, data=a)
    (folder / MACHINES).unlink()
    sync(folder, data=a)
    status = sync_status(folder, data=a)
    assert status.pending == 0 and [m.entries for m in status.machines] == [1]


def test_status_counts_pending_changes_and_machines(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    sync(folder, data=a)
    with store_at(b) as store:
        store.add_bookmark("art1", "/x", "One")
        store.set_note("art1", "/x", "One", "n")
    early = sync_status(folder, data=b)
    assert early.pending == 2
    assert [m.waiting for m in early.machines if m.id != early.machine] == [False]  # empty log
    sync(folder, data=b)
    status = sync_status(folder, data=a)
    assert status.pending == 0
    other = next(m for m in status.machines if m.id != status.machine)
    assert other.entries == 2 and other.waiting and other.synced


def test_a_second_sync_of_one_machine_waits_then_says_so(tmp_path: Path, folder: Path) -> None:
    (a,) = homes(tmp_path, 1)
    sync(folder, data=a)
    with FileLock(a / "sync" / "sync.lock"), pytest.raises(SyncError, match="another sync"):
        sync(folder, data=a, lock_timeout=0.1)


def test_a_line_torn_by_a_crash_is_ended_before_new_lines(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    sync(folder, data=a)
    [log_folder] = (folder / MACHINES).iterdir()
    with open(log_folder / "changes.log", "ab") as log:
        log.write(b'0badc0de {"s":"store","t":"bookm')  # killed in the middle of a line
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    assert sync(folder, data=a).sent == 1
    sync(folder, data=b)
    with store_at(b) as store:
        assert store.is_bookmarked("art1")


def test_hand_made_or_damaged_log_lines_never_reach_the_store(tmp_path: Path, folder: Path) -> None:
    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/x", "One")
    sync_all(folder, [a, b])
    stranger = folder / MACHINES / "0123456789ab"
    stranger.mkdir()
    lines = [
        encode(
            {
                "s": "store",
                "t": "bookmarks",
                "k": "x",
                "h": [1, 0, "s"],
                "c": 1,
                "f": {"article_id": "not-x"},
            }
        ),
        encode(
            {
                "s": "store",
                "t": "notes",
                "k": "y",
                "h": [1, 1, "s"],
                "c": 1,
                "f": {"article_id": "y", "title": {"deep": [1] * 3}},
                "x": 7,
            }
        ),
        encode(
            {
                "s": "store",
                "t": "meta",
                "k": "1",
                "h": [1, 2, "s"],
                "c": 1,
                "f": {"schema_version": 99},
            }
        ),
        b"00000000 {not json}\n",
        b"\xff\xfe garbage\n",
    ]
    (stranger / "changes.log").write_bytes(b"".join(lines))
    report = sync(folder, data=b)
    assert report.skipped == 4
    with store_at(b) as store:
        assert [m.article_id for m in store.bookmarks()] == ["art1"]
        assert store.notes() == []
    assert decode((b / "store.json").read_bytes())["meta"]["1"]["schema_version"] == 2


def test_a_data_dir_copied_to_another_machine_gets_its_own_log(
    tmp_path: Path, folder: Path
) -> None:
    import shutil

    a, b = homes(tmp_path, 2)
    with store_at(a) as store:
        store.add_bookmark("art1", "/a", "One")
    sync(folder, data=a)
    shutil.copytree(a, b)  # moving to a new machine by copying the data dir
    with store_at(b) as store:
        store.add_bookmark("art2", "/b", "Two")
    with store_at(a) as store:
        store.add_bookmark("art3", "/a", "Three")
    sync_all(folder, [a, b])
    assert len(list((folder / MACHINES).iterdir())) == 2
    for data in (a, b):
        with store_at(data) as store:
            assert sorted(m.article_id for m in store.bookmarks()) == ["art1", "art2", "art3"]
    assert shared_view(a) == shared_view(b)
