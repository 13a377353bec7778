"""Pocket's CSV export (`part_000000.csv`), alone or in the export zip with its annotations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from reader.imports.formats.common import (
    csv_header,
    csv_rows,
    head_text,
    is_web_address,
    load_json,
    one_line,
    parse_time,
    split_tags,
    text_of,
)
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem
from reader.web.urls import normal_url

name = "pocket-csv"

Annotated = tuple[str, str, tuple[ImportedHighlight, ...]]
"""A page's address as written, its title and its highlights."""

_PART = re.compile(r"(^|/)part_\d+\.csv$")
_ANNOTATIONS = re.compile(r"(^|/)annotations/part_\d+\.json$")
_COLUMNS = {"title", "url", "time_added", "status"}


def detect(source: ImportSource) -> bool:
    """A CSV headed `title,url,time_added,[cursor,]tags,status`, or a zip of such parts."""
    if source.members:
        return any(_PART.search(member) for member in source.members)
    return set(csv_header(head_text(source))) >= _COLUMNS


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every row (archive: read), with the zip's highlights on the row of their address."""
    if not source.members or source.read_member is None:
        yield from _rows(text_of(source.data), "row", {})
        return
    notes = _annotations(source)
    parts = sorted(member for member in source.members if _PART.search(member))
    for part in parts:
        label = part.rsplit("/", 1)[-1]
        yield from _rows(text_of(source.read_member(part)), f"{label} row", notes)
    # Highlights on a page the CSV does not list are items of their own.
    for number, (url, title, marks) in enumerate(notes.values(), 1):
        yield ImportedItem(source=f"annotation {number}", url=url, title=title, highlights=marks)


def _rows(text: str, label: str, notes: dict[str, Annotated]) -> Iterator[Parsed]:
    for number, row in enumerate(csv_rows(text), 1):
        where = f"{label} {number}"
        url = one_line(row.get("url"))
        if not is_web_address(url):
            yield SkippedItem(where, f"not a web address: {url[:80] or '(none)'}")
            continue
        # Most exports have no highlights: no address to normalise for them.
        _, _, marks = notes.pop(normal_url(url), ("", "", ())) if notes else ("", "", ())
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line(row.get("title")),
            tags=split_tags((row.get("tags") or "").split("|")),
            read=one_line(row.get("status")).lower() in ("archive", "archived", "read"),
            saved=parse_time(row.get("time_added")),
            highlights=marks,
        )


def _annotations(source: ImportSource) -> dict[str, Annotated]:
    """The zip's highlights by normalised address, with the page's title."""
    found: dict[str, Annotated] = {}
    assert source.read_member is not None
    for member in sorted(m for m in source.members if _ANNOTATIONS.search(m)):
        data = load_json(source.read_member(member))
        for entry in data if isinstance(data, list) else []:
            if not isinstance(entry, dict) or not is_web_address(str(entry.get("url") or "")):
                continue
            marks = tuple(_highlights(entry.get("highlights")))
            url = one_line(entry["url"])
            key = normal_url(url)
            _, title, known = found.get(key, (url, one_line(entry.get("title")), ()))
            found[key] = (url, title, known + marks)
    return found


def _highlights(value: Any) -> Iterator[ImportedHighlight]:
    for mark in value if isinstance(value, list) else []:
        if not isinstance(mark, dict):
            continue
        quote = str(mark.get("quote") or "").strip()
        if quote:  # Pocket writes empty quotes for highlights whose text it lost
            yield ImportedHighlight(quote=quote, created=parse_time(mark.get("created_at")))
