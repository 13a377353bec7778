"""Lay an article out as wrapped lines for the reading pane (Rich only, no Textual)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from reader.models import Article, Block, BlockKind, Mark, MarkKind
from reader.sanitize import safe_line
from reader.sources import MAX_BYTES
from reader.ui.wrap import sanitise, wrap

DEFAULT_MEASURE = 72
"""Widest body column, in cells: a comfortable reading measure."""

NO_BLOCK = -1
"""Block index of lines that belong to no block (header, spacing, notice)."""

QUOTE_BAR = "▎ "
RULE_CHAR = "─"
LIST_INDENT = 2
"""Cells of indent per list nesting level."""
CODE_TAB = 4

TRUNCATED_NOTICE = (
    f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB: showing its first part."
)


class Role(Enum):
    """What a laid-out line shows; the renderer picks its style from this."""

    BLANK = "blank"
    TITLE = "title"
    META = "meta"
    TAGS = "tags"
    RULE = "rule"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    ITEM = "item"
    CODE = "code"
    NOTICE = "notice"


class Line(NamedTuple):
    """One screen line: `source[start:end]` after `prefix`, from block `block`."""

    role: Role
    block: int = NO_BLOCK
    start: int = 0
    end: int = 0
    source: str = ""
    prefix: str = ""
    level: int = 0
    marks: tuple[Mark, ...] = ()

    @property
    def offset(self) -> int:
        """Character offset of the line's first character in its block's text."""
        return self.start


@dataclass(frozen=True)
class DocumentStyles:
    """Rich styles per role; the widget fills these from its theme-aware CSS."""

    title: Style = field(default_factory=lambda: Style(bold=True))
    meta: Style = field(default_factory=lambda: Style(dim=True))
    tags: Style = field(default_factory=lambda: Style(dim=True, italic=True))
    rule: Style = field(default_factory=lambda: Style(dim=True))
    heading1: Style = field(default_factory=lambda: Style(bold=True, underline=True))
    heading2: Style = field(default_factory=lambda: Style(bold=True))
    heading3: Style = field(default_factory=lambda: Style(bold=True, italic=True))
    paragraph: Style = field(default_factory=Style)
    quote: Style = field(default_factory=lambda: Style(italic=True, dim=True))
    quote_bar: Style = field(default_factory=lambda: Style(dim=True))
    bullet: Style = field(default_factory=lambda: Style(bold=True))
    code_block: Style = field(default_factory=lambda: Style(bgcolor="grey15"))
    code_inline: Style = field(default_factory=lambda: Style(reverse=True, dim=True))
    link: Style = field(default_factory=lambda: Style(underline=True))
    notice: Style = field(default_factory=lambda: Style(italic=True))

    def heading(self, level: int) -> Style:
        """The style of a heading of `level` (1 is the most prominent)."""
        return (self.heading1, self.heading2)[level - 1] if level in (1, 2) else self.heading3


@dataclass(frozen=True)
class DocumentLayout:
    """An article wrapped for one pane width: its lines and where the body column sits."""

    lines: list[Line]
    width: int
    column: int
    margin: int
    block_lines: list[int]
    """Index of the first line of each block (every block has at least one line)."""

    def __len__(self) -> int:
        return len(self.lines)

    def line_of(self, block: int, offset: int = 0) -> int:
        """Index of the line showing character `offset` of `block` (clamped to the article)."""
        if not self.block_lines:
            return 0
        block = min(max(block, 0), len(self.block_lines) - 1)
        index = self.block_lines[block]
        while (
            index + 1 < len(self.lines)
            and self.lines[index + 1].block == block
            and self.lines[index + 1].start <= offset
        ):
            index += 1
        return min(index, max(0, len(self.lines) - 1))

    def anchor(self, index: int) -> tuple[int, int] | None:
        """(block, offset) of the first block line at or after line `index`, if any."""
        lines = self.lines
        for position in range(max(0, index), len(lines)):
            if lines[position].block != NO_BLOCK:
                return lines[position].block, lines[position].start
        return None

    def text(self, index: int, styles: DocumentStyles | None = None) -> Text:
        """The Rich text of line `index`, without the centring margin."""
        return render_line(self.lines[index], self.column, styles or DocumentStyles())


def body_column(width: int, measure: int = DEFAULT_MEASURE) -> tuple[int, int]:
    """(column, margin): the body width in cells and the left margin that centres it."""
    column = max(1, min(measure, width - 2))
    return column, max(0, (width - column) // 2)


def meta_line(article: Article) -> str:
    """The metadata line under the title, as `reader show` prints it (a save date labelled)."""
    from reader.render import byline  # on first open, after the first frame

    return byline(article.meta, date_saved=article.date_saved)


# --- layout -----------------------------------------------------------------------------


def layout_article(article: Article, width: int, measure: int = DEFAULT_MEASURE) -> DocumentLayout:
    """Wrap `article` for a pane `width` cells wide, with the body at most `measure` wide."""
    column, margin = body_column(width, measure)
    lines = list(_header_lines(article, column))
    block_lines: list[int] = []
    previous: Block | None = None
    for index, block in enumerate(article.blocks):
        if lines and not _tight(previous, block):
            lines.append(Line(Role.BLANK))
        block_lines.append(len(lines))
        lines.extend(_block_lines(block, index, column))
        previous = block
    if article.truncated:
        lines.append(Line(Role.BLANK))
        lines.extend(_plain_lines(TRUNCATED_NOTICE, Role.NOTICE, column))
    return DocumentLayout(lines, max(0, width), column, margin, block_lines)


def _tight(previous: Block | None, block: Block) -> bool:
    """Whether `block` follows `previous` with no blank line (items of one list)."""
    return (
        previous is not None
        and previous.kind is BlockKind.LIST_ITEM
        and block.kind is BlockKind.LIST_ITEM
    )


def _header_lines(article: Article, column: int) -> Iterator[Line]:
    """Title, metadata, tags and a rule."""
    yield from _plain_lines(article.meta.title, Role.TITLE, column)
    yield from _plain_lines(meta_line(article), Role.META, column)
    if article.meta.tags:
        yield from _plain_lines(
            "  ".join(f"#{tag}" for tag in article.meta.tags), Role.TAGS, column
        )
    yield Line(Role.RULE)


def _plain_lines(text: str, role: Role, column: int) -> Iterator[Line]:
    """Lines of a header string that belongs to no block."""
    clean = sanitise(safe_line(text))  # a title or byline: one line, no bidi overrides
    for start, end in wrap(clean, column):
        yield Line(role, NO_BLOCK, start, end, clean)


def _block_lines(block: Block, index: int, column: int) -> list[Line]:
    """Lines of one body block."""
    text = sanitise(block.text)
    kind = block.kind
    if kind is BlockKind.RULE:
        return [Line(Role.RULE, index)]
    if kind is BlockKind.CODE:
        return _code_lines(sanitise(block.text, keep_tabs=True), index)
    if kind is BlockKind.QUOTE:
        return _wrapped(text, index, Role.QUOTE, column, QUOTE_BAR, QUOTE_BAR, block)
    if kind is BlockKind.LIST_ITEM:
        indent = " " * (LIST_INDENT * max(0, block.level))
        bullet = sanitise(block.bullet or "•").replace("\n", " ")
        hang = " " * (cell_len(bullet) + 1)
        return _wrapped(text, index, Role.ITEM, column, f"{indent}{bullet} ", indent + hang, block)
    role = Role.HEADING if kind is BlockKind.HEADING else Role.PARAGRAPH
    return _wrapped(text, index, role, column, "", "", block)


def _wrapped(
    text: str, index: int, role: Role, column: int, first: str, rest: str, block: Block
) -> list[Line]:
    """Wrap block text after a first-line prefix and a hanging prefix of the same width."""
    room = column - cell_len(first)
    marks = block.marks
    spans = wrap(text, room) or [(0, 0)]
    return [
        Line(role, index, start, end, text, first if number == 0 else rest, block.level, marks)
        for number, (start, end) in enumerate(spans)
    ]


def _code_lines(text: str, index: int) -> list[Line]:
    """One line per source line, never wrapped (the renderer crops them)."""
    lines: list[Line] = []
    position = 0
    for piece in text.split("\n"):
        lines.append(Line(Role.CODE, index, position, position + len(piece), text))
        position += len(piece) + 1
    return lines


# --- rendering --------------------------------------------------------------------------


def render_line(line: Line, column: int, styles: DocumentStyles) -> Text:
    """The styled text of one laid-out line, at most `column` cells wide where it can be."""
    role = line.role
    if role is Role.BLANK:
        return Text()
    if role is Role.RULE:
        return Text(RULE_CHAR * column, style=styles.rule)
    if role is Role.CODE:
        body = line.source[line.start : line.end].expandtabs(CODE_TAB)
        code = Text(body, style=styles.code_block, no_wrap=True)
        code.truncate(column, overflow="crop", pad=True)
        return code
    text = Text(no_wrap=True)
    text.append(line.prefix, style=_prefix_style(line, styles))
    text.append(line.source[line.start : line.end], style=_role_style(line, styles))
    _apply_marks(text, line, styles)
    return text


def _role_style(line: Line, styles: DocumentStyles) -> Style:
    """The base style of a line's text."""
    role = line.role
    if role is Role.HEADING:
        return styles.heading(line.level)
    return {
        Role.TITLE: styles.title,
        Role.META: styles.meta,
        Role.TAGS: styles.tags,
        Role.QUOTE: styles.quote,
        Role.NOTICE: styles.notice,
    }.get(role, styles.paragraph)


