"""Opening a store: damaged files moved aside and repaired, backups, leftovers, migrations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.store import Position, Store, StoreTooNew
from reader.store.backups import Backups
from reader.store.fileio import decode
from reader.store.salvage import salvage
from reader.store.schema import CURRENT_VERSION, migrate

IDS = [f"{n:016x}" for n in range(3)]


def _good_store(path: Path) -> bytes:
    """A store of three bookmarks, whose newest backup holds all three; return its bytes."""
    with Store.open(path) as store:
        for article_id in IDS:
            store.add_bookmark(article_id, f"/{article_id}", "T")
    Store.open(path).close()  # the backup taken on open now holds every bookmark
    return path.read_bytes()


DAMAGES = {
    "empty": lambda good: b"",
    "null": lambda good: b"null",
    "truncated": lambda good: good[: len(good) * 2 // 3],
    "garbage tail": lambda good: good + b'garbage {"x"',
    "byte-order mark": lambda good: b"\xef\xbb\xbf" + good,
    "NUL bytes": lambda good: good[:40] + b"\x00" * 8 + good[40:],
    "all NULs": lambda good: b"\x00" * len(good),
    "a list": lambda good: b"[1, 2, 3]",
    "a table of the wrong shape": lambda good: b'{"bookmarks": [1, 2]}',
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_file_is_kept_aside_and_every_record_comes_back(
    damage: str, tmp_path: Path
) -> None:
    # GIVEN a store with a backup, whose file then gets damaged
    path = tmp_path / "store.json"
    broken = DAMAGES[damage](_good_store(path))
    path.write_bytes(broken)
    # WHEN it is opened
    with Store.open(path) as store:
        ids = store.bookmarked_ids()
        notices = store.notices
    # THEN the damaged bytes are kept, every record is back and the user is told
    [aside] = list(tmp_path.glob("store.json.damaged-*"))
    assert aside.read_bytes() == broken
    assert ids == set(IDS)
    assert "damaged" in notices[0] and aside.name in notices[0]
    assert len(notices) == 2
    with Store.open(path) as again:
        assert again.notices == [] and again.bookmarked_ids() == set(IDS)


def test_a_truncated_file_without_backup_keeps_what_was_written_before_the_cut(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    _good_store(path)
    for backup in (tmp_path / "backups").iterdir():
        backup.unlink()
    good = path.read_bytes()
    cut = good.index(IDS[2].encode())  # inside the third bookmark
    path.write_bytes(good[:cut])
    with Store.open(path) as store:
        assert store.bookmarked_ids() == set(IDS[:2])
        assert "no backup" in store.notices[1]


def test_an_unreadable_file_without_backup_starts_empty_but_is_never_deleted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.json"
    path.write_bytes(b"[]")
    with Store.open(path) as store:
        assert store.bookmarks() == []
        assert "started empty" in store.notices[1]
    assert [p.read_bytes() for p in tmp_path.glob("store.json.damaged-*")] == [b"[]"]


def test_two_damaged_files_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    for broken in (b"", b"null"):
        path.write_bytes(broken)
        Store.open(path).close()
    kept = sorted(p.read_bytes() for p in tmp_path.glob("store.json.damaged-*"))
    assert kept == [b"", b"null"]


def test_leftover_temp_files_are_removed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _good_store(path)
    (tmp_path / ".store.json.tmp-123-abcdef01").write_bytes(b'{"half')
    (tmp_path / "backups" / ".store-1.json.tmp-123-abcdef01").write_bytes(b"{")
    with Store.open(path) as store:
        assert store.notices == [] and store.bookmarked_ids() == set(IDS)
    assert not list(tmp_path.rglob("*.tmp-*"))


def test_backups_rotate_and_keep_pre_migration_copies(tmp_path: Path) -> None:
    backups = Backups(tmp_path / "store.json", keep=5, interval=0)
    kept = backups.take_before_migration(b"v0", 0)
    for n in range(8):
        backups.take(f"{n}".encode(), 0)
    found = backups.all()
    assert kept in [b.path for b in found] and len(found) == 6
    rotating = [b.path.read_bytes() for b in found if b.path != kept]
    assert sorted(rotating) == [b"3", b"4", b"5", b"6", b"7"]


def test_a_backup_is_taken_on_open_only_when_the_file_changed(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _good_store(path)
    count = len(list((tmp_path / "backups").iterdir()))
    Store.open(path).close()
    assert len(list((tmp_path / "backups").iterdir())) == count


V0_FILE = {
    "bookmarks": {"1": {"article_id": IDS[0], "path": "/a", "title": "A", "created": "2024-05-01"}},
    "reading": {
        "1": {"article_id": IDS[0], "path": "/a", "title": "A", "read": True, "position": 7}
    },
    "notes": {"1": {"article_id": IDS[1], "path": "/b", "title": "B", "text": "old note"}},
}


def test_a_version_0_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    original = json.dumps(V0_FILE).encode()
    path.write_bytes(original)
    with Store.open(path) as store:
        [mark] = store.bookmarks()
        state = store.reading_state_for(IDS[0])
        note = store.note_for(IDS[1])
        assert f"schema 0 to {CURRENT_VERSION}" in store.notices[0]
    assert mark.tags == () and len(mark.uuid) == 36
    assert state is not None and state.read and state.position == Position(7, "")
    assert note is not None and note.text == "old note" and note.uuid
    [kept] = (tmp_path / "backups").glob("pre-migration-v0-*.json")
    assert kept.read_bytes() == original
    assert decode(path.read_bytes())["meta"]["1"]["schema_version"] == CURRENT_VERSION
    with Store.open(path) as again:
        assert again.notices == [] and again.bookmarks() == [mark]


def test_migrations_are_pure() -> None:
    before = json.loads(json.dumps(V0_FILE))
    migrated = migrate(before)
    assert before == V0_FILE
    assert migrated["meta"]["1"]["schema_version"] == CURRENT_VERSION


def test_a_file_from_a_newer_reader_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    newer = b'{"meta": {"1": {"schema_version": 99}}, "bookmarks": {}}'
    path.write_bytes(newer)
    with pytest.raises(StoreTooNew, match="newer reader"):
        Store.open(path)
    assert path.read_bytes() == newer and not list(tmp_path.glob("*.damaged-*"))


def test_salvage_keeps_complete_documents_before_a_cut() -> None:
    raw = (
        b'{"_write":"x","meta":{"1":{"schema_version":1}},"notes":{"1":{"a":1},"2":{"a":2},"3":{"a'
    )
    found = salvage(raw)
    assert found.tables["notes"] == {"1": {"a": 1}, "2": {"a": 2}}
    assert found.complete == {"meta"}
