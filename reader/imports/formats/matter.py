"""Matter's exports: the history CSV, the highlights CSV, and the zip holding both and the texts."""

from __future__ import annotations

import dataclasses
import email.errors
import email.header
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

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

HISTORY_COLUMNS = {"Title", "Author", "Publisher", "URL"}
HIGHLIGHT_COLUMNS = {"Text", "Highlighted Date", "Title"}
_CONTENT = re.compile(r"(?:^|/)content_([^/]*)\.html?$", re.IGNORECASE)
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_HTML_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ID_COLUMNS = ("File Id", "File ID", "ID", "Id", "id")


@dataclass(slots=True)
class _Highlights:
    source: str
    title: str
    author: str
    publisher: str
    quotes: list[ImportedHighlight] = field(default_factory=list)


class MatterFormat:
    """Matter: its history CSV, its highlights CSV, or its export zip."""

    name = "matter"

    def detect(self, source: ImportSource) -> bool:
        """A Matter CSV by its header, or a zip holding one."""
        if source.members:
            return _history_member(source) is not None or _highlights_member(source) is not None
        return _kind(source.data) is not None

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """The articles with their read state, highlights and texts."""
        if source.members:
            yield from _parse_zip(source)
            return
        kind = _kind(source.data)
        if kind == "history":
            yield from _with_highlights(_history(decode(source.data)), {}, {})
        elif kind == "highlights":
            groups, skipped = _highlight_groups(decode(source.data), "")
            yield from skipped
            yield from (_highlights_item(group) for group in groups.values())


MATTER = MatterFormat()


def decode_words(text: str) -> str:
    """Text with RFC 2047 encoded words (`=?utf-8?q?Caf=C3=A9?=`) decoded; as is when bad."""
    if _ENCODED_WORD.search(text) is None:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text))).strip()
    except (email.errors.MessageError, LookupError, UnicodeError, ValueError):
        return text


def _field(row: dict[str, str], name: str) -> str:
    return decode_words(clean(row.get(name)))


def _kind(data: bytes) -> str | None:
    if not data:
        return None
    header = set(csv_header(head_text(data)))
    if header >= HISTORY_COLUMNS:
        return "history"
    if header >= HIGHLIGHT_COLUMNS:
        return "highlights"
    return None


def _csv_members(source: ImportSource) -> Iterator[tuple[str, str | None]]:
    for name in source.members:
        if name.startswith("__MACOSX/") or "/__MACOSX/" in name or not name.endswith(".csv"):
            continue
        yield name, _kind(_member(source, name))


def _history_member(source: ImportSource) -> str | None:
    return next((name for name, kind in _csv_members(source) if kind == "history"), None)


def _highlights_member(source: ImportSource) -> str | None:
    return next((name for name, kind in _csv_members(source) if kind == "highlights"), None)


def _member(source: ImportSource, name: str) -> bytes:
    if source.read_member is None:
        return b""
    try:
        return source.read_member(name)
    except (OSError, ValueError, KeyError, RuntimeError):
        # A damaged or encrypted member reads as empty: its items are reported as skipped.
        return b""


def _history(text: str) -> Iterator[Parsed]:
    for line, row in csv_dicts(text):
        where = f"line {line}"
        if isinstance(row, str):
            yield SkippedItem(where, f"unreadable CSV record: {one_line(row)}")
            continue
        url, title = clean(row.get("URL")), _field(row, "Title")
        if not url:
            yield SkippedItem(where, f"{one_line(title or 'an article')!r} has no URL")
            continue
        extra = {"format": "matter"}
        for column, name in (("Publisher", "publisher"), ("Word Count", "word_count")):
            if _field(row, column):
                extra[name] = _field(row, column)
        identifier = next((clean(row.get(c)) for c in _ID_COLUMNS if clean(row.get(c))), "")
        if identifier:
            extra["id"] = identifier
        yield ImportedItem(
            where,
            url=url,
            title=title,
            author=_field(row, "Author"),
            tags=split_tags(row.get("Tags")),
            read=parse_bool(row.get("Read")),
            starred=parse_bool(row.get("Favorited") or row.get("Favorite")),
            saved=_saved(row),
            extra=extra,
        )


