"""Reading files for a scan: helper processes give what in-process reading gives."""

from __future__ import annotations

from pathlib import Path

from reader.library import Library
from reader.library.parse_pool import Summary, read_all, summarize
from tests.unit.library_files import write_article


def test_helpers_read_like_the_app_process(tmp_path: Path) -> None:
    paths = [str(write_article(tmp_path / f"{n:03d}.txt", f"Story {n}")) for n in range(450)]
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    paths.append(str(tmp_path / "empty.txt"))
    paths.append(str(tmp_path / "missing.txt"))
    odd = tmp_path / "caf\udce9.txt"  # a file name that is not valid UTF-8
    write_article(odd, "Odd name story")
    paths.append(str(odd))
    helped = list(read_all(paths, processes=2, parallel_min=0))
    assert helped == [(path, summarize(path)) for path in paths]
    outcomes = dict(helped)
    assert outcomes[str(tmp_path / "empty.txt")] == "empty file"
    assert outcomes[str(tmp_path / "missing.txt")] == "file not found"
    odd_summary = outcomes[str(odd)]
    # Back from a helper as a typed record, not the bare list JSON carried.
    assert isinstance(odd_summary, Summary) and odd_summary.title == "Odd name story"


def test_small_scans_read_in_process(tmp_path: Path) -> None:
    path = str(write_article(tmp_path / "a.txt", "Only story"))
    summary = dict(read_all([path], processes=4))[path]
    assert isinstance(summary, Summary)
    assert summary.title == "Only story" and summary.truncated is False


def test_scan_without_helpers_lists_the_same(tmp_path: Path) -> None:
    for number in range(20):
        write_article(tmp_path / f"{number}.txt", f"Story {number}")
    serial = Library([tmp_path], cache_dir=tmp_path / "one", processes=1)
    default = Library([tmp_path], cache_dir=tmp_path / "two")
    serial.scan()
    default.scan()
    assert sorted(serial.ids()) == sorted(default.ids())
