"""The annotation commands: bookmark(s), note(s), export, import and doctor, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main, userdata
from reader.store import Store, anchor
from reader.store.lock import FileLock
from tests.unit.library_files import write_article


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_article(folder / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04")
    write_article(folder / "yard.txt", "Shipyards hire welders again", "2025-01-10")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def article(capsys: pytest.CaptureFixture[str], library: Path, title: str) -> dict:
    _, out, _ = run(capsys, "list", "--json", "-l", str(library))
    return next(r for r in map(json.loads, out.splitlines()) if r["title"] == title)


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_bookmark_by_prefix_with_tags_then_list_as_json(capsys, library: Path) -> None:
    ferry = article(capsys, library, "Electric ferries cross the fjord")
    lib = ("-l", str(library))
    code, out, _ = run(capsys, "bookmark", ferry["id"][:6], "--tag", "boats", "--tag", "x", *lib)
    assert code == 0 and "Electric ferries" in out and "[boats, x]" in out
    code, out, _ = run(capsys, "bookmarks", "--json", *lib)
    [record] = lines(out)
    assert code == 0
    assert (record["id"], record["title"], record["path"]) == (
        ferry["id"],
        ferry["title"],
        ferry["path"],
    )
    assert record["tags"] == ["boats", "x"] and record["in_library"] is True
    assert run(capsys, "bookmark", ferry["id"], "--remove", "--tag", "x", *lib)[0] == 0
    assert lines(run(capsys, "bookmarks", "--json", *lib)[1])[0]["tags"] == ["boats"]
    code, out, _ = run(capsys, "bookmark", ferry["id"], "--remove", *lib)
    assert code == 0 and "Removed" in out
    assert run(capsys, "bookmarks", *lib)[1] == ""
    code, _, err = run(capsys, "bookmark", ferry["id"], "--remove", *lib)
    assert code == 1 and "Not bookmarked" in err


def test_unknown_or_ambiguous_ids_give_one_line(capsys, library: Path) -> None:
    code, out, err = run(capsys, "bookmark", "ffffffffff", "-l", str(library))
    assert code == 2 and out == "" and err.count("\n") == 1 and "no article" in err
    code, _, err = run(capsys, "note", "ab", "text", "-l", str(library))
    assert code == 2 and "too short" in err


def test_note_appends_and_notes_lists_notes_and_highlights(capsys, library: Path) -> None:
    yard = article(capsys, library, "Shipyards hire welders again")
    lib = ("-l", str(library))
    assert run(capsys, "note", yard["id"][:8], "Hiring", "again.", *lib)[0] == 0
    assert run(capsys, "note", yard["id"], "Second thought.", *lib)[0] == 0
    text = "Shipyards hire welders again. Plain body text."
    quote, prefix, suffix = anchor(text, 30, 45)
    with Store.open() as store:
        assert store.note_for(yard["id"]).text == "Hiring again.\n\nSecond thought."
        store.add_highlight(yard["id"], yard["path"], yard["title"], quote, prefix=prefix)
        store.add_highlight(yard["id"], yard["path"], yard["title"], "text no longer there")
    code, out, _ = run(capsys, "notes", "--json", *lib)
    records = lines(out)
    assert code == 0 and [r["type"] for r in records] == ["note", "highlight", "highlight"]
    assert all(
        (r["id"], r["title"], r["path"]) == (yard["id"], yard["title"], yard["path"])
        for r in records
    )
    assert records[0]["text"] == "Hiring again.\n\nSecond thought."
    assert {(r["quote"], r["orphaned"]) for r in records[1:]} == {
        ("Plain body text", False),
        ("text no longer there", True),
    }
    code, out, _ = run(capsys, "notes", *lib)
    assert "Shipyards hire welders again" in out and "> Plain body text\n" in out
    assert "> text no longer there  (orphaned)" in out


def test_records_follow_an_edited_file_after_the_cache_is_deleted(capsys, library: Path) -> None:
    ferry = article(capsys, library, "Electric ferries cross the fjord")
    run(capsys, "bookmark", ferry["id"], "--tag", "boats", "-l", str(library))
    write_article(library / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04", "New.")
    shutil.rmtree(paths.cache_dir())
    [record] = lines(run(capsys, "bookmarks", "--json", "-l", str(library))[1])
    assert record["id"] == ferry["id"] and record["in_library"] is True
    assert record["path"] == ferry["path"] and record["tags"] == ["boats"]


def test_export_json_to_stdout_then_import_twice_elsewhere(
    capsys, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ferry = article(capsys, library, "Electric ferries cross the fjord")
    run(capsys, "bookmark", ferry["id"], "--tag", "boats", "-l", str(library))
    run(capsys, "note", ferry["id"], "Worth a visit.", "-l", str(library))
    code, out, _ = run(capsys, "export", "--format", "json", "--out", "-", "-l", str(library))
    exported = json.loads(out)
    assert code == 0 and exported["articles"][0]["path"] == ferry["path"]
    dump = tmp_path / "export.json"
    dump.write_text(out, encoding="utf-8")
    monkeypatch.setenv("READER_HOME", str(tmp_path / "other-home"))
    code, out, _ = run(capsys, "import", str(dump), "-l", str(library))
    assert code == 0 and "2 added" in out
    code, out, _ = run(capsys, "import", str(dump), "-l", str(library))
    assert code == 0 and "0 added, 0 updated, 2 already there" in out
    [mark] = lines(run(capsys, "bookmarks", "--json", "-l", str(library))[1])
    assert mark["tags"] == ["boats"]


def test_export_markdown_writes_a_folder(capsys, library: Path, tmp_path: Path) -> None:
    ferry = article(capsys, library, "Electric ferries cross the fjord")
    run(capsys, "note", ferry["id"], "Worth a visit.", "-l", str(library))
    out_dir = tmp_path / "vault"
    code, _, err = run(
        capsys, "export", "--format", "markdown", "--out", str(out_dir), "-l", str(library)
    )
    assert code == 0 and "1 Markdown file" in err
    text = (out_dir / "electric-ferries-cross-the-fjord.md").read_text(encoding="utf-8")
    assert f"id: {ferry['id']}" in text and "Worth a visit." in text


def test_import_refuses_what_is_not_an_export(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "import", str(bad))
    assert code == 2 and err.count("\n") == 1 and "not JSON" in err
    bad.write_text('{"hello": 1}', encoding="utf-8")
    code, _, err = run(capsys, "import", str(bad))
    assert code == 2 and err.count("\n") == 1 and "not a reader export" in err


def test_a_locked_store_gives_one_line(capsys, library: Path, monkeypatch) -> None:
    monkeypatch.setattr(userdata, "LOCK_TIMEOUT", 0.05)
    store_file = paths.data_dir() / "store.json"
    with Store.open(store_file) as store:
        store.save_search("s", "q")  # the file exists only once something is written
    with FileLock(store_file.with_name("store.json.lock")):
        code, out, err = run(capsys, "bookmarks", "-l", str(library))
    assert code == 2 and out == "" and err.count("\n") == 1 and "locked" in err


def test_a_damaged_store_is_repaired_and_said_so_on_stderr(capsys, library: Path) -> None:
    ferry = article(capsys, library, "Electric ferries cross the fjord")
    run(capsys, "bookmark", ferry["id"], "-l", str(library))
    store_file = paths.data_dir() / "store.json"
    store_file.write_bytes(store_file.read_bytes()[:-7] + b"\x00garbage")
    code, out, err = run(capsys, "doctor", "-l", str(library))
    assert code == 0 and "damaged" in err and "store: repaired" in out
    assert "All good." in out
    assert any(p.name != "store.json" and "store" in p.name for p in paths.data_dir().iterdir())
    code, out, err = run(capsys, "doctor", "-l", str(library))
    assert code == 0 and err == "" and "store: ok" in out


def test_doctor_rebuilds_a_damaged_catalog(capsys, library: Path) -> None:
    run(capsys, "list", "-l", str(library))
    [catalog] = [p for p in paths.cache_dir().iterdir() if p.suffix == ".sqlite"]
    catalog.write_bytes(b"this is not a database" * 100)
    code, out, _ = run(capsys, "doctor", "-l", str(library))
    assert code == 0 and "catalog: was damaged or outdated, rebuilt" in out
    assert "catalog: ok, 2 articles" in out
