"""Markdown articles: front matter plus a markdown-it-py parse reduced to plain blocks."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.models import Block, BlockKind, Mark, MarkKind
from reader.sources.common import (
    Parsed,
    collapse,
    date_from_filename,
    paragraph_blocks,
    paragraph_texts,
    title_from_filename,
)
from reader.sources.decode import strip_controls
from reader.sources.frontmatter import FrontMatter, WrittenFront, split_written
from reader.sources.md_fast import fast_blocks

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

_OPENERS = {
    "em_open": MarkKind.EMPHASIS,
    "strong_open": MarkKind.STRONG,
    "s_open": MarkKind.STRIKE,
    "link_open": MarkKind.LINK,
}
_CLOSERS = {
    "em_close": MarkKind.EMPHASIS,
    "strong_close": MarkKind.STRONG,
    "s_close": MarkKind.STRIKE,
    "link_close": MarkKind.LINK,
}
_BREAKS = {"softbreak": " ", "hardbreak": "\n"}

# HTML is reduced to its text: scripts, styles and comments go whole, block ends
# become paragraph breaks, every other tag is dropped.
_HTML_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE
)
_HTML_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|blockquote|pre|table|ul|ol)\s*>", re.I)
_HTML_TAG = re.compile(r"<[^<>]*>")
_HTML_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)

# Characters markdown-it tries as inline syntax (see `_too_costly`).
_INLINE_SYNTAX = "[]*_`<>&|\\!~"
_INLINE_BYTES = _INLINE_SYNTAX.encode("ascii")
_COST_CAP = 60_000
"""Lines plus syntax characters above which a document is not parsed (about 2 s of work)."""
_SYNTAX_FLOOR = 10_000
"""Syntax characters above which a document that is mostly syntax is not parsed."""


def load_markdown(text: str, path: Path, written: WrittenFront | None = None) -> Parsed:
    """Read a Markdown file's text: front matter, then the body as blocks. `written` is
    the front matter of a file just written with this text (not read back then)."""
    front, body = split_written(text, written)
    front = front or FrontMatter()
    blocks = parse_blocks(body)
    title, blocks = _title(front.title, blocks)
    day = front.date or date_from_filename(path)
    return Parsed(
        format="markdown",
        title=title or title_from_filename(path),
        blocks=blocks,
        date=day,
        source=front.source,
        author=front.author,
        url=front.url,
        tags=front.tags,
        date_saved=front.date is None and day is not None and day == front.saved,
    )


def _title(given: str | None, blocks: tuple[Block, ...]) -> tuple[str | None, tuple[Block, ...]]:
    """The title (front matter, else the first `#` heading) and the blocks to show."""
    opening = blocks[0] if blocks else None
    if opening is not None and opening.kind is BlockKind.HEADING and opening.level == 1:
        heading = collapse(opening.text)
        # The title is shown above the body, so an opening heading saying it is dropped.
        if len(blocks) > 1 and (given is None or given.casefold() == heading.casefold()):
            return given or heading, blocks[1:]
        return given or heading, blocks
    if given:
        return given, blocks
    for block in blocks:
        if block.kind is BlockKind.HEADING and block.level == 1:
            return collapse(block.text), blocks
    return None, blocks


def parse_blocks(markdown: str) -> tuple[Block, ...]:
    """Markdown text as plain blocks with inline marks."""
    if _too_costly(markdown):
        return paragraph_blocks(paragraph_texts(markdown))
    # Most text uses only common Markdown, read far faster by the fast path.
    fast = fast_blocks(markdown)
    return fast if fast is not None else markdown_it_blocks(markdown)


def markdown_it_blocks(markdown: str) -> tuple[Block, ...]:
    """Markdown text as blocks, as markdown-it-py reads it (the fast path's reference)."""
    try:
        tokens = _PARSER.parse(markdown)
    # The parser is third-party code fed untrusted text: should it ever fail, the
    # article is still shown, as plain paragraphs.
    except Exception:
        return paragraph_blocks(paragraph_texts(markdown))
    builder = _BlockBuilder()
    for token in tokens:
        builder.feed(token)
    return tuple(builder.blocks)


def _too_costly(markdown: str) -> bool:
    """Whether parsing this text would stall a library scan.

    markdown-it-py is linear but pays tens of microseconds for each line and for each
    bracket, star or pipe it tries as syntax: a megabyte of `[` or of short lines takes
    seconds, against a fraction of a second for a megabyte of prose. Such files are
    shown as plain paragraphs instead.
    """
    special = syntax_count(markdown)
    if special + markdown.count("\n") > _COST_CAP:
        return True
    return special > _SYNTAX_FLOOR and special * 5 > len(markdown)


def syntax_count(markdown: str) -> int:
    """How many of the text's characters are inline syntax (`_INLINE_SYNTAX`)."""
    if markdown.isascii():
        # Deleting bytes through a table: about six times quicker than a count per character.
        data = markdown.encode("ascii")
        return len(data) - len(data.translate(None, _INLINE_BYTES))
    # One count per character is far quicker than a translate table on non-ASCII text.
    return sum(markdown.count(char) for char in _INLINE_SYNTAX)


class _BlockBuilder:
    """Turns markdown-it's flat token stream into blocks, tracking nesting as it goes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.quotes = 0
        self.lists: list[tuple[int, str] | None] = []  # (next number, delimiter) or None
        self.items = 0
        self.bullet: str | None = None  # marker for the open list item's next paragraph
        self.heading = 0
        self.row: list[tuple[str, tuple[Mark, ...]]] | None = None
        self.header_row = False

    def feed(self, token: Token) -> None:
        """Take the next token of the stream."""
        handler = getattr(self, "_on_" + token.type, None)
        if handler is not None:
            handler(token)

    def _emit(self, text: str, marks: tuple[Mark, ...] = ()) -> None:
        if not text.strip():
            return
        if self.heading:
            block = Block(BlockKind.HEADING, text, level=self.heading, marks=marks)
        elif self.bullet is not None:
            depth = max(0, len(self.lists) - 1)
            block = Block(BlockKind.LIST_ITEM, text, depth, self.bullet, marks)
            self.bullet = ""
        elif self.quotes:
            block = Block(BlockKind.QUOTE, text, marks=marks)
        else:
            block = Block(BlockKind.PARAGRAPH, text, marks=marks)
        self.blocks.append(block)

    def _on_inline(self, token: Token) -> None:
        text, marks = render_inline(token.children or [])
        if self.row is not None:
            self.row.append((text, marks))
        else:
            self._emit(text, marks)

    def _on_heading_open(self, token: Token) -> None:
        self.heading = int(token.tag[1:]) if token.tag[1:].isdigit() else 1

    def _on_heading_close(self, token: Token) -> None:
        self.heading = 0

    def _on_blockquote_open(self, token: Token) -> None:
        self.quotes += 1

    def _on_blockquote_close(self, token: Token) -> None:
        self.quotes = max(0, self.quotes - 1)

    def _on_bullet_list_open(self, token: Token) -> None:
        self.lists.append(None)

    def _on_ordered_list_open(self, token: Token) -> None:
        start = token.attrs.get("start", 1)
        number = start if isinstance(start, int) else 1
        self.lists.append((number, token.markup or "."))

    def _on_bullet_list_close(self, token: Token) -> None:
        if self.lists:
            self.lists.pop()

    _on_ordered_list_close = _on_bullet_list_close

    def _on_list_item_open(self, token: Token) -> None:
        self.items += 1
        current = self.lists[-1] if self.lists else None
        if current is None:
            self.bullet = "•"
            return
        number, delimiter = current
        self.bullet = f"{number}{delimiter}"
        self.lists[-1] = (number + 1, delimiter)

    def _on_list_item_close(self, token: Token) -> None:
        self.items = max(0, self.items - 1)
        # Paragraphs after a nested list still belong to the outer item, unmarked.
        self.bullet = "" if self.items else None

    def _on_fence(self, token: Token) -> None:
        text = strip_controls(token.content.rstrip("\n"))
        if text.strip():
            self.blocks.append(Block(BlockKind.CODE, text))

    _on_code_block = _on_fence

    def _on_hr(self, token: Token) -> None:
        self.blocks.append(Block(BlockKind.RULE, ""))

    def _on_html_block(self, token: Token) -> None:
        for text in paragraph_texts(html_text(token.content)):
            self._emit(text)

    def _on_tr_open(self, token: Token) -> None:
        self.row = []

    def _on_th_open(self, token: Token) -> None:
        self.header_row = True

    def _on_tr_close(self, token: Token) -> None:
        text, marks = _join_cells(self.row or [])
        if self.header_row and text:
            marks = (Mark(0, len(text), MarkKind.STRONG), *marks)
        self.row, self.header_row = None, False
        self._emit(text, marks)


def _join_cells(cells: Sequence[tuple[str, tuple[Mark, ...]]]) -> tuple[str, tuple[Mark, ...]]:
    """A table row as one line, cells separated by " | ", marks shifted to match."""
    parts: list[str] = []
    marks: list[Mark] = []
    offset = 0
    for text, cell_marks in cells:
        if parts:
            parts.append(" | ")
            offset += 3
        parts.append(text)
        marks.extend(_shift(mark, offset) for mark in cell_marks)
        offset += len(text)
    return "".join(parts), tuple(marks)


def _shift(mark: Mark, by: int) -> Mark:
    return Mark(mark.start + by, mark.end + by, mark.kind, mark.href)


def render_inline(children: Sequence[Token]) -> tuple[str, tuple[Mark, ...]]:
    """Inline tokens as plain text plus marks (offsets into that text)."""
    parts: list[str] = []
    length = 0
    opened: list[tuple[MarkKind, int, str | None]] = []
    marks: list[Mark] = []
    for child in children:
        kind = child.type
        if kind in _OPENERS:
            href = child.attrs.get("href") if kind == "link_open" else None
            link = strip_controls(href) if isinstance(href, str) else None
            opened.append((_OPENERS[kind], length, link))
            continue
        if kind in _CLOSERS:
            _close(opened, marks, _CLOSERS[kind], length)
            continue
        piece = strip_controls(_inline_text(child))
        if kind == "code_inline" and piece:
            marks.append(Mark(length, length + len(piece), MarkKind.CODE))
        parts.append(piece)
        length += len(piece)
    return _trimmed("".join(parts), marks)


def _inline_text(token: Token) -> str:
    kind = token.type
    if kind in ("text", "text_special", "code_inline"):
        return token.content
    if kind in _BREAKS:
        return _BREAKS[kind]
    if kind == "image":
        # An image is its alt text (which may itself hold emphasis: keep the words).
        return render_inline(token.children or [])[0]
    if kind == "html_inline":
        return "\n" if _HTML_BR.fullmatch(token.content.strip()) else ""
    return ""


def _close(
    opened: list[tuple[MarkKind, int, str | None]], marks: list[Mark], kind: MarkKind, end: int
) -> None:
    for index in range(len(opened) - 1, -1, -1):
        if opened[index][0] is kind:
            _, start, href = opened.pop(index)
            if end > start:
                marks.append(Mark(start, end, kind, href))
            return


def _trimmed(text: str, marks: list[Mark]) -> tuple[str, tuple[Mark, ...]]:
    """Text without surrounding whitespace, marks moved and clipped to fit."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    size = len(stripped)
    kept = []
    for mark in marks:
        start, end = max(0, mark.start - lead), min(size, mark.end - lead)
        if end > start:
            kept.append(Mark(start, end, mark.kind, mark.href))
    kept.sort(key=lambda mark: (mark.start, -mark.end))
    return stripped, tuple(kept)


def html_text(markup: str) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded."""
    markup = _HTML_HIDDEN.sub("", markup)
    markup = _HTML_BR.sub("\n", markup)
    markup = _HTML_BLOCK_END.sub("\n\n", markup)
    return strip_controls(html.unescape(_HTML_TAG.sub("", markup)))
