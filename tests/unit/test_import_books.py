"""Highlights with no web address (books) become one document per book whose quotes are
highlights in the store, anchored in it; importing again adds only new quotes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from reader import paths
from reader.annotations import annotated_articles, locate_highlights
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed
from reader.imports.pipeline import import_source
from reader.library import Library
from reader.store import Store


class Books:
    """A format made in the test: it yields the items it is given."""

    name = "books-test"

    def __init__(self, items: list[Parsed]) -> None:
        self.items = items

    def detect(self, source: ImportSource) -> bool:
        return True

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        return iter(self.items)


def mark(quote: str, where: str = "", note: str = "") -> ImportedHighlight:
    return ImportedHighlight(
        quote=quote, location=where, note=note, created=datetime(2020, 2, 23, 14, 58, tzinfo=UTC)
    )


DUNE = ImportedItem(
    source="clipping 1",
    title="Dune",
    author="Frank Herbert",
    highlights=(
        mark("I must not fear.\nFear is the mind-killer.", "Location 1051-1052", "Litany"),
        mark("The mystery of life isn't a problem to solve.", "page 69"),
    ),
)


def run(items: list[Parsed]) -> tuple[object, Path]:
    folder = paths.user_library_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with Library([folder]) as library, Store.open(paths.data_dir() / "store.json") as store:
        form = Books(items)
        report = import_source(
            ImportSource("books"), form, library=library, store=store, folder=folder
        )
    return report, folder


def test_a_book_becomes_one_document_whose_quotes_are_anchored_highlights() -> None:
    report, folder = run([DUNE])
    assert (report.items, report.imported, report.books, report.highlights) == (1, 1, 1, 2)
    (document,) = (folder / "books").glob("*.md")
    text = document.read_text(encoding="utf-8")
    assert "title: Dune" in text and "author: Frank Herbert" in text
    assert "> I must not fear.\n> Fear is the mind-killer." in text
    assert "Location 1051-1052 · added 2020-02-23" in text and "Litany" in text
    with Library([folder]) as library, Store.open(paths.data_dir() / "store.json") as store:
        (item,) = annotated_articles(library, store)
        places = locate_highlights(library, item)
        assert len(item.highlights) == 2 and all(places[h.uuid] for h in item.highlights)
        assert {h.note for h in item.highlights} == {"Litany", None}


def test_the_same_book_again_adds_only_new_quotes_to_its_document() -> None:
    run([DUNE])
    more = ImportedItem(
        source="clipping 9",
        title="dune",
        author="Frank  Herbert",
        highlights=(DUNE.highlights[0], mark("He who controls the spice controls the universe.")),
    )
    report, folder = run([more])
    assert (report.imported, report.duplicates, report.books, report.highlights) == (1, 0, 0, 1)
    (document,) = (folder / "books").glob("*.md")
    text = document.read_text(encoding="utf-8")
    assert text.count("Fear is the mind-killer") == 1 and "controls the universe" in text
    again, _ = run([more, DUNE])
    assert (again.imported, again.duplicates, again.highlights) == (0, 2, 0)
    with Store.open(paths.data_dir() / "store.json") as store:
        assert len(store.highlights()) == 3


def test_an_item_with_neither_address_nor_highlights_is_skipped_with_a_reason() -> None:
    report, _ = run([ImportedItem(source="clipping 3", title="A bookmark only")])
    assert report.items == 1 and report.imported == 0
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("clipping 3", "no web address and no highlights")
    ]


class Broken(Books):
    """A format whose reader trips halfway through the file."""

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        yield from self.items
        raise ValueError("bad\nbytes at offset 12")


def test_a_reader_that_trips_keeps_what_it_read_and_says_why_once() -> None:
    folder = paths.user_library_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with Library([folder]) as library, Store.open(paths.data_dir() / "store.json") as store:
        report = import_source(
            ImportSource("books"), Broken([DUNE]), library=library, store=store, folder=folder
        )
    assert (report.items, report.imported, report.books) == (2, 1, 1)
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("the rest of the file", "cannot be read: bad bytes at offset 12")
    ]
