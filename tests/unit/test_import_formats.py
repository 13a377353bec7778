"""Each import format read from small export files with the oddities real exports have."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.imports import formats
from reader.imports.formats import (
    bookmarks,
    instapaper,
    omnivore,
    pocket_csv,
    pocket_html,
    wallabag,
)
from reader.imports.items import ImportedItem, SkippedItem
from reader.imports.source import open_source, source_from_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def read(name: str) -> tuple[list[ImportedItem], list[SkippedItem]]:
    source = open_source(FIXTURES / name)
    form = formats.detect(source)
    assert form is not None, name
    parsed = list(form.parse(source))
    items = [p for p in parsed if isinstance(p, ImportedItem)]
    return items, [p for p in parsed if isinstance(p, SkippedItem)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ril_export.html", "pocket-html"),
        ("part_000000.csv", "pocket-csv"),
        ("pocket_old_header.csv", "pocket-csv"),
        ("pocket_export.zip", "pocket-csv"),
        ("instapaper-export.csv", "instapaper"),
        ("bookmarks.html", "bookmarks"),
        ("wallabag.json", "wallabag"),
        ("omnivore.zip", "omnivore"),
    ],
)
def test_each_file_is_recognised_by_its_content_not_its_name(
    tmp_path: Path, name: str, expected: str
) -> None:
    renamed = tmp_path / "export.txt"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    form = formats.detect(open_source(renamed))
    assert form is not None and form.name == expected


def test_text_nothing_recognises_is_not_taken_for_an_export() -> None:
    for data in (b"hello\nworld\n", b"{}", b"[1, 2]", b"a,b,c\n1,2,3\n", b"<html><p>hi</p></html>"):
        assert formats.detect(source_from_bytes("x", data)) is None


def test_pocket_html_entities_archive_and_bare_url_titles() -> None:
    items, skipped = read("ril_export.html")
    assert [s.reason for s in skipped] == ["not a web address: javascript:void(0)"]
    first = items[0]
    assert first.url == "https://example.org/harbour?id=1&ref=feed"
    assert first.title.startswith("Ferries & the harbour")
    assert first.tags == ("ships", "harbour") and not first.read
    assert first.saved == datetime.fromtimestamp(1583000000, UTC)
    assert items[2].title == "Café culture <b>" and items[2].tags == ()
    archived = [item.url for item in items if item.read]
    assert archived == [
        "https://example.org/archived-story",
        "https://EXAMPLE.org/harbour?ref=feed&id=1&utm_source=x#top",
    ]
    assert items[3].tags == ("long read",)


def test_pocket_csv_quoting_newlines_pipes_and_both_headers() -> None:
    items, skipped = read("part_000000.csv")
    assert items[0].title == 'Commas, quotes "and" newlines'
    assert items[0].url == "https://example.com/a,b?x=1"
    assert items[0].tags == ("reading", "long read") and not items[0].read
    assert items[1].read and items[2].title == "Two line title"
    assert items[3].tags == ("my tag", "other tag") and items[3].read
    assert [s.source for s in skipped] == ["row 4"]
    old, _ = read("pocket_old_header.csv")
    assert old[0].tags == ("one", "two") and old[0].url.endswith("/old-header")


def test_pocket_zip_attaches_annotations_and_ignores_macos_extras() -> None:
    items, skipped = read("pocket_export.zip")
    assert len(items) == 5 and len(skipped) == 1
    plain = next(item for item in items if item.url.endswith("/plain"))
    # The empty quote is not a highlight; a quote's newline is kept.
    assert [h.quote for h in plain.highlights] == [
        "First highlighted sentence.",
        "A quote\nover two lines.",
    ]
    assert plain.highlights[0].created == datetime.fromtimestamp(1690001000, UTC)
    orphan = items[-1]
    assert orphan.url.endswith("/only-annotated") and orphan.title == "Only in annotations"
    assert orphan.highlights[0].quote == "Orphan quote."


def test_instapaper_folders_selection_tags_and_crlf() -> None:
    items, skipped = read("instapaper-export.csv")
    unread, archived, starred, foldered = items
    assert not unread.read and not unread.starred and unread.tags == ()
    assert archived.read and archived.note == "A note\nover lines"
    assert archived.tags == ("tech", "long read")
    assert starred.starred and starred.title == "" and starred.tags == ()
    assert foldered.tags == ("food", "Recipes")
    assert foldered.saved == datetime.fromtimestamp(1700000300, UTC)
    assert [s.source for s in skipped] == ["row 5"]


def test_bookmarks_folders_dates_descriptions_and_place_uris() -> None:
    items, skipped = read("bookmarks.html")
    seconds, millis, micros, no_date, again = items
    moment = datetime.fromtimestamp(1600000000, UTC)
    assert seconds.saved == millis.saved == micros.saved == moment
    assert seconds.title == "Seconds & more" and seconds.tags == ("alpha", "beta", "Toolbar")
    assert seconds.note == "A description\nover several lines"
    assert millis.tags == ("gamma", "delta", "Toolbar", "Reading")
    assert micros.tags == ("Toolbar", "Reading") and micros.note == ""
    assert no_date.saved is None and no_date.tags == ()
    assert again.url.endswith("#again")
    assert [s.reason for s in skipped] == ["not a web page: a place: address"]


def test_wallabag_types_missing_fields_and_annotations() -> None:
    items, skipped = read("wallabag.json")
    tides, starred, minimal = items
    assert tides.read and not tides.starred and tides.author == "Ann Writer"
    assert "<b>timetable</b>" in tides.content_html and tides.tags == ("sea", "transport")
    assert tides.saved == datetime.fromisoformat("2016-09-08T11:55:58+02:00")
    assert [(h.quote, h.note) for h in tides.highlights] == [
        ("Ferries keep to a timetable", "My note"),
        ("not in the text at all", ""),
    ]
    assert starred.starred and not starred.read and starred.tags == ("api-style",)
    assert minimal.title == "" and minimal.saved is None
    assert [s.source for s in skipped] == ["entry 3", "entry 4"]


def test_omnivore_zip_content_highlights_labels_and_state() -> None:
    items, skipped = read("omnivore.zip")
    quiet, bare = items
    assert quiet.read and quiet.tags == ("sea", "calm") and quiet.author == "B. Sailor"
    assert quiet.content_markdown.startswith("# Quiet harbours")
    assert quiet.saved == datetime(2024, 1, 2, 3, 4, 5, 678000, UTC)
    assert [(h.quote, h.note) for h in quiet.highlights] == [
        ("Small harbours keep their boats all winter.", "A note on it"),
        ("The harbour master knows every hull", ""),
    ]
    assert not bare.read and bare.content_markdown == "" and bare.highlights == ()
    assert len(skipped) == 1


def test_omnivore_highlight_markdown_keeps_multi_line_quotes() -> None:
    text = "> one\n> two [x](https://omnivore.app/a)\n\n> three\n\nnote\nmore\n"
    marks = list(omnivore.highlights_from_markdown(text))
    assert [(m.quote, m.note) for m in marks] == [("one\ntwo", ""), ("three", "note\nmore")]


@pytest.mark.parametrize(
    "module", [pocket_html, pocket_csv, instapaper, bookmarks, wallabag, omnivore]
)
@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00garbage", b"PK\x03\x04broken zip", b"[" * 5000, b"\x00" * 100],
)
def test_no_format_raises_on_garbage(module: object, data: bytes) -> None:
    try:
        source = source_from_bytes("x", data)
    except Exception as error:  # only a SourceError, one line, for a damaged zip
        assert type(error).__name__ == "SourceError"
        return
    if module.detect(source):  # type: ignore[attr-defined]
        list(module.parse(source))  # type: ignore[attr-defined]
