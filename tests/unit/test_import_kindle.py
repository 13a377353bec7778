"""Kindle `My Clippings.txt`: every metadata variant, notes, bookmarks and re-highlights."""

from __future__ import annotations

from datetime import datetime

import pytest

from reader.imports.formats.kindle import FORMAT, kindle_date, title_author
from reader.imports.items import (
    ImportedHighlight,
    ImportedItem,
    ImportSource,
    Parsed,
    SkippedItem,
)
from tests.unit.import_sources import fixture, split

SEP = "=========="


def parse_text(text: str) -> list[Parsed]:
    return list(FORMAT.parse(ImportSource("clips.txt", text.encode())))


def one_item(text: str, data: bytes | None = None) -> ImportedItem:
    """The one item a clippings text (or these bytes) gives."""
    (item,) = list(FORMAT.parse(ImportSource("clips.txt", data or text.encode())))
    assert isinstance(item, ImportedItem)
    return item


def test_the_fixture_gives_one_item_per_book_with_every_highlight() -> None:
    items, skipped = split(list(FORMAT.parse(fixture("kindle_my_clippings.txt"))))

    assert [(item.title, item.author, item.url) for item in items] == [
        ("The Art of Reading", "Jane Doe", ""),
        ("Collected Essays (Volume 2)", "Orwell, George", ""),
        ("Der Process", "Franz Kafka", ""),
        ("三体", "刘慈欣", ""),
        ("A Clipped Web Article", "", ""),
    ]
    art, essays, process, santi, article = items
    assert art.highlights == (
        ImportedHighlight(
            "Reading is a conversation.",
            note="True of every good book.",
            created=datetime(2020, 2, 23, 14, 58, 27),
            location="page 69, location 1051-1052",
        ),
        ImportedHighlight(
            "First line of a passage\nand its second line.",
            created=datetime(2020, 2, 24, 0, 5),
            location="location 563-564",
        ),
        ImportedHighlight(
            "The quick brown fox jumps over the lazy dog.",
            created=datetime(2020, 2, 24, 9, 1),
            location="location 1300-1303",
        ),
    )
    assert art.note == "location 2000: Remember to reread chapter 9."
    assert art.extra["re_highlights_merged"] == "1"
    assert art.source == "clipping 1"
    assert essays.highlights == (
        ImportedHighlight(
            "Good prose is like a windowpane.",
            created=datetime(2014, 3, 10, 14, 34, 24),
            location="location 12-13",
        ),
    )
    assert process.highlights == (
        ImportedHighlight(
            "Jemand musste Josef K. verleumdet haben.",
            note="Der berühmte erste Satz.",
            created=datetime(2014, 6, 24, 7, 19, 51),
            location="location 12-13",
        ),
    )
    assert santi.highlights == (
        ImportedHighlight(
            "宇宙很大，生活更大。",
            note="我的笔记：很好。",
            created=datetime(2013, 12, 27, 1, 58, 30),
            location="location 469-471",
        ),
    )
    assert article.highlights[0].quote == "Glued to the separator."
    assert [(one.source, one.reason) for one in skipped] == [
        (
            "clipping 3",
            "a bookmark (location 1200) in 'The Art of Reading': bookmarks hold no text",
        ),
        ("clipping 10", "a bookmark (location 40) in 'Der Process': bookmarks hold no text"),
        ("clipping 13", "a bookmark (location 500) in '三体': bookmarks hold no text"),
        (
            "clipping 15",
            "no text in 'The Art of Reading': the publisher's clipping limit was reached "
            "on the Kindle",
        ),
        ("clipping 16", "an empty highlight in 'The Art of Reading'"),
        ("clipping 18", "not a clipping (no metadata line after 'Just some stray text')"),
    ]


