"""`reader import` end to end on real export files: counts, marks, duplicates and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def imported(capsys: pytest.CaptureFixture[str], *names: str) -> list[dict]:
    files = [str(FIXTURES / name) for name in names]
    code, out, err = run(capsys, "import", *files, "--json")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    for record in records:
        assert record["items"] == record["imported"] + record["duplicates"] + len(record["skipped"])
    return records


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    _, out, _ = run(capsys, "list", "--json")
    return {row["url"]: row for row in map(json.loads, out.splitlines()) if row["url"]}


def found(capsys: pytest.CaptureFixture[str], query: str) -> set[str]:
    _, out, _ = run(capsys, "search", query, "--json")
    return {json.loads(line)["title"] for line in out.splitlines()}


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("ril_export.html", (6, 4, 1, 1, 0, 4, 0, 0)),
        ("part_000000.csv", (5, 4, 0, 1, 0, 4, 0, 0)),
        ("pocket_export.zip", (6, 5, 0, 1, 0, 5, 3, 0)),
        ("pocket_old_header.csv", (1, 1, 0, 0, 0, 1, 0, 0)),
        ("instapaper-export.csv", (5, 4, 0, 1, 0, 4, 0, 1)),
        ("bookmarks.html", (6, 4, 1, 1, 0, 4, 0, 1)),
        ("wallabag.json", (5, 3, 0, 2, 1, 2, 2, 0)),
        ("omnivore.zip", (3, 2, 0, 1, 1, 1, 2, 0)),
        ("newsboat_cache.db", (5, 4, 0, 1, 4, 0, 0, 0)),
        ("kindle_my_clippings.txt", (11, 5, 0, 6, 5, 0, 7, 1)),
        ("readwise_export.csv", (4, 3, 0, 1, 3, 0, 5, 0)),
        ("readwise_template.csv", (2, 2, 0, 0, 1, 1, 2, 0)),
        ("readwise_reader.csv", (5, 4, 0, 1, 0, 4, 0, 0)),
        ("matter_export.zip", (8, 4, 0, 4, 3, 1, 3, 0)),
        ("matter_history.csv", (4, 3, 0, 1, 0, 3, 0, 0)),
        ("matter_highlights.csv", (3, 2, 0, 1, 2, 0, 3, 0)),
        ("hypothesis_annotations.json", (7, 3, 0, 4, 1, 2, 4, 1)),
        ("hypothesis_api.json", (1, 1, 0, 0, 0, 1, 2, 0)),
    ],
)
def test_each_format_imports_its_items_and_the_second_time_nothing(
    capsys, name: str, counts: tuple[int, ...]
) -> None:
    (first,) = imported(capsys, name)
    keys = ("items", "imported", "duplicates", "articles", "links", "highlights", "notes")
    got = (*[first[k] for k in keys[:3]], len(first["skipped"]), *[first[k] for k in keys[3:]])
    assert got == counts
    (again,) = imported(capsys, name)
    assert again["imported"] == again["articles"] == again["links"] == again["highlights"] == 0
    assert again["duplicates"] == first["imported"] + first["duplicates"]


def test_marks_read_bookmark_tags_note_and_dates(capsys) -> None:
    imported(capsys, "instapaper-export.csv")
    rows = listed(capsys)
    archived = rows["https://example.net/archived"]
    assert archived["tags"] == ["tech", "long read"] and archived["date"] == "2023-11-14"
    assert "Archived one" in found(capsys, "tag:tech")
    assert "Archived one" in found(capsys, "is:read")
    assert found(capsys, "is:bookmarked") == {"starred (example.net)"}
    assert "In a folder" in found(capsys, "tag:recipes")
    with Store.open(paths.data_dir() / "store.json") as store:
        (note,) = store.notes()
        assert note.text == "A note\nover lines" and note.title == "Archived one"


def test_a_link_only_article_is_listed_searchable_and_says_it_is_not_fetched(capsys) -> None:
    imported(capsys, "ril_export.html")
    rows = listed(capsys)
    row = rows["https://example.org/archived-story"]
    assert row["title"] == "An archived story"
    assert row["source"] == "example.org · not fetched yet" and row["tags"] == ["long read"]
    assert row["date"] == "2017-07-14"  # the day it was saved in Pocket
    assert "An archived story" in found(capsys, "archived-story")
    assert "An archived story" in found(capsys, "source:example.org tag:long")
    code, out, _ = run(capsys, "show", row["id"], "--plain")
    assert code == 0 and "Not fetched yet" in out


def test_the_same_page_from_two_formats_is_one_article(capsys) -> None:
    imported(capsys, "ril_export.html")
    (bookmarks,) = imported(capsys, "part_000000.csv")
    assert bookmarks["duplicates"] == 0
    before = len(listed(capsys))
    html = (
        b'<DT><A HREF="http://EXAMPLE.org/archived-story?utm_source=x#top">Again</A>\n'
        b'<DT><A HREF="https://example.org/new-one">New</A>\n'
    )
    other = paths.data_dir().parent / "marks.html"
    other.write_bytes(html)
    code, out, _ = run(capsys, "import", str(other), "--json")
    record = json.loads(out)
    # Scheme, host case, tracking and fragment do not make another page.
    assert code == 0 and record["format"] == "bookmarks"
    assert (record["imported"], record["duplicates"]) == (1, 1)
    assert len(listed(capsys)) == before + 1


def test_highlights_anchor_in_the_article_text(capsys) -> None:
    imported(capsys, "wallabag.json")
    with Store.open(paths.data_dir() / "store.json") as store:
        marks = {mark.quote: mark for mark in store.highlights()}
    anchored = marks["Ferries keep to a timetable"]
    assert anchored.block == 1 and anchored.suffix.startswith(" the tide sets")
    assert anchored.note == "My note"
    _, out, _ = run(capsys, "notes")
    assert "> Ferries keep to a timetable\n" in out and "not in the text at all  (orphaned)" in out


def test_dry_run_writes_nothing(capsys) -> None:
    code, out, _ = run(capsys, "import", str(FIXTURES / "pocket_export.zip"), "--dry-run")
    assert code == 0 and out.startswith("Would import")
    assert not (paths.user_library_dir() / "web").exists()
    assert not (paths.data_dir() / "store.json").exists()


def test_format_option_overrides_detection_and_names_are_checked(capsys, tmp_path) -> None:
    copy = tmp_path / "links.txt"
    copy.write_bytes((FIXTURES / "pocket_old_header.csv").read_bytes())
    code, out, _ = run(capsys, "import", str(copy), "--format", "instapaper", "--json")
    record = json.loads(out)
    assert code == 0 and record["format"] == "instapaper" and record["imported"] == 1
    code, out, err = run(capsys, "import", str(copy), "--format", "nonesuch")
    assert code == 2 and out == "" and err.count("\n") == 1 and "nonesuch" in err


@pytest.mark.parametrize(
    "data",
    [b"just some words\n", b"\x00\x01\x02", b"PK\x03\x04 not really a zip", b"[1, 2, 3]"],
)
def test_an_unknown_file_is_one_line_and_exit_2(capsys, tmp_path, data: bytes) -> None:
    path = tmp_path / "mystery"
    path.write_bytes(data)
    code, out, err = run(capsys, "import", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("reader: ")


def test_nothing_is_imported_when_one_file_is_unknown(capsys, tmp_path) -> None:
    path = tmp_path / "mystery"
    path.write_bytes(b"what is this")
    code, _, _ = run(capsys, "import", str(FIXTURES / "part_000000.csv"), str(path))
    assert code == 2 and not (paths.user_library_dir() / "web").exists()


def test_missing_file_and_library_option(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "import", str(tmp_path / "gone.csv"))
    assert code == 2 and err.count("\n") == 1 and "gone.csv" in err
    code, _, err = run(capsys, "import", str(FIXTURES / "part_000000.csv"), "-l", str(tmp_path))
    assert code == 2 and "does not apply" in err


def test_titles_with_escapes_are_sanitised_on_the_terminal(capsys, tmp_path) -> None:
    path = tmp_path / "evil.csv"
    path.write_text(
        "title,url,time_added,tags,status\n"
        '"\x1b]0;owned\x07Evil \x1b[31mred",https://example.com/evil,1,x\x1b[2J,unread\n'
        "bad,\x1b[31mjavascript:alert(1),1,,unread\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(path))
    assert code == 0 and "\x1b" not in out + err
    text = next((paths.user_library_dir() / "web").glob("*.md")).read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text


def test_the_apps_own_json_export_still_restores(capsys) -> None:
    imported(capsys, "instapaper-export.csv")
    export = paths.data_dir().parent / "export.json"
    assert run(capsys, "export", "--format", "json", "--out", str(export))[0] == 0
    code, out, _ = run(capsys, "import", str(export), "--json")
    record = json.loads(out)
    assert code == 0 and record["format"] == "reader" and record["imported"] == 0
    assert record["items"] == record["duplicates"] > 0


def test_a_link_gets_the_text_another_export_brings(capsys, tmp_path) -> None:
    links = tmp_path / "part_000000.csv"
    links.write_text(
        "title,url,time_added,tags,status\nTides,https://example.com/tides,1,sea,unread\n",
        encoding="utf-8",
    )
    assert run(capsys, "import", str(links))[0] == 0
    before = listed(capsys)["https://example.com/tides"]
    (record,) = imported(capsys, "wallabag.json")
    # The wallabag entry for that page is not a duplicate: it brought the page's text.
    assert (record["imported"], record["articles"], record["duplicates"]) == (3, 1, 0)
    after = listed(capsys)["https://example.com/tides"]
    assert after["id"] == before["id"] and after["path"] == before["path"]
    assert set(after["tags"]) == {"sea", "transport"} and after["source"] == "example.com"
    _, out, _ = run(capsys, "show", after["id"], "--plain")
    assert "twice a day" in out and "Not fetched yet" not in out
    (again,) = imported(capsys, "wallabag.json")
    assert again["imported"] == 0


def test_a_dry_run_of_the_apps_own_export_counts_and_saves_nothing(
    capsys, tmp_path, monkeypatch
) -> None:
    imported(capsys, "instapaper-export.csv")
    export = tmp_path / "export.json"
    assert run(capsys, "export", "--format", "json", "--out", str(export))[0] == 0
    monkeypatch.setenv("READER_HOME", str(tmp_path / "elsewhere"))
    store_file = paths.data_dir() / "store.json"
    code, out, _ = run(capsys, "import", str(export), "--dry-run", "--json")
    record = json.loads(out)
    assert code == 0 and record["imported"] == record["items"] > 0
    assert not store_file.exists()


def test_tags_from_another_export_join_a_link_but_not_a_page_with_text(capsys, tmp_path) -> None:
    imported(capsys, "ril_export.html", "wallabag.json")
    marks = tmp_path / "marks.html"
    marks.write_text(
        "<DL><p><DT><H3>Later</H3><DL><p>\n"
        '<DT><A HREF="https://example.org/archived-story" TAGS="essays">Story</A>\n'
        '<DT><A HREF="https://example.org/archived-story#x" TAGS="essays,nights">Story</A>\n'
        '<DT><A HREF="https://example.com/tides" TAGS="never">Tides</A>\n'
        "</DL><p></DL><p>\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "import", str(marks), "--json")
    record = json.loads(out)
    assert (record["imported"], record["duplicates"], record["links"]) == (2, 1, 0)
    rows = listed(capsys)
    story = rows["https://example.org/archived-story"]
    assert story["tags"] == ["long read", "essays", "later", "nights"]
    assert story["source"] == "example.org · not fetched yet"
    assert "An archived story" in found(capsys, "tag:nights")
    assert rows["https://example.com/tides"]["tags"] == ["sea", "transport"]
    code, out, _ = run(capsys, "import", str(marks), "--json")
    assert json.loads(out)["imported"] == 0


def test_a_newsboat_urls_file_subscribes_and_saves_its_query_feeds_once(capsys) -> None:
    (first,) = imported(capsys, "newsboat_urls")
    assert first["format"] == "newsboat-urls"
    assert (first["feeds"], first["searches"]) == (4, 2)
    reasons = " ".join(entry["reason"] for entry in first["skipped"])
    assert "exec:" in reasons and "filter:" in reasons
    _, out, _ = run(capsys, "feeds", "list")
    assert "https://news.example.com/feed.xml" in out
    with Store.open(paths.data_dir() / "store.json") as store:
        assert {s.name for s in store.saved_searches()} >= {"Unread news"}
    (again,) = imported(capsys, "newsboat_urls")
    assert again["imported"] == 0
    assert again["duplicates"] == first["imported"] + first["duplicates"]


def test_the_collector_waits_while_items_are_imported_and_resumes_after(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from reader.imports.apply import Importer

    seen: list[bool] = []
    real = Importer._one

    def one(self: Importer, entry: object, report: object) -> None:
        seen.append(gc.isenabled())
        real(self, entry, report)  # type: ignore[arg-type]

    monkeypatch.setattr(Importer, "_one", one)
    assert gc.isenabled()
    imported(capsys, "part_000000.csv")
    assert seen and not any(seen)  # its own schedule paused: collected after each batch
    assert gc.isenabled()
