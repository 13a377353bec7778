"""Readwise's highlights CSV (books and articles) and Readwise Reader's documents CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from reader.imports.formats._common import (
    clean,
    csv_dicts,
    csv_header,
    decode,
    head_text,
    key,
    one_line,
    parse_bool,
    parse_datetime,
    split_tags,
)
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem

_URL_COLUMNS = ("URL", "Source URL", "Book URL", "Url")
_READ_PROGRESS = 0.99
"""Reader counts a document finished a little before its very last word."""


@dataclass(slots=True)
class _Book:
    source: str
    title: str
    author: str
    url: str
    tags: tuple[str, ...] = ()
    asin: str = ""
    highlights: list[ImportedHighlight] = field(default_factory=list)


class ReadwiseFormat:
    """Readwise CSV: one item per book or article, holding its highlights."""

    name = "readwise"

    def detect(self, source: ImportSource) -> bool:
        """A CSV whose header names `Highlight` and `Book Title` (the export), or `Highlight`,
        `Title` and `Author` (the import template people fill to move into Readwise)."""
        header = _header(source)
        return "Highlight" in header and ("Book Title" in header or {"Title", "Author"} <= header)

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """Rows that cannot be used as they come, then each book with its highlights."""
        books: dict[tuple[str, str, str], _Book] = {}
        for line, row in csv_dicts(decode(source.data)):
            where = f"line {line}"
            if isinstance(row, str):
                yield SkippedItem(where, f"unreadable CSV record: {one_line(row)}")
                continue
            title = _first(row, "Book Title", "Title") or "Untitled"
            quote = clean(row.get("Highlight"))
            if not quote:
                yield SkippedItem(where, f"a highlight with no text in {one_line(title)!r}")
                continue
            author, url = _first(row, "Book Author", "Author"), _url(row)
            book_key = (key(title), key(author), url)
            book = books.get(book_key)
            if book is None:
                book = books[book_key] = _Book(where, title, author, url)
                book.asin = clean(row.get("Amazon Book ID"))
            book.tags = tuple(dict.fromkeys(book.tags + split_tags(row.get("Document tags"))))
            book.highlights.append(_highlight(row, quote))
        for book in books.values():
            extra = {"format": "readwise"}
            if book.asin:
                extra["amazon_book_id"] = book.asin
            yield ImportedItem(
                book.source,
                url=book.url,
                title=book.title,
                author=book.author,
                tags=book.tags,
                highlights=tuple(book.highlights),
                extra=extra,
            )


class ReadwiseReaderFormat:
    """Readwise Reader CSV: one link item per document, with its read state."""

    name = "readwise-reader"

    def detect(self, source: ImportSource) -> bool:
        """A CSV whose header names `Title`, `URL` and Reader's `Reading progress` or `Seen`."""
        header = _header(source)
        return {"Title", "URL"} <= header and bool({"Reading progress", "Seen"} & header)

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """One item per row, in order."""
        for line, row in csv_dicts(decode(source.data)):
            where = f"line {line}"
            if isinstance(row, str):
                yield SkippedItem(where, f"unreadable CSV record: {one_line(row)}")
                continue
            yield _reader_item(where, row)


READWISE = ReadwiseFormat()
READWISE_READER = ReadwiseReaderFormat()


def _header(source: ImportSource) -> set[str]:
    if not source.data:
        return set()
    return set(csv_header(head_text(source.data)))


def _first(row: dict[str, str], *columns: str) -> str:
    return next((clean(row.get(c)) for c in columns if clean(row.get(c))), "")


def _url(row: dict[str, str]) -> str:
    for column in _URL_COLUMNS:
        value = clean(row.get(column))
        if value:
            return value
    return ""


def _highlight(row: dict[str, str], quote: str) -> ImportedHighlight:
    kind, where = clean(row.get("Location Type")), clean(row.get("Location"))
    location = f"{kind} {where}".strip() if where else ""
    return ImportedHighlight(
        quote,
        note=clean(row.get("Note")),
        created=parse_datetime(_first(row, "Highlighted at", "Date")),
        color=clean(row.get("Color")),
        location=location,
        tags=split_tags(row.get("Tags")),
    )


def _reader_item(where: str, row: dict[str, str]) -> Parsed:
    url, title = clean(row.get("URL")), clean(row.get("Title"))
    if not url:
        return SkippedItem(where, f"{one_line(title or 'a document')!r} has no URL")
    progress = _progress(row.get("Reading progress"))
    place = clean(row.get("Location")).casefold()
    extra = {"format": "readwise-reader", "reader_location": place}
    if clean(row.get("ID")):
        extra["id"] = clean(row.get("ID"))
    if progress is not None:
        extra["reading_progress"] = f"{progress:g}"
    seen = clean(row.get("Seen"))
    if seen:
        extra["seen"] = str(parse_bool(seen)).lower()
    return ImportedItem(
        where,
        url=url,
        title=title,
        tags=split_tags(row.get("Document tags")),
        read=place == "archive" or (progress is not None and progress >= _READ_PROGRESS),
        # Reader's shortlist is where its users keep what they star.
        starred=place == "shortlist",
        saved=parse_datetime(row.get("Saved date")),
        extra=extra,
    )


def _progress(value: object) -> float | None:
    """`0.5`, `50%` or `1` as a fraction of the document, or None when not given."""
    text = clean(value)
    try:
        number = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        return None
    if number != number or number < 0:  # NaN or negative
        return None
    return min(number, 1.0)
