"""Netscape bookmark files (every browser, Pinboard, Shaarli, linkding): folders become tags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from reader.imports.formats.common import (
    clean,
    head_text,
    is_web_address,
    one_line,
    parse_time,
    split_tags,
    text_of,
)
from reader.imports.items import ImportedItem, ImportSource, Parsed, SkippedItem

name = "bookmarks"

_SIGN = re.compile(r"NETSCAPE-Bookmark-file|<dt>\s*<a\s[^>]*href", re.IGNORECASE)


def detect(source: ImportSource) -> bool:
    """The Netscape doctype, or `<DT><A HREF` entries (some tools write no doctype)."""
    return bool(_SIGN.search(head_text(source, 64 * 1024)))


def parse(source: ImportSource) -> Iterator[Parsed]:
    """Every bookmark; addresses other than web pages (`place:`, `javascript:`) are skipped."""
    reader = _Bookmarks()
    reader.feed(text_of(source.data))
    reader.close()
    for number, mark in enumerate(reader.marks, 1):
        where = f"bookmark {number}"
        url = one_line(mark.attrs.get("href"))
        if not is_web_address(url):
            scheme = url.split(":", 1)[0][:20] if ":" in url else ""
            what = f"a {scheme}: address" if scheme else f"{url[:80] or '(none)'}"
            yield SkippedItem(where, f"not a web page: {what}")
            continue
        tags = re.split(r"[,\n]", mark.attrs.get("tags") or "")
        yield ImportedItem(
            source=where,
            url=url,
            title=one_line("".join(mark.title)),
            tags=split_tags([*tags, *mark.folders]),
            saved=parse_time(mark.attrs.get("add_date")),
            note=clean("".join(mark.description)),
        )


@dataclass
class _Mark:
    attrs: dict[str, str]
    folders: tuple[str, ...]
    title: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)


class _Bookmarks(HTMLParser):
    """Walks the nested `<DL>` lists: `<H3>` names the folder of the list after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[_Mark] = []
        self._folders: list[str] = []
        self._heading: list[str] | None = None
        self._next_folder = ""
        self._in_title = False
        self._in_description = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            self._in_description = False
        if tag == "h3":
            self._heading = []
        elif tag == "dl":
            self._folders.append(self._next_folder)
            self._next_folder = ""
        elif tag == "a":
            values = {key: value or "" for key, value in attrs}
            folders = tuple(folder for folder in self._folders if folder)
            self.marks.append(_Mark(values, folders))
            self._in_title = True
        elif tag == "dd" and self.marks:
            self._in_description = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3" and self._heading is not None:
            self._next_folder = one_line("".join(self._heading))
            self._heading = None
        elif tag == "a":
            self._in_title = False
        elif tag == "dl":
            self._in_description = False
            if self._folders:
                self._folders.pop()

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)
        elif self._in_title and self.marks:
            self.marks[-1].title.append(data)
        elif self._in_description:
            self.marks[-1].description.append(data)
