"""wallabag's JSON export: entries with their article text, tags and annotations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reader.imports.formats.common import (
    clean,
    is_web_address,
    json_start,
    load_json,
    one_line,
    parse_time,
    split_tags,
    truthy,
)
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem

name = "wallabag"

_MARKERS = ("is_archived", "is_starred")


def detect(source: ImportSource) -> bool:
    """A JSON array of entries with `is_archived` or `is_starred`."""
    if json_start(source) != "[" or not any(m.encode() in source.data[:65536] for m in _MARKERS):
        return False
    data = load_json(source.data)
    return isinstance(data, list) and any(
        isinstance(entry, dict) and any(m in entry for m in _MARKERS) for entry in data[:20]
    )


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every entry: archived is read, starred bookmarked, annotations highlights."""
    data = load_json(source.data)
    for number, entry in enumerate(data if isinstance(data, list) else [], 1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            yield SkippedItem(where, "not an entry (not a JSON object)")
            continue
        url = one_line(entry.get("url"))
        if not is_web_address(url):
            yield SkippedItem(where, f"not a web address: {url[:80] or '(none)'}")
            continue
        content = entry.get("content")
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line(entry.get("title")),
            author=_authors(entry.get("published_by")),
            tags=_tags(entry.get("tags")),
            read=truthy(entry.get("is_archived")),
            starred=truthy(entry.get("is_starred")),
            saved=parse_time(entry.get("created_at")),
            published=parse_time(entry.get("published_at")),
            content_html=content if isinstance(content, str) else "",
            highlights=tuple(_annotations(entry.get("annotations"))),
        )


def _tags(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else []
    # Newer exports list names; the API lists {"label": ...} objects.
    return split_tags(item.get("label") if isinstance(item, dict) else item for item in items)


def _authors(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(one_line(name) for name in value if one_line(name))
    return one_line(value) if isinstance(value, str) else ""


def _annotations(value: Any) -> Iterator[ImportedHighlight]:
    for mark in value if isinstance(value, list) else []:
        if not isinstance(mark, dict):
            continue
        quote = clean(mark.get("quote"))
        if quote:
            yield ImportedHighlight(
                quote=quote,
                note=clean(mark.get("text")),
                created=parse_time(mark.get("created_at")),
            )
