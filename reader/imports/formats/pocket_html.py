"""Pocket's HTML export (`ril_export.html`): an Unread list, then a Read Archive list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from reader.imports.formats.common import (
    head_text,
    is_web_address,
    one_line,
    parse_time,
    split_tags,
    text_of,
)
from reader.imports.items import ImportedItem, ImportSource, Parsed, SkippedItem

name = "pocket-html"

_SIGN = re.compile(r"<h1>\s*(unread|read archive)\s*</h1>", re.IGNORECASE)


def detect(source: ImportSource) -> bool:
    """A page of `<h1>Unread</h1>` / `<h1>Read Archive</h1>` lists of `time_added` links."""
    head = head_text(source, 64 * 1024)
    return bool(_SIGN.search(head)) and "time_added" in head.lower()


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every link, read when it sits under "Read Archive"."""
    reader = _Links()
    reader.feed(text_of(source.data))
    reader.close()
    for number, (attrs, title, archived) in enumerate(reader.links, 1):
        where = f"link {number}"
        url = one_line(attrs.get("href"))
        if not is_web_address(url):
            yield SkippedItem(where, f"not a web address: {url[:80] or '(none)'}")
            continue
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line(title),
            tags=split_tags((attrs.get("tags") or "").split(",")),
            read=archived,
            saved=parse_time(attrs.get("time_added")),
        )


class _Links(HTMLParser):
    """Collects each `<a>` with its attributes, text and the list heading above it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[dict[str, str | None], str, bool]] = []
        self._archived = False
        self._heading: list[str] | None = None
        self._anchor: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1":
            self._heading = []
        elif tag == "a":
            self._end_anchor()
            self._anchor = (dict(attrs), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self._heading is not None:
            self._archived = "archive" in "".join(self._heading).lower()
            self._heading = None
        elif tag in ("a", "li", "ul"):
            self._end_anchor()

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        elif self._anchor is not None:
            self._anchor[1].append(data)

    def close(self) -> None:
        super().close()
        self._end_anchor()

    def _end_anchor(self) -> None:
        if self._anchor is not None:
            attrs, text = self._anchor
            self.links.append((attrs, "".join(text), self._archived))
            self._anchor = None
