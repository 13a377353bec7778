"""Article ids survive renames, moves and edits; duplicates get distinct, stable ids."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from reader.library import Library
from reader.library.catalog import Catalog
from reader.library.identity import natural_id
from reader.library.scanner import Scanner
from tests.unit.library_files import open_library, write_article


def _ids_by_name(library: Library) -> dict[str, str]:
    rows = library.rows()
    return {Path(rows[i].path).name: rows[i].id for i in range(len(rows))}


def _scanned(root: Path) -> tuple[Library, str]:
    write_article(root / "other.txt", "Unrelated story", "2021-07-07")
    path = write_article(root / "story.txt", "Harbour reopens", "2024-02-02", "Ships return.")
    library = open_library(root)
    library.scan()
    meta = library.rows()[0]
    assert meta.path == str(path.resolve())
    return library, meta.id


def test_rename_keeps_the_id(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    (tmp_path / "story.txt").rename(tmp_path / "renamed.txt")
    result = library.scan()
    assert (result.added, result.changed, result.removed) == (0, 1, 0)
    assert _ids_by_name(library)["renamed.txt"] == article_id
    assert len(library) == 2


def test_move_to_a_subfolder_keeps_the_id(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "story.txt").rename(tmp_path / "deep" / "er" / "story.txt")
    library.scan()
    meta = library.get(article_id)
    assert meta is not None
    assert meta.path == str((tmp_path / "deep" / "er" / "story.txt").resolve())


def test_edit_in_place_keeps_the_id(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    write_article(tmp_path / "story.txt", "Harbour reopens at last", "2024-02-03", "New text.")
    assert library.scan().changed == 1
    meta = library.get(article_id)
    assert meta is not None and meta.title == "Harbour reopens at last"
    # The loaded article carries the kept id, not its new content hash.
    article = library.load(article_id)
    assert article.id == article_id and article.content_hash != article_id


def test_move_plus_edit_keeps_the_id_by_title_and_date(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    (tmp_path / "story.txt").unlink()
    write_article(tmp_path / "moved" / "story.txt", "Harbour reopens", "2024-02-02", "Edited.")
    result = library.scan()
    assert (result.added, result.changed, result.removed) == (0, 1, 0)
    assert _ids_by_name(library)["story.txt"] == article_id


def test_move_of_an_exact_copy_wins_over_a_title_match(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    original = (tmp_path / "story.txt").read_text(encoding="utf-8")
    (tmp_path / "story.txt").unlink()
    # "a-edited" is read first and matches by title and date only; "b-exact" is the
    # same text, so it is the one that takes over the id.
    write_article(tmp_path / "a-edited.txt", "Harbour reopens", "2024-02-02", "Edited.")
    (tmp_path / "b-exact.txt").write_text(original, encoding="utf-8")
    library.scan()
    ids = _ids_by_name(library)
    assert ids["b-exact.txt"] == article_id
    assert ids["a-edited.txt"] != article_id


def test_an_ambiguous_title_match_gets_a_new_id(tmp_path: Path) -> None:
    write_article(tmp_path / "one.txt", "Same headline", "2024-02-02", "First text.")
    write_article(tmp_path / "two.txt", "Same headline", "2024-02-02", "Second text.")
    library = open_library(tmp_path)
    library.scan()
    old = set(library.ids())
    (tmp_path / "one.txt").unlink()
    (tmp_path / "two.txt").unlink()
    write_article(tmp_path / "three.txt", "Same headline", "2024-02-02", "Third text.")
    result = library.scan()
    assert (result.added, result.removed) == (1, 2)
    assert not old & set(library.ids())


def test_an_unrelated_new_file_does_not_take_a_gone_id(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    (tmp_path / "story.txt").unlink()
    write_article(tmp_path / "new.txt", "Something else entirely", "2024-02-02")
    result = library.scan()
    assert (result.added, result.changed, result.removed) == (1, 0, 1)
    assert library.get(article_id) is None


def test_duplicate_files_get_distinct_stable_ids(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    shutil.copy(tmp_path / "story.txt", tmp_path / "copy.txt")
    assert library.scan().added == 1
    ids = _ids_by_name(library)
    assert ids["story.txt"] == article_id
    assert ids["copy.txt"] != article_id
    assert len(ids["copy.txt"]) == 16 and int(ids["copy.txt"], 16) >= 0
    # Scanned from scratch, the same files always get the same two ids.
    first = Library([tmp_path], cache_dir=tmp_path.parent / "cache-one")
    second = Library([tmp_path], cache_dir=tmp_path.parent / "cache-two")
    first.scan()
    second.scan()
    assert _ids_by_name(first) == _ids_by_name(second)
    assert len(set(_ids_by_name(first).values())) == 3


def test_ids_come_from_the_body_and_the_path_in_the_folder(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    content_hash = library.load(article_id).content_hash
    assert article_id == natural_id(content_hash, "story.txt") != content_hash
    # Not from where the folder is: the same files elsewhere get the same ids.
    shutil.copytree(tmp_path, tmp_path.parent / "elsewhere")
    moved = Library([tmp_path.parent / "elsewhere"], cache_dir=tmp_path.parent / "cache-moved")
    moved.scan()
    assert _ids_by_name(moved) == _ids_by_name(library)


def test_an_id_survives_a_fresh_library_object(tmp_path: Path) -> None:
    library, article_id = _scanned(tmp_path)
    write_article(tmp_path / "story.txt", "Harbour reopens, edited", "2024-02-02")
    library.scan()
    library.close()
    again = open_library(tmp_path)
    (tmp_path / "story.txt").rename(tmp_path / "final.txt")
    again.scan()
    assert _ids_by_name(again)["final.txt"] == article_id


def test_a_new_file_whose_natural_id_is_held_gets_another(tmp_path: Path) -> None:
    # Two folders holding the same file under the same name: one natural id for both.
    first, second = tmp_path / "first", tmp_path / "second"
    write_article(first / "story.txt", "Harbour reopens", "2024-02-02", "Ships return.")
    library = Library([first, second], cache_dir=tmp_path / "cache")
    library.scan()
    (held,) = library.ids()
    # Added by a later scan: the id held is known from the catalog, not from this scan.
    shutil.copytree(first, second)
    assert library.scan().added == 1
    rows = library.rows()
    ids = {rows[i].path: rows[i].id for i in range(len(rows))}
    assert ids[str((first / "story.txt").resolve())] == held
    assert ids[str((second / "story.txt").resolve())] not in {held, ""}
    # The same ids as a scan of both folders from scratch.
    fresh = Library([first, second], cache_dir=tmp_path / "cache-fresh")
    fresh.scan()
    assert sorted(fresh.ids()) == sorted(ids.values())


def test_new_files_natural_ids_are_looked_up_together_not_one_query_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A feeds refresh adds 100,000 files: a query each took seconds of the refresh's CPU.
    library, _ = _scanned(tmp_path)
    for n in range(30):
        write_article(tmp_path / f"new{n}.txt", f"New story {n}", "2024-03-03", f"Body {n}.")
    asked: list[str] = []
    holds_elsewhere = Catalog.holds_elsewhere

    def counted(self: Catalog, article_id: str, path: str) -> bool:
        asked.append(article_id)
        return holds_elsewhere(self, article_id, path)

    monkeypatch.setattr(Catalog, "holds_elsewhere", counted)
    assert library.scan().added == 30
    assert asked == []
    assert len(set(library.ids())) == 32


def test_a_scan_does_not_read_every_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A library of 100,000 articles would hold them all as a set for every scan.
    library, _ = _scanned(tmp_path)

    def every_id(self: Catalog) -> list[str]:
        raise AssertionError("a scan read every id")

    monkeypatch.setattr(Catalog, "all_ids", every_id)
    write_article(tmp_path / "new.txt", "Something else entirely", "2024-02-02")
    shutil.copy(tmp_path / "story.txt", tmp_path / "copy.txt")
    assert library.scan().added == 2


def test_a_scan_beside_another_instance_gives_the_same_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two apps opened on one library at once scan the same new files: each file must get
    # one id, whichever instance's rows land last, not a second one because the other
    # instance's row made its natural id look taken.
    folder = tmp_path / "lib"
    for name in ("one.txt", "two.txt"):
        write_article(folder / name, f"Story {name}", "2024-02-02", f"Body of {name}.")
    first = Library([folder], cache_dir=tmp_path / "cache")
    second = Library([folder], cache_dir=tmp_path / "cache")
    load_all = Scanner._load_all

    def with_the_other_scan_meanwhile(self: Scanner, *args: Any) -> Any:
        monkeypatch.setattr(Scanner, "_load_all", load_all)
        first.scan()  # between this scan's look at the catalog and its placing of the files
        return load_all(self, *args)

    monkeypatch.setattr(Scanner, "_load_all", with_the_other_scan_meanwhile)
    second.scan()
    alone = Library([folder], cache_dir=tmp_path / "cache-alone")
    alone.scan()
    assert sorted(second.ids()) == sorted(first.ids()) == sorted(alone.ids())
