"""What every import format yields: items read from an export, before they touch the library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ImportedHighlight:
    """A passage the user marked, with what they wrote about it.

    `prefix`/`suffix` are the text around the quote when the export has them (they help
    anchor the quote in the article); `location` is a book position ("Location 1051-1052",
    "page 69") for highlights that have no article; `color` becomes a tag.
    """

    quote: str
    note: str = ""
    created: datetime | None = None
    color: str = ""
    location: str = ""
    prefix: str = ""
    suffix: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """One thing read from an export: a saved page, a link, or a book's highlights.

    `url` is empty for a book (Kindle, Readwise books): its highlights become one document
    per book. `content_html` / `content_markdown` carry the article's text when the export
    has it; with neither, the item becomes a link-only article. `note` is the user's own
    text about the item (Instapaper's Selection, a bookmark's description).
    """

    source: str
    """Where in the file it came from, for the skip report ("row 12", "clipping 40")."""
    url: str = ""
    title: str = ""
    author: str = ""
    tags: tuple[str, ...] = ()
    read: bool = False
    starred: bool = False
    saved: datetime | None = None
    published: datetime | None = None
    content_html: str = ""
    content_markdown: str = ""
    note: str = ""
    highlights: tuple[ImportedHighlight, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """An item the file holds but the import cannot use, with the reason the user is told."""

    source: str
    reason: str


Parsed = ImportedItem | SkippedItem


@dataclass(frozen=True, slots=True)
class ImportSource:
    """One file given to `reader import`, already read with a size cap.

    For a zip export, `data` is empty and `members` lists the archive's member names (without
    `__MACOSX/` entries); `read_member(name)` returns one member's bytes, size-capped.
    """

    name: str
    data: bytes = b""
    members: tuple[str, ...] = ()
    read_member: Callable[[str], bytes] | None = None


class ImportFormat(Protocol):
    """A format module: recognises a file by its content and reads its items lazily."""

    name: str
    """The `--format` name ("pocket-csv", "kindle", ...)."""

    def detect(self, source: ImportSource) -> bool:
        """Whether this file is in this format, judged from its content, not its name."""
        ...

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """Every item in the file, in order; never raises on a bad row (yields SkippedItem)."""
        ...
