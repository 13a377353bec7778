"""Instapaper's CSV export: `URL,Title,Selection,Folder[,Timestamp][,Tags]`."""

from __future__ import annotations

import json
from collections.abc import Iterator

from reader.imports.formats.common import (
    clean,
    csv_header,
    csv_rows,
    head_text,
    is_web_address,
    one_line,
    parse_time,
    split_tags,
    text_of,
)
from reader.imports.items import ImportedItem, ImportSource, Parsed, SkippedItem

name = "instapaper"

_COLUMNS = {"url", "title", "selection", "folder"}


def detect(source: ImportSource) -> bool:
    """A CSV whose header names URL, Title, Selection and Folder."""
    return not source.members and set(csv_header(head_text(source))) >= _COLUMNS


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every row: Archive is read, Starred bookmarked, another folder a tag."""
    for number, raw in enumerate(csv_rows(text_of(source.data)), 1):
        row = {key.lower(): value for key, value in raw.items()}
        where = f"row {number}"
        url = one_line(row.get("url"))
        if not is_web_address(url):
            yield SkippedItem(where, f"not a web address: {url[:80] or '(none)'}")
            continue
        folder = one_line(row.get("folder"))
        kind = folder.lower()
        tags = _tags(row.get("tags") or "")
        if folder and kind not in ("unread", "archive", "starred"):
            tags = split_tags([*tags, folder])
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line(row.get("title")),
            tags=tags,
            read=kind == "archive",
            starred=kind == "starred",
            saved=parse_time(row.get("timestamp")),
            note=clean(row.get("selection")),
        )


def _tags(text: str) -> tuple[str, ...]:
    """Tags written as a JSON array (`["a","b"]`), or else separated by commas."""
    text = text.strip()
    if not text:
        return ()
    try:
        value = json.loads(text)
    except ValueError:
        return split_tags(text.split(","))
    if isinstance(value, list):
        return split_tags(item for item in value if isinstance(item, str | int))
    return split_tags([value]) if isinstance(value, str) else ()
