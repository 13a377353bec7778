"""One parse of each file feeds both the catalog and the index."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library, parse_pool
from reader.library.spool import PREFIX, current_spool, parse_once
from reader.search.sync import open_index, sync_index
from reader.sources import load_file
from tests.unit.library_files import write_article


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for number in range(12):
        write_article(news / f"{number:02d}.txt", f"Story {number} about the harbour")
    return news


def counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def load(path: Path):  # type: ignore[no-untyped-def]
        calls.append(path)
        return load_file(path)

    monkeypatch.setattr(parse_pool, "load_file", load)
    return calls


def titles(library: Library, word: str) -> set[str]:
    with open_index(library) as index:
        return {hit.title for hit in index.search(word, limit=50).hits}


def test_a_scan_then_a_sync_parse_each_file_once(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_loads(monkeypatch)
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        with parse_once(tmp_path / "cache"):
            library.scan()
            with open_index(library) as index:
                assert sync_index(library, index).added == 12
        assert len(calls) == 12  # parsing twice read 24
        assert len(titles(library, "harbour")) == 12


def test_without_the_block_the_index_parses_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting_loads(monkeypatch)
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        library.scan()
        with open_index(library) as index:
            sync_index(library, index)
    assert len(calls) == 24


def test_a_file_changed_after_the_scan_is_indexed_as_the_next_scan_finds_it(
    folder: Path, tmp_path: Path
) -> None:
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        with parse_once(tmp_path / "cache"):
            library.scan()
            path = folder / "03.txt"
            write_article(path, "Story 3 about the mountain pass")
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
            with open_index(library) as index:
                sync_index(library, index)
            # The index holds what the catalog describes, the version the scan found...
            assert titles(library, "harbour") >= {"Story 3 about the harbour"}
            assert titles(library, "mountain") == set()
            library.scan()  # ...until a scan finds the change, and the sync after it
            with open_index(library) as index:
                sync_index(library, index)
        assert titles(library, "mountain") == {"Story 3 about the mountain pass"}


def test_the_fields_kept_are_those_the_index_would_read(folder: Path) -> None:
    path = str(folder / "05.txt")
    parsed = parse_pool.parse(path)
    assert isinstance(parsed, parse_pool.Parsed)
    article = load_file(Path(path))
    assert parsed.fields[-1] == article.body_text()
    assert parsed.summary == parse_pool.summarize(path)


def test_helpers_answer_the_same_parse(folder: Path) -> None:
    paths = sorted(str(path) for path in folder.iterdir())
    assert list(parse_pool.read_parsed(paths, processes=2, parallel_min=0)) == [
        (path, parse_pool.parse(path)) for path in paths
    ]


def test_the_scratch_file_goes_with_the_block_and_leftovers_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"{PREFIX}{dead.pid}-0000abcd.db"
    left.write_bytes(b"")
    with parse_once(tmp_path) as spool:
        assert spool is not None and current_spool() is spool
        assert not spool.path.exists()  # made on the first put: a command parsing nothing
        spool.put([(str(tmp_path / "a.md"), 1, 2, ("t", None, None, None, (), "body"))])
        assert spool.path.exists()
        assert not left.exists()
    assert current_spool() is None
    assert not any(path.name.startswith(PREFIX) for path in tmp_path.iterdir())


def test_the_index_sync_takes_each_row_once_and_the_scan_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# A\n\nbody\n", encoding="utf-8")
    info = path.stat()
    parsed = parse_pool.parse(str(path))
    assert isinstance(parsed, parse_pool.Parsed)
    with parse_once(tmp_path) as spool:
        assert spool is not None
        spool.put_parsed([(str(path), parsed)])
        assert [p for p, _ in spool.summaries([str(path)])] == [str(path)]
        assert [p for p, _ in spool.summaries([str(path)])] == [str(path)]  # still there
        assert [p for p, _ in spool.take([str(path)])] == [str(path)]
        assert list(spool.take([str(path)])) == []  # taken: the scratch file stays small
        assert list(spool.summaries([str(path)])) == []
    assert (info.st_size, info.st_mtime_ns) == (parsed.size, parsed.mtime_ns)


def test_a_scan_checks_the_spool_against_the_stats_it_just_read(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone.md")  # no file: a stat of it would fail
    fields = ("t", None, None, None, (), "body")
    summary = ("id", "t", None, None, None, None, None, "[]", 1, "markdown", False, False)
    packed = [(gone, 10, 20, marshal.dumps(fields), marshal.dumps(summary))]
    with parse_once(tmp_path) as spool:
        assert spool is not None
        spool.put_packed(packed)
        assert list(spool.summaries([gone])) == []  # checked on disk: the file is not there
        assert [p for p, _ in spool.summaries([gone], {gone: (10, 20)}.get)] == [gone]
        assert list(spool.summaries([gone], {gone: (10, 21)}.get)) == []  # another mtime


def test_the_index_sync_takes_a_row_by_the_stamps_the_catalog_has(tmp_path: Path) -> None:
    gone = str(tmp_path / "gone.md")  # no file: a stat of it would fail
    fields = ("t", None, None, None, (), "body")
    row = (gone, 10, 20, marshal.dumps(fields), marshal.dumps(None))
    with parse_once(tmp_path) as spool:
        assert spool is not None
        spool.put_packed([row])
        assert list(spool.take([gone], {gone: (10, 21)}.get)) == []  # another version
        spool.put_packed([row])
        assert list(spool.take([gone])) == []  # checked on disk: the file is not there
        spool.put_packed([row])
        assert list(spool.take([gone], {gone: (10, 20)}.get)) == [(gone, fields)]


def test_the_catalog_stamp_is_read_from_a_fingerprint_with_the_readers_notes() -> None:
    from reader.search.sync import _stamp

    assert _stamp("0123abcd 812 1700000000123456789") == (812, 1700000000123456789)
    # An article with notes or tags of the reader's has their fingerprint after these.
    assert _stamp("0123abcd 812 1700000000123456789 4455667788") == (812, 1700000000123456789)
    assert _stamp("0123abcd") is None


def test_a_refresh_indexes_each_file_from_the_spool_without_a_stat(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.library import spool_rows

    paths = sorted(folder.iterdir())
    looked: list[str] = []
    real = spool_rows.unchanged

    def counting(path: str, size: int, mtime: int) -> bool:
        looked.append(path)
        return real(path, size, mtime)

    monkeypatch.setattr(spool_rows, "unchanged", counting)
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        with parse_once(tmp_path / "cache") as spool:
            assert spool is not None
            spool.put_packed([_packed(path, f"handed {path.name}") for path in paths])
            library.scan()
            with open_index(library) as index:
                sync_index(library, index)
        assert len(titles(library, "handed")) == len(paths)
    assert looked == []


def _packed(path: Path, body: str) -> tuple[str, int, int, bytes, bytes]:
    parsed = parse_pool.parse(str(path))
    assert isinstance(parsed, parse_pool.Parsed)
    fields = (*parsed.fields[:-1], body)
    return (
        str(path),
        parsed.size,
        parsed.mtime_ns,
        marshal.dumps(fields),
        marshal.dumps(tuple(parsed.summary)),
    )


def test_handed_over_rows_are_emptied_from_disk_once_all_are_taken(folder: Path) -> None:
    paths = sorted(folder.iterdir())
    (folder.parent / "cache-a").mkdir()
    with parse_once(folder.parent / "cache-a") as spool:
        assert spool is not None
        spool.put_packed([_packed(path, f"body {path.name}") for path in paths])
        rows = spool.path.with_suffix(".rows")
        assert rows.stat().st_size > 0
        taken = dict(spool.take([str(path) for path in paths[:5]]))
        assert taken[str(paths[0])][-1] == "body 00.txt"
        assert rows.stat().st_size > 0  # seven rows still to take
        assert len(dict(spool.take([str(path) for path in paths[5:]]))) == 7
        assert rows.stat().st_size == 0  # its pages need never reach the disk
        spool.put_packed([_packed(paths[0], "again")])  # and it is used again from the start
        assert dict(spool.take([str(paths[0])]))[str(paths[0])][-1] == "again"
    assert not rows.exists()


def test_a_scans_own_parse_replaces_a_row_handed_over(folder: Path) -> None:
    path = folder / "04.txt"
    (folder.parent / "cache-b").mkdir()
    with parse_once(folder.parent / "cache-b") as spool:
        assert spool is not None
        spool.put_packed([_packed(path, "handed over")])
        parsed = parse_pool.parse(str(path))
        assert isinstance(parsed, parse_pool.Parsed)
        spool.put([(str(path), parsed.size, parsed.mtime_ns, (*parsed.fields[:-1], "scanned"))])
        assert dict(spool.take([str(path)]))[str(path)][-1] == "scanned"
        assert list(spool.take([str(path)])) == []  # taken from the database too
