"""Hypothes.is annotations (a list of API objects, or an API search answer) grouped by page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from reader.feeds.common import is_web_url
from reader.imports.formats._common import (
    clean,
    head_text,
    one_line,
    parse_datetime,
    tags_of,
)
from reader.imports.items import ImportedHighlight, ImportedItem, ImportSource, Parsed, SkippedItem


@dataclass(slots=True)
class _Note:
    """One annotation: a highlight when it quotes the page, a page note when it does not."""

    number: int
    uri: str
    quote: str
    prefix: str
    suffix: str
    text: str
    tags: tuple[str, ...]
    created: str
    replies: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Page:
    source: str
    uri: str
    title: str
    notes: list[_Note] = field(default_factory=list)


class HypothesisFormat:
    """Hypothes.is JSON: one item per annotated page (uri) with its highlights and notes."""

    name = "hypothesis"

    def detect(self, source: ImportSource) -> bool:
        """JSON whose objects carry Hypothes.is' `uri` and `target` keys."""
        if not source.data:
            return False
        head = head_text(source.data).lstrip()
        return head[:1] in "[{" and bool(head) and '"uri"' in head and '"target"' in head

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """Skipped annotations first, then one item per page in order of appearance."""
        try:
            data = orjson.loads(source.data)
        except (orjson.JSONDecodeError, RecursionError, MemoryError):
            yield SkippedItem(source.name or "file", "not valid JSON")
            return
        pages: dict[str, _Page] = {}
        by_id: dict[str, _Note] = {}
        replies: list[tuple[int, dict[str, Any]]] = []
        for number, entry in enumerate(_annotations(data), start=1):
            where = f"annotation {number}"
            if not isinstance(entry, dict):
                yield SkippedItem(where, "not an annotation object")
                continue
            if isinstance(entry.get("references"), list) and entry["references"]:
                replies.append((number, entry))
                continue
            note = _note(number, entry)
            if isinstance(note, SkippedItem):
                yield note
                continue
            page = pages.get(note.uri)
            if page is None:
                page = pages[note.uri] = _Page(where, note.uri, _title(entry))
            page.notes.append(note)
            by_id[clean(entry.get("id"))] = note
        for number, entry in replies:
            skipped = _attach_reply(number, entry, by_id)
            if skipped is not None:
                yield skipped
        for page in pages.values():
            yield _item(page)


HYPOTHESIS = HypothesisFormat()


def _annotations(data: object) -> list[object]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for name in ("rows", "annotations", "data"):
            if isinstance(data.get(name), list):
                return list(data[name])
        return [data]
    return [data]


def _note(number: int, entry: dict[str, Any]) -> _Note | SkippedItem:
    where = f"annotation {number}"
    uri = clean(entry.get("uri"))
    if not uri:
        return SkippedItem(where, "an annotation with no page (uri)")
    quote, prefix, suffix = _quote(entry.get("target"))
    text = clean(entry.get("text"))
    if not quote and not text:
        return SkippedItem(where, f"an annotation on {one_line(uri)} with no quote and no text")
    tags = tags_of(entry.get("tags"))
    created = clean(entry.get("created"))
    return _Note(number, uri, quote, prefix, suffix, text, tags, created)


def _quote(target: object) -> tuple[str, str, str]:
    """The TextQuoteSelector's exact, prefix and suffix of the first target that has one."""
    targets = target if isinstance(target, list) else [target]
    for one in targets:
        selectors = one.get("selector") if isinstance(one, dict) else None
        for selector in selectors if isinstance(selectors, list) else ():
            if isinstance(selector, dict) and selector.get("type") == "TextQuoteSelector":
                exact = clean(selector.get("exact"))
                if exact:
                    prefix, suffix = selector.get("prefix"), selector.get("suffix")
                    return (
                        exact,
                        prefix if isinstance(prefix, str) else "",
                        suffix if isinstance(suffix, str) else "",
                    )
    return "", "", ""


def _title(entry: dict[str, Any]) -> str:
    document = entry.get("document")
    title = document.get("title") if isinstance(document, dict) else None
    if isinstance(title, list):
        title = next((one for one in title if isinstance(one, str) and one.strip()), "")
    return clean(title) if isinstance(title, str) else ""


def _attach_reply(
    number: int, entry: dict[str, Any], by_id: dict[str, _Note]
) -> SkippedItem | None:
    """Add a reply to the annotation it answers (the nearest one in the file) as a note."""
    where = f"annotation {number}"
    text = clean(entry.get("text"))
    if not text:
        return SkippedItem(where, "an empty reply")
    references = [clean(ref) for ref in entry["references"] if isinstance(ref, str)]
    parent = next((by_id[ref] for ref in reversed(references) if ref in by_id), None)
    if parent is None:
        return SkippedItem(where, "a reply to an annotation that is not in this file")
    user = clean(entry.get("user")).removeprefix("acct:").split("@")[0]
    parent.replies.append(f"Reply from {user}: {text}" if user else f"Reply: {text}")
    return None


def _item(page: _Page) -> ImportedItem:
    highlights = []
    page_notes = []
    tags: tuple[str, ...] = ()
    for note in page.notes:
        text = "\n\n".join([note.text, *note.replies]).strip()
        if note.quote:
            highlights.append(
                ImportedHighlight(
                    note.quote,
                    note=text,
                    created=parse_datetime(note.created),
                    prefix=note.prefix,
                    suffix=note.suffix,
                    tags=note.tags,
                )
            )
        else:
            page_notes.append(text)
            tags = tuple(dict.fromkeys(tags + note.tags))
    dates = [when for note in page.notes if (when := parse_datetime(note.created))]
    web = is_web_url(page.uri)
    extra = {"format": "hypothesis"}
    if not web:
        extra["uri"] = page.uri
    return ImportedItem(
        page.source,
        url=page.uri if web else "",
        title=page.title or (page.uri if not web else ""),
        tags=tags,
        # The first annotation is when the page joined the user's reading.
        saved=_earliest(dates),
        note="\n\n".join(page_notes),
        highlights=tuple(highlights),
        extra=extra,
    )


def _earliest(dates: list[datetime]) -> datetime | None:
    aware = [when for when in dates if when.tzinfo is not None]
    return min(aware) if aware else (min(dates) if dates else None)
