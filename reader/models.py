"""Plain data the whole app shares: articles, their blocks and library rows; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

WORDS_PER_MINUTE = 230
"""Average silent reading speed used for reading-time estimates."""


class BlockKind(StrEnum):
    """The kinds of block a document is made of."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    LIST_ITEM = "list_item"
    CODE = "code"
    RULE = "rule"


class MarkKind(StrEnum):
    """Inline styles a span of block text can carry."""

    STRONG = "strong"
    EMPHASIS = "emphasis"
    CODE = "code"
    LINK = "link"
    STRIKE = "strike"


@dataclass(frozen=True, slots=True)
class Mark:
    """An inline style over `text[start:end]` of a block (end exclusive)."""

    start: int
    end: int
    kind: MarkKind
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article's body.

    `text` is plain, already sanitised text (no markup is ever interpreted from it).
    `level` is the heading level (1-6) for headings and the nesting depth (0-based)
    for list items; `bullet` is the list marker shown before a list item ("•", "3.").
    """

    kind: BlockKind
    text: str
    level: int = 0
    bullet: str = ""
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the catalog knows of an article: enough to list it without opening the file."""

    id: str
    path: str
    title: str
    date: date | None = None
    place: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    words: int = 0
    format: str = "text"
    size: int = 0
    mtime_ns: int = 0
    date_saved: bool = False
    """`date` is the day the page was saved, not one it gave itself."""

    @property
    def reading_minutes(self) -> int:
        """Estimated minutes to read, at least one."""
        return max(1, round(self.words / WORDS_PER_MINUTE))

    @property
    def origin(self) -> str:
        """Where the article is from: its place, else its source, else empty."""
        return self.place or self.source or ""


@dataclass(frozen=True, slots=True)
class Article:
    """A loaded article: metadata plus its body as blocks."""

    meta: ArticleMeta
    blocks: tuple[Block, ...]
    truncated: bool = False
    """True when the file was larger than the size cap and only its start was read."""
    content_hash: str = ""
    """Hash of the normalised body text, the seed of the article's id."""
    date_saved: bool = False
    """True when the page gave no date of its own: `meta.date` is then the day it was saved."""

    @property
    def id(self) -> str:
        """The article's id (see `reader.library` for how ids are kept stable)."""
        return self.meta.id

    @property
    def title(self) -> str:
        """The article's title."""
        return self.meta.title

    def body_text(self) -> str:
        """The searchable text of the body, one paragraph per block (rules left out): what
        the index keeps, whether it reads the file or a scan's parse of it."""
        return "\n\n".join(block.text for block in self.blocks if block.kind is not BlockKind.RULE)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file the library could not read, with a one-line reason."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """How far a scan has got; `total` is 0 while files are still being counted."""

    done: int
    total: int
    added: int = 0
    changed: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The outcome of a scan or rescan."""

    total: int
    added: int
    changed: int
    removed: int
    unchanged: int
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    """Files that could not be read at all."""
    partial: tuple[Problem, ...] = field(default_factory=tuple)
    """Files listed but read only in part (too large): not problems, a note."""


@dataclass(frozen=True, slots=True)
class UserText:
    """What a reader added to an article that search should find with it.

    `notes` is the article's note and the notes on its highlights; `tags` are its bookmark
    tags. Both are indexed with the article, so `tag:` and plain words reach them.
    """

    notes: str = ""
    tags: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A short digest that changes whenever the text or the tags change."""
        import hashlib

        joined = "\x1f".join((self.notes, *self.tags))
        return hashlib.blake2b(joined.encode("utf-8"), digest_size=6).hexdigest()
