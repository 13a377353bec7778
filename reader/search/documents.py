"""What the index keeps of an article: its schema, the documents written, the hits read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import tantivy

from reader.models import Article, UserText
from reader.sanitize import valid_unicode
from reader.search.analysis import FOLDED, STEMMED, Marker, Snippet, make_snippet

NOTE_LABEL = "your note: "
"""Leads a snippet taken from the reader's notes rather than the article."""

__all__ = [
    "NOTE_LABEL",
    "Hit",
    "article_document",
    "build_schema",
    "fields_document",
    "hit_of",
]


def build_schema() -> tantivy.Schema:
    """The index schema: ids, stemmed title and body, folded keyword fields, a day number."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("title", stored=True, tokenizer_name=STEMMED)
    builder.add_text_field("body", stored=True, tokenizer_name=STEMMED)
    # The reader's own note and highlight notes on the article (see models.UserText).
    builder.add_text_field("notes", stored=True, tokenizer_name=STEMMED)
    for name in ("tags", "place", "source"):
        builder.add_text_field(name, tokenizer_name=FOLDED)
    # days since 0001-01-01 (date.toordinal): cheap to range over and to sort by
    builder.add_integer_field("day", stored=True, indexed=True, fast=True)
    return builder.build()


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching article."""

    id: str
    score: float
    title: str
    date: date | None
    snippet: Snippet
    in_notes: bool = False
    """True when the snippet comes from the reader's notes, not the article."""


def article_document(article: Article, user: UserText | None = None) -> tantivy.Document:
    """The index's document of a loaded article, with the reader's texts on it, if any."""
    meta = article.meta
    day = meta.date.toordinal() if meta.date is not None else None
    return fields_document(
        meta.id, meta.title, day, meta.place, meta.source, meta.tags, article.body_text(), user
    )


def fields_document(
    article_id: str,
    title: str,
    day: int | None,
    place: str | None,
    source: str | None,
    tags: Iterable[str],
    body: str,
    user: UserText | None,
) -> tantivy.Document:
    """The index's document of an article; `day` is its date's ordinal."""
    doc = tantivy.Document()
    doc.add_text("id", article_id)
    doc.add_text("title", valid_unicode(title))
    doc.add_text("body", valid_unicode(body))
    if user is not None and user.notes:
        doc.add_text("notes", valid_unicode(user.notes))
    for tag in dict.fromkeys((*tags, *(user.tags if user else ()))):
        doc.add_text("tags", valid_unicode(tag))
    if place:
        doc.add_text("place", valid_unicode(place))
    if source:
        doc.add_text("source", valid_unicode(source))
    if day is not None:
        doc.add_integer("day", day)
    return doc


def hit_of(doc: tantivy.Document, score: float, marker: Marker, snippets: bool) -> Hit:
    """A stored document as a hit, with its snippet marked when `snippets`."""
    day = doc.get_first("day")
    snippet, in_notes = _snippet(doc, marker) if snippets else (Snippet(""), False)
    return Hit(
        id=str(doc.get_first("id") or ""),
        score=float(score),
        title=str(doc.get_first("title") or ""),
        date=date.fromordinal(day) if isinstance(day, int) and day > 0 else None,
        snippet=snippet,
        in_notes=in_notes,
    )


def _snippet(doc: tantivy.Document, marker: Marker) -> tuple[Snippet, bool]:
    """The article's snippet, or the notes' when only they hold a match (labelled so)."""
    body = doc.get_first("body")
    snippet = make_snippet(str(body), marker) if body else Snippet("")
    notes = doc.get_first("notes")
    if snippet.spans or not notes:
        return snippet, False
    found = make_snippet(str(notes), marker)
    if not found.spans:
        return snippet, False
    shift = len(NOTE_LABEL)
    spans = tuple((start + shift, end + shift) for start, end in found.spans)
    return Snippet(NOTE_LABEL + found.text, spans), True