def test_the_fixture_holds_the_oddities_it_claims() -> None:
    data = fixture("kindle_my_clippings.txt").data
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\xef\xbb\xbf") == 2
    assert b"\r\n" in data and b"\n- Your" in data
    assert b"separator.==========" in data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Added on Sunday, February 23, 2020 2:58:27 PM", datetime(2020, 2, 23, 14, 58, 27)),
        ("Added on Sunday, February 23, 2020 12:10:00 AM", datetime(2020, 2, 23, 0, 10)),
        ("Added on Sunday, February 23, 2020 12:10:00 PM", datetime(2020, 2, 23, 12, 10)),
        ("Added on Monday, 10 March 2014 14:34:24", datetime(2014, 3, 10, 14, 34, 24)),
        ("Hinzugefügt am Dienstag, 24. Juni 2014 07:19:51", datetime(2014, 6, 24, 7, 19, 51)),
        ("Hinzugefügt am Montag, 3. März 2014 7:19:51", datetime(2014, 3, 3, 7, 19, 51)),
        ("添加于 2013年12月27日星期五 上午1:58:30", datetime(2013, 12, 27, 1, 58, 30)),
        ("添加于 2013年12月27日星期五 下午1:58:30", datetime(2013, 12, 27, 13, 58, 30)),
        ("Ajouté le jeudi 5 mars 2015 09:00:00", datetime(2015, 3, 5, 9, 0)),
        ("Añadido el lunes, 2 de febrero de 2015 8:01:02", datetime(2015, 2, 2, 8, 1, 2)),
        ("Added on Sunday, February 31, 2020 2:58:27 PM", None),
        ("作成日: 2019年1月1日火曜日 午後3:04:05", datetime(2019, 1, 1, 15, 4, 5)),
        ("Added on a sunny day", None),
        ("", None),
    ],
)
def test_dates_in_every_device_language(text: str, expected: datetime | None) -> None:
    assert kindle_date(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The Art of Reading (Jane Doe)", ("The Art of Reading", "Jane Doe")),
        ("Essays (Volume 2) (Orwell, George)", ("Essays (Volume 2)", "Orwell, George")),
        ("A Title (Editor (ed.))", ("A Title", "Editor (ed.)")),
        ("No author here", ("No author here", "")),
        ("(Only Parens)", ("(Only Parens)", "")),
        ("Unbalanced) (x", ("Unbalanced) (x", "")),
        ("", ("Untitled", "")),
    ],
)
def test_title_and_author(line: str, expected: tuple[str, str]) -> None:
    assert title_author(line) == expected


def test_a_note_written_before_its_highlight_still_attaches() -> None:
    item = one_item(
        f"Book (A)\n- Your Note on Location 20 | Added on Monday, 10 March 2014 14:34:24\n\n"
        f"the note\n{SEP}\n"
        f"Book (A)\n- Your Highlight on Location 19-20 | Added on Monday, 10 March 2014 14:34:25"
        f"\n\nthe quote\n{SEP}\n"
    )
    assert item.highlights[0].note == "the note"
    assert item.note == ""


def test_a_pdf_note_on_a_page_attaches_to_that_page_highlight() -> None:
    item = one_item(
        f"Paper\n- Your Highlight on page 5 | Added on Monday, 10 March 2014 14:34:24\n\n"
        f"quote\n{SEP}\nPaper\n- Your Note on page 5 | Added on Monday, 10 March 2014 14:34:25"
        f"\n\nnote\n{SEP}\n"
    )
    assert item.highlights == (
        ImportedHighlight("quote", "note", datetime(2014, 3, 10, 14, 34, 24), location="page 5"),
    )


def test_re_highlights_keep_the_longer_and_distinct_ones_stay() -> None:
    meta = "- Your Highlight on Location {} | Added on Monday, 10 March 2014 14:34:24"
    entries = [
        ("10-12", "It was a bright cold day in April, and the clocks"),
        ("10-13", "It was a bright cold day in April, and the clocks were striking thirteen."),
        ("11-12", "cold day in April"),  # inside the longer one: the same passage
        ("12-14", "Winston Smith, his chin nuzzled into his breast"),  # overlaps, other words
        ("90-91", "It was a bright cold day in April"),  # the same words elsewhere: kept
    ]
    text = "".join(f"Book (A)\n{meta.format(loc)}\n\n{quote}\n{SEP}\n" for loc, quote in entries)
    item = one_item(text)
    assert [h.quote for h in item.highlights] == [
        "It was a bright cold day in April, and the clocks were striking thirteen.",
        "Winston Smith, his chin nuzzled into his breast",
        "It was a bright cold day in April",
    ]
    assert item.extra["re_highlights_merged"] == "2"


def test_unknown_kinds_and_stray_text_are_skipped_with_reasons() -> None:
    parsed = parse_text(
        f"Book (A)\n- Something odd | Added on Monday, 10 March 2014 14:34:24\n\ntext\n{SEP}\n"
        f"\n\n{SEP}\n{SEP}\nlonely line\n{SEP}"
    )
    assert parsed == [
        SkippedItem(
            "clipping 1",
            "unknown kind of clipping: '- Something odd | Added on Monday, 10 March 2014 14:34:24'",
        ),
        SkippedItem("clipping 4", "not a clipping (no metadata line after 'lonely line')"),
    ]