def _saved(row: dict[str, str]) -> datetime | None:
    for column in ("Saved", "Date Saved", "Saved At", "Last Interaction Date"):
        when = parse_datetime(row.get(column))
        if when is not None:
            return when
    return None


def _highlight_groups(text: str, name: str) -> tuple[dict[str, _Highlights], list[SkippedItem]]:
    groups: dict[str, _Highlights] = {}
    skipped: list[SkippedItem] = []
    for line, row in csv_dicts(text):
        where = f"{one_line(name, 120)} line {line}" if name else f"line {line}"
        if isinstance(row, str):
            skipped.append(SkippedItem(where, f"unreadable CSV record: {one_line(row)}"))
            continue
        quote, title = clean(row.get("Text")), _field(row, "Title")
        if not quote:
            skipped.append(SkippedItem(where, f"a highlight with no text in {one_line(title)!r}"))
            continue
        group = groups.get(key(title))
        if group is None:
            author, publisher = _field(row, "Author"), _field(row, "Publisher")
            group = groups[key(title)] = _Highlights(where, title, author, publisher)
        group.quotes.append(
            ImportedHighlight(
                quote,
                note=clean(row.get("Note")),
                created=parse_datetime(row.get("Highlighted Date")),
            )
        )
    return groups, skipped


def _highlights_item(group: _Highlights) -> ImportedItem:
    """Highlights whose article the export does not list: kept as a document of their own."""
    extra = {"format": "matter"}
    if group.publisher:
        extra["publisher"] = group.publisher
    return ImportedItem(
        group.source,
        title=group.title or "Untitled",
        author=group.author,
        highlights=tuple(group.quotes),
        extra=extra,
    )


def _with_highlights(
    items: Iterator[Parsed], groups: dict[str, _Highlights], texts: dict[str, tuple[str, str, str]]
) -> Iterator[Parsed]:
    """History items with their highlights (by title) and texts (by id, else by title)."""
    by_title = {title_key: text for title_key, (_, _, text) in texts.items()}
    by_id = {ident: title_key for title_key, (ident, _, _) in texts.items()}
    used: set[str] = set()
    for item in items:
        if isinstance(item, SkippedItem):
            yield item
            continue
        title_key = key(item.title)
        group = groups.pop(title_key, None)
        text_key = by_id.get(item.extra.get("id", "\0"), title_key)
        content = by_title.get(text_key, "") if text_key not in used else ""
        if content:
            used.add(text_key)
        yield dataclasses.replace(
            item,
            highlights=tuple(group.quotes) if group else (),
            content_html=content,
        )
    for group in groups.values():
        yield _highlights_item(group)
    for title_key, (_, name, text) in texts.items():
        if title_key not in used:
            yield ImportedItem(
                one_line(name, 120),
                title=_html_title(text) or "Untitled",
                content_html=text,
                extra={"format": "matter"},
            )


def _parse_zip(source: ImportSource) -> Iterator[Parsed]:
    history = _history_member(source)
    highlights = _highlights_member(source)
    groups: dict[str, _Highlights] = {}
    if highlights is not None:
        groups, skipped = _highlight_groups(decode(_member(source, highlights)), highlights)
        yield from skipped
    texts: dict[str, tuple[str, str, str]] = {}
    for name in source.members:
        found = _CONTENT.search(name)
        if found is None or "__MACOSX" in name:
            continue
        text = decode(_member(source, name))
        if not text.strip():
            yield SkippedItem(one_line(name, 120), "an empty or unreadable article text")
            continue
        title_key = key(_html_title(text))
        # Two texts with one title (or none) each stay: the second is kept under its file name.
        texts[title_key if title_key and title_key not in texts else f"\0{name}"] = (
            found.group(1),
            name,
            text,
        )
    items = _history(decode(_member(source, history))) if history is not None else iter(())
    yield from _with_highlights(items, groups, texts)


def _html_title(text: str) -> str:
    found = _HTML_TITLE.search(text[:65536])
    if found is None:
        return ""
    return " ".join(html.unescape(_TAG.sub("", found.group(2))).split())
