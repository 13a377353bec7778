"""The library: scanning folders, listing from the catalog, rescans and problems."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from reader.library import Library, UnknownArticle
from reader.models import ScanProgress
from reader.sources import MAX_BYTES, LoadError
from tests.unit.library_files import keep_stat, open_library, titles, write_article


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """A folder of four articles: three dated, one undated."""
    root = tmp_path / "news"
    write_article(root / "a.txt", "Middle story", "2023-05-01")
    write_article(root / "b.txt", "Newest story", "2024-03-09")
    write_article(root / "sub" / "c.txt", "Oldest story", "2019-11-30")
    write_article(root / "d.txt", "Undated story", None)
    return root


def test_scan_lists_newest_first_and_undated_last(news: Path) -> None:
    library = open_library(news)
    result = library.scan()
    assert (result.total, result.added, result.changed, result.removed) == (4, 4, 0, 0)
    assert result.problems == ()
    assert len(library) == 4
    assert titles(library) == ["Newest story", "Middle story", "Oldest story", "Undated story"]


def test_title_order_ignores_case(tmp_path: Path) -> None:
    for name in ("zebra", "apple", "Mango"):
        write_article(tmp_path / f"{name}.txt", f"{name} arrives in town", "2024-01-01")
    library = open_library(tmp_path)
    library.scan()
    assert [t.split()[0] for t in titles(library, "title")] == ["apple", "Mango", "zebra"]


def test_unknown_sort_is_refused(news: Path) -> None:
    with pytest.raises(ValueError, match="sort"):
        open_library(news).rows("size")


def test_rows_carry_catalog_metadata(news: Path) -> None:
    library = open_library(news)
    library.scan()
    meta = library.rows()[0]
    assert meta.title == "Newest story"
    assert str(meta.date) == "2024-03-09"
    assert meta.place == "Oslo, Norway"
    assert meta.path == str((news / "b.txt").resolve())
    assert meta.size == (news / "b.txt").stat().st_size
    assert meta.words > 0
    assert len(meta.id) == 16 and int(meta.id, 16) >= 0


def test_catalog_lists_without_reading_files(news: Path) -> None:
    first = open_library(news)
    first.scan()
    expected = titles(first)
    first.close()
    # With the files gone, a fresh library can only list what the catalog holds.
    for path in sorted(news.rglob("*.txt")):
        path.unlink()
    second = open_library(news)
    assert len(second) == 4
    assert titles(second) == expected


def test_rescan_finds_added_changed_and_removed(news: Path) -> None:
    library = open_library(news)
    library.scan()
    write_article(news / "new.txt", "Fresh story", "2024-06-01")
    write_article(news / "a.txt", "Middle story rewritten", "2023-05-01", "Longer body text now.")
    (news / "sub" / "c.txt").unlink()
    result = library.scan()
    assert (result.added, result.changed, result.removed, result.unchanged) == (1, 1, 1, 2)
    assert result.total == 4
    assert "Middle story rewritten" in titles(library)
    assert "Oldest story" not in titles(library)


def test_rescan_skips_files_whose_size_and_mtime_are_unchanged(news: Path) -> None:
    library = open_library(news)
    library.scan()
    target = news / "a.txt"
    keep_stat(target, target.read_text(encoding="utf-8").replace("Middle", "Hidden"))
    result = library.scan()
    assert result.unchanged == 4
    assert (result.added, result.changed, result.removed) == (0, 0, 0)
    # The catalog still shows the old title: the altered file was not read again.
    assert "Middle story" in titles(library)
    os.utime(target)  # a new mtime makes the change visible
    assert library.scan().changed == 1
    assert "Hidden story" in titles(library)


def test_progress_is_reported_and_ends_complete(news: Path) -> None:
    reports: list[ScanProgress] = []
    open_library(news).scan(reports.append)
    assert reports
    last = reports[-1]
    assert (last.done, last.total, last.added) == (4, 4, 4)


def test_progress_is_reported_within_a_batch_not_once_a_batch(
    news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.library import scanner

    monkeypatch.setattr(scanner, "PROGRESS_INTERVAL", 0.0)
    reports: list[ScanProgress] = []
    open_library(news).scan(reports.append)
    # The four files are one transaction, yet each is told as it is read.
    assert [report.done for report in reports if report.done][:4] == [1, 2, 3, 4]


def test_hidden_and_unsupported_files_are_skipped(tmp_path: Path) -> None:
    write_article(tmp_path / "kept.txt", "Kept story")
    write_article(tmp_path / ".hidden.txt", "Hidden file story")
    write_article(tmp_path / ".git" / "inside.txt", "Hidden folder story")
    write_article(tmp_path / "notes.pdf", "Unsupported story")
    library = open_library(tmp_path)
    assert library.scan().total == 1
    assert titles(library) == ["Kept story"]


def test_symlinked_files_are_followed_and_folder_loops_end(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = write_article(tmp_path / "elsewhere" / "out.txt", "Linked story")
    write_article(root / "in.txt", "Inside story", "2020-01-01")
    (root / "link.txt").symlink_to(outside)
    (root / "loop").symlink_to(root, target_is_directory=True)
    library = open_library(root)
    result = library.scan()
    assert result.total == 2
    assert sorted(titles(library)) == ["Inside story", "Linked story"]
    assert library.rows()[0].path == str(root.resolve() / "link.txt")


def test_unreadable_file_is_a_problem_and_others_still_list(news: Path) -> None:
    (news / "empty.txt").write_text("   \n", encoding="utf-8")
    (news / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    library = open_library(news)
    result = library.scan()
    assert result.total == 4
    reasons = {Path(p.path).name: p.reason for p in result.problems}
    assert set(reasons) == {"empty.txt", "binary.txt"}
    assert all(reason and "\n" not in reason for reason in reasons.values())
    assert library.problems() == list(result.problems)


def test_problem_clears_when_the_file_is_fixed_or_deleted(news: Path) -> None:
    bad = news / "empty.txt"
    bad.write_text("", encoding="utf-8")
    library = open_library(news)
    assert len(library.scan().problems) == 1
    # Unchanged, the bad file is tried again and still reported.
    again = library.scan()
    assert len(again.problems) == 1 and again.unchanged == 4
    write_article(bad, "Repaired story")
    result = library.scan()
    assert result.problems == () and result.added == 1
    bad.unlink()
    assert library.scan().removed == 1


def test_article_that_becomes_unreadable_leaves_the_list(news: Path) -> None:
    library = open_library(news)
    library.scan()
    (news / "a.txt").write_text("", encoding="utf-8")
    result = library.scan()
    assert result.removed == 1 and result.total == 3
    assert [Path(p.path).name for p in result.problems] == ["a.txt"]


def test_truncated_article_is_listed_and_reported(tmp_path: Path) -> None:
    paragraph = "Word " * 200 + "\n\n"
    text = " date 2024-01-02 OSLO, Norway, Jan. 2. Huge story begins. " + paragraph * (
        MAX_BYTES // len(paragraph) + 50
    )
    (tmp_path / "huge.txt").write_text(text, encoding="utf-8")
    library = open_library(tmp_path)
    result = library.scan()
    assert result.total == 1
    # Shown in part is a note, not a file that "could not be read".
    assert result.problems == ()
    assert [p.reason for p in result.partial] == [
        f"truncated: showing the first {MAX_BYTES // 2**20} MB"
    ]
    again = library.scan()
    assert again.partial == result.partial and again.problems == ()
    assert library.problems() == [] and library.partial() == list(result.partial)


def test_problem_file_fixed_without_a_new_mtime_is_read_again(news: Path) -> None:
    bad = news / "bad.txt"
    good = " date 2024-01-02 OSLO, Norway, Jan. 2. Fixed story. Plain body text.\n"
    bad.write_text(" " * len(good), encoding="utf-8")
    library = open_library(news)
    assert [Path(p.path).name for p in library.scan().problems] == ["bad.txt"]
    keep_stat(bad, good)  # fixed in place: same size, same mtime
    result = library.scan()
    assert result.problems == () and result.added == 1
    assert "Fixed story" in titles(library)


_AS_NOBODY = """
import os, sys
from pathlib import Path
import reader.library.scanner, reader.sources.text
from reader.library import Library
os.setgid(65534); os.setuid(65534)  # the interpreter's own files may be root's only
library = Library([Path(sys.argv[1])])
print(len(library.scan().problems))
"""


def test_file_readable_again_after_chmod_is_listed() -> None:
    # Not tmp_path: as root the check runs as "nobody", who cannot enter pytest's folder.
    with tempfile.TemporaryDirectory() as folder:
        _readable_again_after_chmod(Path(folder))


def _readable_again_after_chmod(tmp_path: Path) -> None:
    root = tmp_path / "news"
    article = write_article(root / "a.txt", "Locked story")
    home = tmp_path / "home"
    home.mkdir()
    for folder in (tmp_path, root, home):
        folder.chmod(0o777)
    article.chmod(0o000)

    def problems_seen() -> str:
        if os.geteuid() != 0:  # as a user the file is unreadable to us already
            library = Library([root], home)
            count = len(library.scan().problems)
            library.close()
            return str(count)
        env = {**os.environ, "READER_HOME": str(home)}
        command = [sys.executable, "-c", _AS_NOBODY, str(root)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
        return done.stdout.strip()

    assert problems_seen() == "1"
    article.chmod(0o644)  # a chmod changes the ctime, never the mtime
    assert problems_seen() == "0"


def test_missing_root_is_a_problem_not_a_crash(tmp_path: Path, news: Path) -> None:
    missing = tmp_path / "nowhere"
    library = open_library(news, missing)
    result = library.scan()
    assert result.total == 4
    assert [(p.path, p.reason) for p in result.problems] == [(str(missing), "folder not found")]
    missing.mkdir()
    assert library.scan().problems == ()


def test_name_is_the_folder_or_a_count(tmp_path: Path, news: Path) -> None:
    assert open_library(news).name == "news"
    assert open_library(news, tmp_path / "other").name == "2 folders"
    assert open_library(news, news).name == "news"


def test_each_set_of_roots_has_its_own_catalog(tmp_path: Path, news: Path) -> None:
    other = tmp_path / "other"
    write_article(other / "x.txt", "Other story")
    one, two = open_library(news), open_library(other)
    assert one.catalog_path != two.catalog_path
    assert open_library(news).catalog_path == one.catalog_path
    one.scan()
    two.scan()
    assert (len(one), len(two)) == (4, 1)


def test_damaged_catalog_is_rebuilt(news: Path) -> None:
    library = open_library(news)
    library.scan()
    path = library.catalog_path
    library.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    rebuilt = open_library(news)
    assert rebuilt.catalog_rebuilt
    assert len(rebuilt) == 0
    assert rebuilt.scan().added == 4


def test_catalog_of_another_version_is_rebuilt(news: Path) -> None:
    library = open_library(news)
    library.scan()
    library.close()
    with sqlite3.connect(library.catalog_path) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()
    again = open_library(news)
    assert again.catalog_rebuilt and len(again) == 0


def test_resolve_by_id_and_prefix(news: Path) -> None:
    library = open_library(news)
    library.scan()
    meta = library.rows()[0]
    assert library.resolve(meta.id) == meta
    assert library.resolve(meta.id[:6].upper()) == meta
    assert library.get(meta.id) == meta
    assert library.get("0" * 16) is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("xyz", "no article with id 'xyz'"),
        ("", "no article with id ''"),
        ("ab", "id prefix 'ab' is too short"),
    ],
)
def test_resolve_explains_what_is_wrong(news: Path, query: str, message: str) -> None:
    library = open_library(news)
    library.scan()
    with pytest.raises(UnknownArticle, match=message):
        library.resolve(query)


def test_resolve_reports_an_ambiguous_prefix(tmp_path: Path) -> None:
    # Enough articles that some two ids share their first four hex digits.
    for number in range(1000):
        (tmp_path / f"{number}.txt").write_text(f"Note {number}\n\nBody {number}.\n")
    library = open_library(tmp_path)
    library.scan()
    ids = sorted(library.ids())
    shared = next(a[:4] for a, b in zip(ids, ids[1:], strict=False) if a[:4] == b[:4])
    count = sum(1 for id_ in ids if id_.startswith(shared))
    with pytest.raises(UnknownArticle, match=f"id prefix '{shared}' matches {count} articles"):
        library.resolve(shared)
    with pytest.raises(UnknownArticle, match="no article with id"):
        library.resolve("f" * 16)


def test_load_gives_the_catalog_id(news: Path) -> None:
    library = open_library(news)
    library.scan()
    meta = library.rows()[0]
    article = library.load(meta.id)
    assert article.id == meta.id
    assert article.title == meta.title
    assert article.blocks


def test_load_of_unknown_or_missing_article_says_why(news: Path) -> None:
    library = open_library(news)
    library.scan()
    with pytest.raises(UnknownArticle, match="no article with id"):
        library.load("0" * 16)
    meta = library.rows()[0]
    Path(meta.path).unlink()
    with pytest.raises(LoadError, match="not found"):
        library.load(meta.id)


def test_reads_during_a_scan_keep_working(tmp_path: Path) -> None:
    for number in range(400):
        write_article(tmp_path / f"{number // 100}" / f"{number}.txt", f"Story {number}")
    library = open_library(tmp_path)
    seen: list[int] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            library.scan()
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=scan)
    worker.start()
    while worker.is_alive() or not seen:
        rows = library.rows()
        seen.append(len(rows))
        if len(rows):
            assert rows[len(rows) - 1].title.startswith("Story")
    worker.join()
    # The last read in the loop may come just before the scan's final commit.
    seen.append(len(library.rows()))
    assert errors == []
    assert seen[-1] == 400 and seen == sorted(seen)


def test_a_view_made_before_a_scan_keeps_working(news: Path) -> None:
    library = open_library(news)
    library.scan()
    before = library.rows()
    (news / "b.txt").unlink()
    library.scan()
    assert len(before) == 4
    assert before[0].title == "(removed)"
    assert before[1].title == "Middle story"
    assert len(library.rows()) == 3


def test_rows_index_and_bounds(news: Path) -> None:
    library = open_library(news)
    library.scan()
    rows = library.rows()
    assert rows[-1].title == "Undated story"
    with pytest.raises(IndexError):
        rows[4]
    assert rows.index_of(rows[2].id) == 2
    assert rows.index_of("0" * 16) is None


def test_many_rows_span_pages(tmp_path: Path) -> None:
    for number in range(450):
        write_article(
            tmp_path / f"{number}.txt", f"Story {number:03d}", f"2020-01-{number % 28 + 1:02d}"
        )
    library = open_library(tmp_path)
    library.scan()
    rows = library.rows("title")
    assert [rows[i].title for i in (0, 199, 200, 449)] == [
        "Story 000", "Story 199", "Story 200", "Story 449",
    ]  # fmt: skip
    assert len({rows[i].id for i in range(len(rows))}) == 450


def test_closed_library_can_be_used_again(news: Path) -> None:
    library = Library([news])
    library.scan()
    library.close()
    assert len(library) == 4
