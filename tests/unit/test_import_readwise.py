"""Readwise CSV (books and articles with highlights) and Readwise Reader CSV (documents)."""

from __future__ import annotations

from datetime import UTC, datetime

from reader.imports.formats._common import literal_list
from reader.imports.formats.readwise import READWISE, READWISE_READER
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, SkippedItem
from tests.unit.import_sources import fixture, split


def test_readwise_books_hold_their_highlights_notes_colours_tags_and_dates() -> None:
    items, skipped = split(list(READWISE.parse(fixture("readwise_export.csv"))))

    assert items[0] == ImportedItem(
        "line 2",
        title="The Art of Reading",
        author="Jane Doe",
        tags=("books", "craft", "reading"),
        highlights=(
            ImportedHighlight(
                "Reading is a conversation.",
                note="True of every good book.",
                created=datetime(2020, 9, 21, 4, 53, 16, 752500, tzinfo=UTC),
                color="yellow",
                location="location 1051",
                tags=("favorite",),
            ),
            ImportedHighlight(
                'A passage that runs\nover two lines, with "quotes".',
                created=datetime(2020, 9, 22, 10, 0, tzinfo=UTC),
                color="blue",
                location="page 69",
                tags=("favorite", "discard"),
            ),
            ImportedHighlight("Not a date", location="location 2000"),
        ),
        extra={"format": "readwise", "amazon_book_id": "B00TEST123"},
    )
    assert [(item.title, item.author, len(item.highlights)) for item in items[1:]] == [
        ("How to Take Notes", "blog.example.com", 1),
        ("Untitled Notes", "", 1),
    ]
    assert items[1].highlights[0].location == "offset 1200"
    assert skipped == [SkippedItem("line 6", "a highlight with no text in 'The Art of Reading'")]


def test_readwise_rows_with_a_url_become_articles_grouped_by_url() -> None:
    text = (
        "Highlight,Book Title,Book Author,URL,Note\n"
        "one,Post,Ann,https://a.example/post,\n"
        "two,Post,Ann,https://a.example/post,n\n"
        "three,Post,Ann,https://b.example/post,\n"
    )
    items, _ = split(list(READWISE.parse(ImportSource("x.csv", text.encode()))))
    assert [(item.url, [h.quote for h in item.highlights]) for item in items] == [
        ("https://a.example/post", ["one", "two"]),
        ("https://b.example/post", ["three"]),
    ]


def test_reader_documents_with_read_state_tags_and_dates() -> None:
    items, skipped = split(list(READWISE_READER.parse(fixture("readwise_reader.csv"))))

    assert items[0] == ImportedItem(
        "line 2",
        url="https://example.com/terminals",
        title="Why terminals",
        tags=("tools", "unix", "it's fine"),
        read=True,
        saved=datetime(2023, 8, 8, 21, 56, 18, 11000, tzinfo=UTC),
        extra={
            "format": "readwise-reader",
            "reader_location": "archive",
            "id": "01abc",
            "reading_progress": "1",
            "seen": "true",
        },
    )
    assert [(i.title, i.read, i.starred, i.tags) for i in items[1:]] == [
        ("Half read", False, False, ()),
        ("Starred one", False, True, ("Favourites",)),
        ("Bad tags", False, False, ("__import__('os').system('true')",)),
    ]
    assert items[2].saved == datetime(2023, 8, 10, 8, 0, tzinfo=UTC)
    assert skipped == [SkippedItem("line 5", "'Uploaded PDF' has no URL")]


def test_a_python_list_repr_is_parsed_never_run() -> None:
    assert literal_list("['a', \"b'c\"]") == ["a", "b'c"]
    assert literal_list("__import__('os').system('false')") is None
    assert literal_list("[" * 5000 + "]" * 5000) is None
    assert literal_list("['x'] " + " " * 9000) is None  # over the size cap
    assert literal_list("{'a': 1}") is None


def test_each_detector_knows_its_own_header_only() -> None:
    readwise, reader = fixture("readwise_export.csv"), fixture("readwise_reader.csv")
    assert READWISE.detect(readwise) and not READWISE.detect(reader)
    assert READWISE_READER.detect(reader) and not READWISE_READER.detect(readwise)
    assert not READWISE.detect(ImportSource("x", b"Highlight\n"))


def test_a_highlight_longer_than_the_csv_modules_default_limit_is_kept() -> None:
    long = "word " * 40_000
    text = f'Highlight,Book Title\nfirst,B\n"{long}",B\nthird,B\n'
    (item,) = list(READWISE.parse(ImportSource("x.csv", text.encode())))
    assert isinstance(item, ImportedItem)
    assert [len(h.quote) for h in item.highlights] == [5, len(long.strip()), 5]


def test_the_readwise_import_template_is_read_as_well() -> None:
    source = fixture("readwise_template.csv")
    assert READWISE.detect(source) and not READWISE_READER.detect(source)
    items, skipped = split(list(READWISE.parse(source)))
    assert skipped == []
    assert [(i.title, i.author, i.url) for i in items] == [
        ("A Web Page", "Some Writer", "https://web.example.com/page"),
        ("A Book", "Book Writer", ""),
    ]
    assert items[0].highlights == (
        ImportedHighlight(
            "A line from a web page", note="my note", created=datetime(2021, 5, 6, 7, 8, 9)
        ),
    )
    assert items[1].highlights == (ImportedHighlight("A line from a book", location="120"),)