def _prefix_style(line: Line, styles: DocumentStyles) -> Style:
    """The style of a line's prefix (quote bar or bullet)."""
    return styles.quote_bar if line.role is Role.QUOTE else styles.bullet


def _apply_marks(text: Text, line: Line, styles: DocumentStyles) -> None:
    """Stylise the parts of the line covered by the block's inline marks."""
    shift = len(line.prefix) - line.start
    for mark in line.marks:
        start, end = max(mark.start, line.start), min(mark.end, line.end)
        if start < end:
            text.stylize(mark_style(mark, styles), start + shift, end + shift)


def mark_style(mark: Mark, styles: DocumentStyles) -> Style:
    """The Rich style of an inline mark."""
    kind = mark.kind
    if kind is MarkKind.STRONG:
        return Style(bold=True)
    if kind is MarkKind.EMPHASIS:
        return Style(italic=True)
    if kind is MarkKind.STRIKE:
        return Style(strike=True)
    if kind is MarkKind.CODE:
        return styles.code_inline
    href = safe_href(mark.href)
    return styles.link + Style(link=href) if href else styles.link


def safe_href(href: str | None) -> str | None:
    """A link target fit for a terminal hyperlink, or None (control characters refused)."""
    if not href or any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in href):
        return None
    return href


def block_at(layout: DocumentLayout, index: int) -> int:
    """The block shown at line `index`, or the last block before it (NO_BLOCK if none)."""
    position = bisect_right(layout.block_lines, index) - 1
    return position if position >= 0 else NO_BLOCK
