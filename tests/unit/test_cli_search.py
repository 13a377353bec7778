"""`reader search` and `reader index`: output, JSON Lines, limits, state filters, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.cli.common import meta_record
from reader.library import Library
from reader.models import ArticleMeta
from reader.store import Store
from reader.store.lock import FileLock
from tests.conftest import SAMPLE_DATA

SAMPLE = str(SAMPLE_DATA)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def records(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def sample_metas() -> list[ArticleMeta]:
    with Library([SAMPLE_DATA]) as library:
        library.scan()
        rows = library.rows()
        return [rows[i] for i in range(len(rows))]


def test_search_prints_ranked_results_and_exits_0(capsys) -> None:
    code, out, err = run(capsys, "search", "-l", SAMPLE, "ferry", "batteries")
    assert code == 0
    first = out.splitlines()[:3]
    assert first[0].startswith("A family-owned ferry company")
    assert "2024-03-04" in first[1] and "Oslo, Norway" in first[1]
    assert "003_700dfecd25a7d9bb.txt" in first[1]
    assert "ferry" in first[2].lower()
    assert "\x1b[" not in out  # no styling when stdout is not a terminal
    assert err == ""


def test_no_match_exits_1(capsys) -> None:
    code, out, _ = run(capsys, "search", "-l", SAMPLE, "zyzzyvaquux")
    assert (code, out) == (1, "")


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "-l", SAMPLE, ""],
        ["search", "-l", SAMPLE, "--limit", "0", "ferry"],
        ["search", "-l", SAMPLE, "--limit", "many", "ferry"],
        ["search", "-l", SAMPLE, "--order", "sideways", "ferry"],
        ["search", "-l", SAMPLE],
    ],
)
def test_usage_errors_exit_2(capsys, argv: list[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    assert code == 2
    assert capsys.readouterr().out == ""


def test_json_lines_carry_the_list_fields_plus_score_and_snippet(capsys) -> None:
    code, out, _ = run(capsys, "search", "-l", SAMPLE, "--json", "glacier")
    assert code == 0
    found = records(out)
    assert {r["place"] for r in found} == {"Lima, Peru", "Zürich, Switzerland"}
    by_id = {meta.id: meta for meta in sample_metas()}
    for record in found:
        assert set(record) == {*meta_record(by_id[str(record["id"])]), "score", "snippet"}
        extra = {"score": record["score"], "snippet": record["snippet"]}
        assert record == {**meta_record(by_id[str(record["id"])]), **extra}
        assert isinstance(record["score"], float) and record["score"] > 0
        assert "glacier" in str(record["snippet"]).lower()
    scores = [float(str(r["score"])) for r in found]
    assert scores == sorted(scores, reverse=True)


def test_limit_caps_the_results(capsys) -> None:
    _, everything, _ = run(capsys, "search", "-l", SAMPLE, "--json", "summit")
    code, out, _ = run(capsys, "search", "-l", SAMPLE, "--json", "--limit", "2", "summit")
    assert code == 0
    assert len(records(everything)) == 4
    assert records(out) == records(everything)[:2]


def test_a_filter_only_query_lists_every_match_newest_first(capsys) -> None:
    code, out, _ = run(capsys, "search", "-l", SAMPLE, "--json", "date:2025")
    expected = [m.id for m in sample_metas() if m.date and m.date.year == 2025]
    assert code == 0
    assert len(expected) > 10
    assert [r["id"] for r in records(out)] == expected


def test_order_by_date(capsys) -> None:
    _, out, _ = run(capsys, "search", "-l", SAMPLE, "--json", "--order", "date", "summit")
    dates = [str(r["date"]) for r in records(out)]
    assert len(dates) == 4 and dates == sorted(dates, reverse=True)


def test_a_hint_goes_to_stderr_as_one_line(capsys) -> None:
    code, out, err = run(capsys, "search", "-l", SAMPLE, '"peace talks')
    assert code == 0 and "Tbilisi" in out
    assert err.count("\n") == 1 and err.startswith("reader: ")


def test_state_filters_come_from_the_store(capsys) -> None:
    oslo = next(m for m in sample_metas() if m.place == "Oslo, Norway")
    with Store.open() as store:
        store.toggle_bookmark(oslo.id, oslo.path, oslo.title)
    code, out, _ = run(capsys, "search", "-l", SAMPLE, "--json", "is:bookmarked")
    assert code == 0
    assert [r["id"] for r in records(out)] == [oslo.id]
    assert run(capsys, "search", "-l", SAMPLE, "is:bookmarked", "glacier")[0] == 1


def test_a_locked_store_searches_without_state(capsys) -> None:
    with Store.open() as store:
        store.save_search("s", "q")  # the store file is created by its first write
        path = store.path
    assert path is not None
    lock = FileLock(path.with_name(path.name + ".lock"), timeout=1)
    lock.acquire()
    try:
        code, out, err = run(capsys, "search", "-l", SAMPLE, "is:bookmarked")
    finally:
        lock.release()
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "locked" in err


def test_index_prints_a_summary(capsys, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" date 2024-03-04 OSLO, Norway, March 4. Ferries sail.\n")
    code, out, _ = run(capsys, "index", "-l", str(tmp_path))
    assert code == 0
    assert re.fullmatch(r"indexed 1 article: 1 added, 0 updated, 0 removed in \d+\.\d s\n", out)
    (tmp_path / "b.txt").write_text(" date 2024-03-05 OSLO, Norway, March 5. Buses run.\n")
    _, out, _ = run(capsys, "index", "-l", str(tmp_path))
    assert out.startswith("indexed 2 articles: 1 added, 0 updated, 0 removed in ")
    _, out, _ = run(capsys, "index", "-l", str(tmp_path), "--rebuild")
    assert out.startswith("indexed 2 articles: 2 added, 0 updated, 0 removed in ")


def test_search_sees_files_changed_since_the_last_run(capsys, tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text(" date 2024-03-04 OSLO, Norway, March 4. Ferries sail.\n")
    assert run(capsys, "search", "-l", str(tmp_path), "ferries")[0] == 0
    page.write_text(" date 2024-03-04 OSLO, Norway, March 4. Trams rattle.\n")
    assert run(capsys, "search", "-l", str(tmp_path), "ferries")[0] == 1
    assert run(capsys, "search", "-l", str(tmp_path), "trams")[0] == 0
    assert (paths.cache_dir()).is_dir()


def test_a_note_written_on_the_command_line_is_found_by_search(capsys) -> None:
    target = sample_metas()[0]
    assert run(capsys, "note", target.id, "Compare with the xylophone workshop.")[0] == 0
    code, out, _ = run(capsys, "search", "xylophone", "--json")
    found = records(out)
    assert code == 0
    assert [record["id"] for record in found] == [target.id]
    assert str(found[0]["snippet"]).startswith("your note: ")


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ("after:banana", "after: needs a date"),
        ("ferry after:banana", "after: needs a date"),
        ("ferry is:sleepy", "is: takes bookmarked"),
        ("has:everything", "has: takes note"),
        ("title:", "title: needs a word"),
        ("OR ferry", "OR needs a word"),
        ("ferry NOT", "NOT needs a word"),
        ('"', "nothing to search for"),
    ],
)
def test_a_query_that_cannot_run_as_typed_exits_2_with_the_hint(capsys, query, hint) -> None:
    code, out, err = run(capsys, "search", "-l", SAMPLE, query)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("reader: ") and hint in err


def test_no_results_still_exits_1_and_a_gentle_hint_does_not_change_it(capsys) -> None:
    assert run(capsys, "search", "-l", SAMPLE, "zyzzyvaquux")[0] == 1
    code, _, err = run(capsys, "search", "-l", SAMPLE, '"zyzzyvaquux')
    assert code == 1 and "unclosed quote" in err


HOLD_INDEX = """
import sys
from pathlib import Path
from reader.library import Library
from reader.search.sync import open_index
with Library([Path(sys.argv[1])]) as library, open_index(library) as index:
    print("writer" if not index.read_only else "read-only", flush=True)
    sys.stdin.read()  # hold the index writer until the test closes our stdin
"""


def test_another_reader_updating_the_index_is_said_once(capsys) -> None:
    import subprocess
    import sys

    assert run(capsys, "index", "-l", SAMPLE)[0] == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_INDEX, SAMPLE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "writer"
        searched = run(capsys, "search", "-l", SAMPLE, "ferry")
        indexed = run(capsys, "index", "-l", SAMPLE)
    finally:
        holder.communicate("", timeout=60)
    busy = "another reader is updating the index"
    assert searched[0] == 0 and searched[2] == f"reader: {busy}: searching read-only\n"
    assert indexed[0] == 0
    assert indexed[2] == f"reader: {busy}: this command left the index as it was\n"
