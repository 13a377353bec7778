"""Commands trust the catalog while no folder changed, and still see every change that matters."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.library import Library
from reader.library.folders import deferring, folder_stamps, scan, scan_changed, scan_if_changed


def article(folder: Path, name: str, day: str, text: str) -> Path:
    path = folder / name
    path.write_text(f"date {day} {text}\n", encoding="utf-8")
    return path


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    (folder / "a").mkdir(parents=True)
    article(folder / "a", "one.txt", "2025-01-02", "The harbour ferry sailed at dawn.")
    article(folder, "two.txt", "2025-01-03", "A quiet market day in the square.")
    return folder


def search(capsys: pytest.CaptureFixture[str], folder: Path, *words: str) -> list[str]:
    code = main(["search", "-l", str(folder), *words])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return [line.rstrip(".") for line in out.splitlines() if line and not line.startswith(" ")]


def test_an_unchanged_library_is_not_scanned_again(library_dir: Path) -> None:
    with Library([library_dir]) as library:
        assert scan_if_changed(library) is not None  # never recorded: a full scan
        assert scan_if_changed(library) is None
        assert len(library) == 2


@pytest.mark.parametrize(
    "change",
    ["add", "add_in_subfolder", "delete", "rename", "new_subfolder", "remove_subfolder"],
)
def test_any_name_change_in_any_folder_brings_a_scan(library_dir: Path, change: str) -> None:
    with Library([library_dir]) as library:
        scan(library)
        if change == "add":
            article(library_dir, "three.txt", "2025-01-04", "Snow on the pass.")
        elif change == "add_in_subfolder":
            article(library_dir / "a", "three.txt", "2025-01-04", "Snow on the pass.")
        elif change == "delete":
            (library_dir / "a" / "one.txt").unlink()
        elif change == "rename":
            (library_dir / "two.txt").rename(library_dir / "a" / "moved.txt")
        elif change == "new_subfolder":
            article(library_dir / "a", "three.txt", "2025-01-04", "Snow.")
            scan(library)
            (library_dir / "a" / "b").mkdir()
        else:
            shutil.rmtree(library_dir / "a")
        assert scan_if_changed(library) is not None
        assert scan_if_changed(library) is None


def test_a_deleted_catalog_is_scanned_in_full(library_dir: Path) -> None:
    with Library([library_dir]) as library:
        scan(library)
        path = library.catalog_path
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with Library([library_dir]) as library:
        assert scan_if_changed(library) is not None
        assert len(library) == 2


def test_hidden_folders_are_not_watched(library_dir: Path) -> None:
    (library_dir / ".git").mkdir()
    assert str(library_dir / ".git") not in folder_stamps([library_dir])
    assert str(library_dir / "a") in folder_stamps([library_dir])


def test_search_finds_a_file_added_since_the_last_command(
    capsys: pytest.CaptureFixture[str], library_dir: Path
) -> None:
    assert search(capsys, library_dir, "ferry") == ["The harbour ferry sailed at dawn"]
    article(library_dir / "a", "new.txt", "2025-02-01", "The ferry was late again.")
    assert sorted(search(capsys, library_dir, "ferry")) == [
        "The ferry was late again",
        "The harbour ferry sailed at dawn",
    ]


def test_a_hit_rewritten_in_place_is_read_again(
    capsys: pytest.CaptureFixture[str], library_dir: Path
) -> None:
    assert search(capsys, library_dir, "ferry") == ["The harbour ferry sailed at dawn"]
    folder = library_dir / "a"
    before = os.stat(folder)
    with open(folder / "one.txt", "w", encoding="utf-8") as handle:  # in place: same inode
        handle.write("date 2025-01-02 The ferry crossing was cancelled by fog.\n")
    # Writing in place leaves the folder's mtime alone; make sure of it.
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert search(capsys, library_dir, "ferry") == ["The ferry crossing was cancelled by fog"]


# Scanning only the changed folders --------------------------------------------------------


def catalog_of(library: Library) -> dict[str, tuple[str, str]]:
    rows = library.rows()
    return {rows[i].path: (rows[i].id, rows[i].title) for i in range(len(rows))}


def full_scan_of(folder: Path, cache: Path) -> dict[str, str]:
    with Library([folder], cache_dir=cache) as fresh:
        fresh.scan()
        return {path: title for path, (_, title) in catalog_of(fresh).items()}


CHANGES = {
    "add": lambda d: article(d, "three.txt", "2025-01-04", "Snow on the pass."),
    "add_deep": lambda d: (
        (d / "a" / "b" / "c").mkdir(parents=True),
        article(d / "a" / "b" / "c", "deep.txt", "2025-01-05", "Deep in the hills."),
    ),
    "delete": lambda d: (d / "a" / "one.txt").unlink(),
    "move": lambda d: (d / "two.txt").rename(d / "a" / "moved.txt"),
    "remove_folder": lambda d: shutil.rmtree(d / "a"),
    "replace": lambda d: (
        article(d, "tmp.txt", "2025-01-03", "A busy market day."),
        os.replace(d / "tmp.txt", d / "two.txt"),
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_scanning_the_changed_folders_gives_what_a_full_scan_gives(
    library_dir: Path, tmp_path: Path, change: str
) -> None:
    with Library([library_dir], cache_dir=tmp_path / "part") as library:
        assert scan_changed(library) is not None  # nothing recorded: a full scan
        before = catalog_of(library)
        assert scan_changed(library) is None
        CHANGES[change](library_dir)
        assert scan_changed(library) is not None
        after = catalog_of(library)
    assert {path: title for path, (_, title) in after.items()} == full_scan_of(
        library_dir, tmp_path / "full"
    )
    # Files that stayed where they were keep their ids.
    for path, (id_, _) in before.items():
        if path in after and change != "replace":
            assert after[path][0] == id_


def test_a_partial_scan_leaves_unchanged_folders_unread(library_dir: Path, tmp_path: Path) -> None:
    with Library([library_dir], cache_dir=tmp_path / "cache") as library:
        scan_changed(library)
        # Rewritten in place in a folder whose entries did not change: not looked at...
        folder = library_dir / "a"
        before = os.stat(folder)
        (folder / "one.txt").write_text("date 2025-01-02 Rewritten.\n", encoding="utf-8")
        os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
        article(library_dir, "three.txt", "2025-01-04", "Snow on the pass.")
        result = scan_changed(library)
        assert result is not None and result.added == 1 and result.changed == 0
        # ...until a full scan.
        assert scan(library).changed == 1


def test_folders_being_written_are_left_to_the_next_scan(library_dir: Path, tmp_path: Path) -> None:
    with Library([library_dir], cache_dir=tmp_path / "cache") as library:
        scan_changed(library)
        article(library_dir / "a", "four.txt", "2025-01-05", "A new entry in a known folder.")
        (library_dir / "b").mkdir()  # a new folder, its feed's first entries going in
        article(library_dir / "b", "five.txt", "2025-01-06", "An entry in a new folder.")
        article(library_dir, "three.txt", "2025-01-04", "Snow on the pass.")
        with deferring([library_dir / "a", library_dir / "b"]):
            result = scan_changed(library)
        assert result is not None and result.added == 1  # three.txt only
        with deferring([library_dir / "a"]):  # still none of a's, all of b's
            result = scan_changed(library)
        assert result is not None and result.added == 1
        result = scan_changed(library)  # a is done: its new file is found now
        assert result is not None and result.added == 1
        assert scan_changed(library) is None  # and nothing is left over
        assert scan(library).added == 0


# Reading only the changed part of the catalog ---------------------------------------------

_NAMES = st.sampled_from(["a", "a-b", "a.md", "a0", "b", "é", "z", "\udcff", "sub"])


def _row(number: int, path: str) -> tuple[object, ...]:
    return (f"{number:016x}", path, number, number, "hash", "t", None, None, None, None, None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(_NAMES, min_size=1, max_size=4), max_size=25),
    folder=st.lists(_NAMES, max_size=2),
    deep=st.booleans(),
)
@example(files=[["a", "x"], ["a0"], ["a-b"], ["b"]], folder=[], deep=False)  # names around "/"
def test_the_catalog_lists_a_folder_as_a_filter_of_the_whole_would(
    tmp_path: Path, files: list[list[str]], folder: list[str], deep: bool
) -> None:
    from reader.library import catalog_file as catalog_module
    from reader.library.catalog import Catalog

    catalog_module.RANGE_ROWS = 2  # page through the rows, as a big folder does
    root = str(tmp_path / "lib")
    paths = sorted({os.path.join(root, *parts) for parts in files})
    catalog = Catalog(tmp_path / f"catalog-{len(os.listdir(tmp_path))}.sqlite")
    try:
        rows = [(*_row(n, p), "", 0, "text", False, False) for n, p in enumerate(paths)]
        with catalog.transaction() as conn:
            Catalog.put_articles(conn, rows)  # type: ignore[arg-type]
        top = os.path.join(root, *folder)
        whole = catalog.snapshot()
        inside = top + os.sep
        expected = {
            path: stamp
            for path, stamp in whole.items()
            if path == top
            or (path.startswith(inside) and (deep or os.sep not in path[len(inside) :]))
        }
        assert catalog.snapshot_in(top, deep=deep) == expected
    finally:
        catalog.close()
        catalog_module.RANGE_ROWS = 256


def test_a_partial_scan_records_the_stamps_a_full_walk_would(library_dir: Path) -> None:
    with Library([library_dir]) as library:
        scan(library)
        (library_dir / "new" / "deeper").mkdir(parents=True)
        article(library_dir / "new" / "deeper", "late.txt", "2024-05-05", "Late arrival")
        shutil.rmtree(next(p for p in library_dir.iterdir() if p.is_dir() and p.name != "new"))
        result = scan_changed(library)
        assert result is not None and result.added == 1
        from reader.library.folders import _changed

        recorded, changed = _changed(library)
        assert not changed
        walked = folder_stamps(library.roots)
        assert {k: v for k, v in recorded.items() if v != -1} == walked
