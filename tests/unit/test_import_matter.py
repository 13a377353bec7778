"""Matter: history CSV with read state and RFC 2047 publishers, highlights CSV, and the zip."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.imports.formats.matter import MATTER, decode_words
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, SkippedItem
from tests.unit.import_sources import fixture, split

SLOW = ImportedItem(
    "line 2",
    url="https://slow.example.com/web",
    title="The Slow Web",
    author="Ann Author",
    read=True,
    saved=datetime(2023, 5, 1, 10, 0, tzinfo=UTC),
    extra={"format": "matter", "publisher": "Café Review", "word_count": "1200"},
)
SLOW_QUOTES = (
    ImportedHighlight("Slow is smooth,\nsmooth is fast.", created=datetime(2023, 5, 1, 10, 5)),
    ImportedHighlight("Second quote", created=datetime(2023, 5, 1, 10, 6, tzinfo=UTC)),
)


def test_history_rows_become_links_with_read_state_and_decoded_publishers() -> None:
    items, skipped = split(list(MATTER.parse(fixture("matter_history.csv"))))

    assert items[0] == SLOW
    assert (items[1].title, items[1].read, items[1].extra["publisher"]) == (
        "Reading, Again",
        False,
        "Süddeutsche Zeitung",
    )
    # Undecodable encoded words stay as written rather than failing the row.
    assert items[2].extra["publisher"] == "=?bogus?q?x?="
    assert skipped == [SkippedItem("line 4", "'No link here' has no URL")]


def test_the_zip_joins_highlights_by_title_and_texts_and_ignores_macosx() -> None:
    items, skipped = split(list(MATTER.parse(fixture("matter_export.zip"))))

    slow = items[0]
    assert slow.highlights == SLOW_QUOTES
    assert "<p>Second quote and more.</p>" in slow.content_html
    assert "Texte über das Lesen" in items[1].content_html
    assert items[2].url == "https://odd.example.org/" and items[2].content_html == ""
    orphan, text_only = items[3], items[4]
    assert (orphan.url, orphan.title, orphan.author) == ("", "An Article Not In History", "Writer")
    assert orphan.highlights[0].quote == "Orphan quote"
    assert (text_only.source, text_only.title) == ("content_103.html", "Only In The Zip")
    assert len(items) == 5
    assert [(one.source, one.reason) for one in skipped] == [
        ("_matter_highlights.csv line 6", "a highlight with no text in 'The Slow Web'"),
        ("content_104.html", "an empty or unreadable article text"),
        ("line 4", "'No link here' has no URL"),
    ]


def test_a_highlights_csv_alone_gives_one_document_per_title() -> None:
    items, skipped = split(list(MATTER.parse(fixture("matter_highlights.csv"))))
    assert [(item.title, item.highlights) for item in items][0] == ("The Slow Web", SLOW_QUOTES)
    assert items[1].title == "An Article Not In History"
    assert skipped == [SkippedItem("line 6", "a highlight with no text in 'The Slow Web'")]


def test_encoded_words() -> None:
    assert decode_words("=?utf-8?q?Caf=C3=A9?=") == "Café"
    assert decode_words("=?iso-8859-1?q?caf=E9?= au lait") == "café au lait"
    assert decode_words("=?nope?q?x?=") == "=?nope?q?x?="
    assert decode_words("plain") == "plain"
    assert decode_words("=?\u20acx?q?y?=") == "=?\u20acx?q?y?="  # a charset name not ASCII


def test_detect_reads_the_zip_members_not_their_names() -> None:
    def reader(name: str) -> bytes:
        return {"export.csv": b"Title,Author,Publisher,URL,Read\n", "other.csv": b"a,b\n"}[name]

    assert MATTER.detect(ImportSource("z.zip", members=("export.csv",), read_member=reader))
    assert not MATTER.detect(ImportSource("z.zip", members=("other.csv",), read_member=reader))
    assert not MATTER.detect(ImportSource("z.zip", members=("_matter_history.csv",)))