def test_latin1_bytes_and_an_empty_file_never_fail() -> None:
    raw = (
        "Caf\xe9 (A)\n- Your Highlight on Location 1-2 | Added on Monday, 10 March 2014 14:34:24"
        f"\n\nna\xefve\n{SEP}\n"
    ).encode("latin-1")
    item = one_item(raw.decode("latin-1"), raw)
    assert (item.title, item.highlights[0].quote) == ("Café", "naïve")
    assert list(FORMAT.parse(ImportSource("x", b""))) == []


def test_detect_needs_a_clipping_not_just_a_separator() -> None:
    assert FORMAT.detect(fixture("kindle_my_clippings.txt"))
    assert not FORMAT.detect(ImportSource("x", f"text\n{SEP}\nmore".encode()))
    assert not FORMAT.detect(ImportSource("x", b""))
    assert not FORMAT.detect(ImportSource("x.zip", members=("a.txt",)))


def test_the_same_words_at_two_places_are_two_highlights_and_long_ones_take_notes() -> None:
    meta = "- Your {} on Location {} | Added on Monday, 10 March 2014 14:34:24"
    entries = [
        ("Highlight", "10-11", "Chorus line"),
        ("Highlight", "500-501", "Chorus line"),
        ("Highlight", "1000-1080", "A very long passage"),
        ("Note", "1080", "at its end"),
        ("Highlight", "10-11", "Chorus line"),  # synced twice: the same place and words
    ]
    text = "".join(
        f"Book (A)\n{meta.format(kind, loc)}\n\n{quote}\n{SEP}\n" for kind, loc, quote in entries
    )
    item = one_item(text)
    assert [(h.quote, h.location, h.note) for h in item.highlights] == [
        ("Chorus line", "location 10-11", ""),
        ("Chorus line", "location 500-501", ""),
        ("A very long passage", "location 1000-1080", "at its end"),
    ]
    assert item.extra["re_highlights_merged"] == "1"


def test_detect_looks_past_a_damaged_first_entry() -> None:
    text = (
        f"stray\n{SEP}\nBook (A)\n- Your Highlight on Location 1-2 | Added on Monday, "
        f"10 March 2014 14:34:24\n\nq\n{SEP}\n"
    )
    assert FORMAT.detect(ImportSource("x", text.encode()))


@pytest.mark.parametrize(
    ("meta", "location", "created"),
    [
        (
            "- Votre surlignement sur la page 69 | emplacement 1051-1052 | "
            "Ajouté le jeudi 5 mars 2015 09:00:00",
            "page 69, location 1051-1052",
            datetime(2015, 3, 5, 9, 0),
        ),
        (
            "- Tu subrayado en la página 7 | posición 100-101 | "
            "Añadido el lunes, 2 de febrero de 2015 8:01:02",
            "page 7, location 100-101",
            datetime(2015, 2, 2, 8, 1, 2),
        ),
        (
            "- 位置No. 123-124のハイライト |作成日: 2019年1月1日火曜日 午後3:04:05",
            "location 123-124",
            datetime(2019, 1, 1, 15, 4, 5),
        ),
        (
            "- Ihre Markierung auf Seite 12 | Position 180-81 | "
            "Hinzugefügt am Montag, 3. März 2014 07:19:51",
            "page 12, location 180-181",
            datetime(2014, 3, 3, 7, 19, 51),
        ),
        ("- Your Highlight on page xii", "page xii", None),
        ("- Clip This Article", "", None),
    ],
)
def test_metadata_lines_of_other_languages(
    meta: str, location: str, created: datetime | None
) -> None:
    item = one_item(f"Book (A)\n{meta}\n\nthe quote\n{SEP}\n")
    assert item.highlights == (ImportedHighlight("the quote", created=created, location=location),)


def test_skip_reasons_show_outside_text_safely() -> None:
    parsed = parse_text(
        f"Evil \x1b[31mTitle\u202e (A)\n- Your Bookmark on Location 5 | Added on Monday, "
        f"10 March 2014 14:34:24\n\n\n{SEP}\n"
    )
    assert parsed == [
        SkippedItem("clipping 1", "a bookmark (location 5) in 'Evil Title': bookmarks hold no text")
    ]
