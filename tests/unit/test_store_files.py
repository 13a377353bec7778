"""The store file and the files given to import: what is not a regular file, missing files,
symlinks, backups, and commands that only read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.store import Store
from reader.store.backups import Backups
from tests.unit.hostile_files import HOSTILE, reader
from tests.unit.library_files import write_article

IDS = [f"{n:016x}" for n in range(3)]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_article(folder / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04")
    return folder


def _store_with_backup(path: Path) -> None:
    """Three bookmarks, in the store and in its newest backup."""
    with Store.open(path) as store:
        for article_id in IDS:
            store.add_bookmark(article_id, f"/{article_id}", f"T {article_id}")
    Store.open(path).close()


# Not a regular file -------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_store_file_that_is_not_a_regular_file_gives_one_line(kind: str, library: Path) -> None:
    store_file = paths.data_dir() / "store.json"
    HOSTILE[kind](store_file)
    done = reader("bookmarks", "-l", str(library))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count(b"\n") == 1 and b"cannot be used as the store" in done.stderr
    assert os.path.lexists(store_file)  # left for the user to look at


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("command", [("import",), ("feeds", "import")])
def test_an_imported_file_that_is_not_a_regular_file_gives_one_line(
    kind: str, command: tuple[str, ...], tmp_path: Path, library: Path
) -> None:
    hostile = tmp_path / "export.json"
    HOSTILE[kind](hostile)
    library_option = ("-l", str(library)) if command == ("import",) else ()
    done = reader(*command, str(hostile), *library_option)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count(b"\n") == 1 and b"cannot read" in done.stderr


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_adding_a_file_that_is_not_a_regular_file_never_hangs(kind: str, tmp_path: Path) -> None:
    hostile = tmp_path / "page.html"
    HOSTILE[kind](hostile)
    done = reader("add", str(hostile))
    assert done.returncode != 0 and done.stderr.count(b"\n") == 1


# Missing, symlinked, backed up --------------------------------------------------------


def test_a_deleted_store_is_restored_from_the_newest_backup_and_said_so(library: Path) -> None:
    store_file = paths.data_dir() / "store.json"
    _store_with_backup(store_file)
    store_file.unlink()
    done = reader("bookmarks", "-l", str(library))
    assert done.returncode == 0, done.stderr
    assert b"was missing; restored 3 records" in done.stderr
    assert done.stdout.count(b"\n") == 3
    with Store.open(store_file) as store:
        assert {mark.article_id for mark in store.bookmarks()} == set(IDS)


def test_doctor_says_when_it_restored_a_deleted_store(library: Path) -> None:
    store_file = paths.data_dir() / "store.json"
    _store_with_backup(store_file)
    store_file.unlink()
    done = reader("doctor", "-l", str(library))
    assert b"restored 3 records" in done.stdout + done.stderr
    assert b"store: repaired, 3 records" in done.stdout


def test_doctor_reports_a_backup_holding_more_than_the_store(library: Path) -> None:
    store_file = paths.data_dir() / "store.json"
    _store_with_backup(store_file)
    with Store.open(store_file) as store:
        for article_id in IDS:
            store.remove_bookmark(article_id)
    done = reader("doctor", "-l", str(library))
    assert b"holds 3 records" in done.stdout and b"the store 0" in done.stdout


def test_a_dangling_symlinked_store_is_restored_into_its_target(
    tmp_path: Path, library: Path
) -> None:
    target = tmp_path / "synced" / "store.json"
    target.parent.mkdir()
    link = paths.data_dir() / "store.json"
    link.symlink_to(target)
    _store_with_backup(link)
    assert link.is_symlink() and target.is_file()
    target.unlink()
    done = reader("bookmarks", "-l", str(library))
    assert done.returncode == 0 and b"restored 3 records" in done.stderr
    assert link.is_symlink() and target.is_file()


def test_a_symlinked_store_keeps_writing_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    link = tmp_path / "store.json"
    with Store.open(target) as store:
        store.add_bookmark(IDS[0], "/a", "A")
    link.symlink_to(target)
    with Store.open(link) as store:
        store.add_bookmark(IDS[1], "/b", "B")
    assert link.is_symlink()
    with Store.open(target) as store:
        assert {mark.article_id for mark in store.bookmarks()} == set(IDS[:2])
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_rotation_keeps_the_newest_backup_holding_more_than_the_store(tmp_path: Path) -> None:
    backups = Backups(tmp_path / "store.json", keep=2)
    rich = backups.take(b'{"bookmarks":{}}', 40)
    for _ in range(4):
        backups.take(b"{}", 0)
    kept = [backup.path for backup in backups.all()]
    assert rich in kept and len(kept) == 3
    richer = backups.take(b"{}", 41)
    for _ in range(3):
        backups.take(b"{}", 0)
    kept = [backup.path for backup in backups.all()]
    assert richer in kept and rich not in kept and len(kept) == 3


def test_an_emptied_store_cannot_rotate_its_data_away(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _store_with_backup(path)
    for _ in range(8):
        with Store.open(path) as store:
            store._storage.backups.interval = 0  # a backup after every write
            store.toggle_bookmark(IDS[0], "/a", "A")
            store.remove_bookmark(IDS[1])
            store.remove_bookmark(IDS[2])
    richest = Backups(path).richest()
    assert richest is not None and richest[1] == 3


# Commands that only read --------------------------------------------------------------


def test_read_only_commands_on_a_fresh_data_dir_create_no_store(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = ("-l", str(library))
    for argv in (["list"], ["notes"], ["bookmarks"], ["search", "ferries"]):
        assert main([*argv, *lib]) in (0, 1)
    assert main(["list", "--json", *lib]) == 0
    article = capsys.readouterr().out.split('"id": "')[1][:16]
    assert main(["show", article, *lib]) == 0
    data = paths.data_dir()
    assert not (data / "store.json").exists() and not (data / "backups").exists()
    assert main(["bookmark", article, *lib]) == 0
    assert (data / "store.json").is_file()


def test_symlinked_settings_and_exports_stay_symlinks(tmp_path: Path, library: Path) -> None:
    from reader import config

    target = tmp_path / "dotfiles" / "config.toml"
    target.parent.mkdir()
    target.write_text("# mine\n")
    paths.config_file().symlink_to(target)
    config.save(config.Config())
    assert paths.config_file().is_symlink() and "reader settings" in target.read_text()
    exported = tmp_path / "synced-export.json"
    link = tmp_path / "export.json"
    exported.write_text("{}")
    link.symlink_to(exported)
    assert main(["export", "--format", "json", "--out", str(link), "-l", str(library)]) == 0
    assert link.is_symlink() and '"reader-store"' in exported.read_text()


def test_a_store_file_with_a_fifo_as_backup_is_still_opened(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    _store_with_backup(path)
    os.mkfifo(tmp_path / "backups" / "store-99999999T000000000000Z.json")
    path.unlink()
    with Store.open(path) as store:
        assert len(store.bookmarks()) == 3


def test_a_missing_file_is_never_restored_from_another_files_backups(tmp_path: Path) -> None:
    _store_with_backup(tmp_path / "store.json")
    with Store.open(tmp_path / "other.json") as other:
        assert other.bookmarks() == [] and other.notices == []


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_local_feed_replaced_by_a_hostile_file_never_hangs_a_refresh(
    kind: str, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    fixture = Path(__file__).parent.parent / "fixtures" / "feeds" / "rss20_summary.xml"
    feed.write_bytes(fixture.read_bytes())
    assert reader("feeds", "add", str(feed)).returncode == 0
    feed.unlink()
    HOSTILE[kind](feed)
    done = reader("feeds", "refresh")
    assert done.returncode == 1 and b"Traceback" not in done.stderr
