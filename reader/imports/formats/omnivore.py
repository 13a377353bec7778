"""Omnivore's export zip: `metadata_*.json`, with `content/<slug>.md` and `highlights/<slug>.md`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from reader.imports.formats.common import (
    is_web_address,
    json_start,
    load_json,
    one_line,
    parse_time,
    split_tags,
    text_of,
)
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem

name = "omnivore"

_METADATA = re.compile(r"(^|/)metadata_[^/]*\.json$")
_LINK = re.compile(r"\s*\[[^\]]*\]\([^)]*\)\s*$")
"""The `[⤴️](https://omnivore.app/...)` link Omnivore puts after each quote."""


def detect(source: ImportSource) -> bool:
    """A zip with `metadata_*.json`, or such a file alone (entries with `slug` and `savedAt`)."""
    if source.members:
        return any(_METADATA.search(member) for member in source.members)
    if json_start(source) != "[" or b'"savedAt"' not in source.data[:65536]:
        return False
    data = load_json(source.data)
    return isinstance(data, list) and any(
        isinstance(entry, dict) and "slug" in entry and "savedAt" in entry for entry in data[:20]
    )


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every saved item: Archived is read, labels are tags, the zip's text and highlights kept."""
    if not source.members:
        yield from _entries(load_json(source.data), "entry", {})
        return
    assert source.read_member is not None
    files = {member: member for member in source.members}
    for member in sorted(m for m in source.members if _METADATA.search(m)):
        label = member.rsplit("/", 1)[-1]
        yield from _entries(load_json(source.read_member(member)), f"{label} entry", files, source)


def _entries(
    data: Any, label: str, files: dict[str, str], source: ImportSource | None = None
) -> Iterator[Parsed]:
    if not isinstance(data, list):
        yield SkippedItem(label, "not a list of saved items")
        return
    for number, entry in enumerate(data, 1):
        where = f"{label} {number}"
        if not isinstance(entry, dict):
            yield SkippedItem(where, "not an item (not a JSON object)")
            continue
        url = one_line(entry.get("url"))
        if not is_web_address(url):
            yield SkippedItem(where, f"not a web address: {url[:80] or '(none)'}")
            continue
        slug = one_line(entry.get("slug"))
        content = _member(source, files, f"content/{slug}.md") if slug else ""
        marks = _member(source, files, f"highlights/{slug}.md") if slug else ""
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line(entry.get("title")),
            author=one_line(entry.get("author")),
            tags=_labels(entry.get("labels")),
            read=one_line(entry.get("state")).lower() == "archived",
            saved=parse_time(entry.get("savedAt")),
            published=parse_time(entry.get("publishedAt")),
            content_markdown=content,
            highlights=tuple(highlights_from_markdown(marks)),
        )


def _member(source: ImportSource | None, files: dict[str, str], wanted: str) -> str:
    """A member's text by its path, wherever the zip's top folder puts it."""
    if source is None or source.read_member is None:
        return ""
    found = files.get(wanted) or next((m for m in files if m.endswith("/" + wanted)), None)
    return text_of(source.read_member(found)) if found else ""


def _labels(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else []
    return split_tags(item.get("name") if isinstance(item, dict) else item for item in items)


def highlights_from_markdown(text: str) -> Iterator[ImportedHighlight]:
    """Quotes (`> ` lines, one highlight per block) and the paragraph after each as its note."""
    quote: list[str] = []
    note: list[str] = []

    def done() -> ImportedHighlight | None:
        body = _LINK.sub("", "\n".join(quote)).strip()
        return ImportedHighlight(quote=body, note="\n".join(note).strip()) if body else None

    for line in text.splitlines():
        if line.startswith(">"):
            if note:  # a new quote after a note: the previous highlight is complete
                mark = done()
                if mark:
                    yield mark
                quote, note = [], []
            quote.append(line[1:].removeprefix(" "))
        elif quote and (line.strip() or note):
            note.append(line)
        elif quote and not line.strip() and not note:
            note.append("")
    mark = done()
    if mark:
        yield mark
