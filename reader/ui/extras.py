"""The user's additions to a laid-out article: a badge, sections after it, highlights, a cursor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rich.style import Style
from rich.text import Text

from reader.ui.document import NO_BLOCK, DocumentLayout, Line, Role
from reader.ui.wrap import sanitise, wrap

CURSOR_MARK = "▌"


@dataclass(frozen=True)
class Section:
    """A titled section drawn after the article, such as the user's note."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Extras:
    """Text the pane adds to the article: a badge under its metadata and closing sections."""

    badge: str = ""
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Decorations:
    """Styling over the article's lines: highlighted ranges and the paragraph cursor."""

    highlights: Mapping[int, Sequence[tuple[int, int]]] = field(default_factory=dict)
    """Block index -> (start, end) character ranges to draw highlighted."""
    cursor: int | None = None
    """Block index of the paragraph cursor, or None when it is hidden."""


def with_extras(layout: DocumentLayout, extras: Extras) -> DocumentLayout:
    """`layout` with the badge after the header and the sections after the body."""
    if not extras.badge and not extras.sections:
        return layout
    lines = list(layout.lines)
    block_lines = list(layout.block_lines)
    if extras.badge:
        badge = _plain(extras.badge, Role.TAGS, layout.column)
        at = _header_end(lines)
        lines[at:at] = badge
        block_lines = [index + len(badge) for index in block_lines]
    for section in extras.sections:
        lines.extend(_section_lines(section, layout.column))
    return replace(layout, lines=lines, block_lines=block_lines)


def _header_end(lines: list[Line]) -> int:
    """Index of the rule that closes the header (the badge goes just before it)."""
    for index, line in enumerate(lines):
        if line.role is Role.RULE and line.block == NO_BLOCK:
            return index
    return 0


def _plain(text: str, role: Role, column: int, level: int = 0) -> list[Line]:
    clean = sanitise(text)
    return [Line(role, NO_BLOCK, s, e, clean, level=level) for s, e in wrap(clean, column)]


def _section_lines(section: Section, column: int) -> list[Line]:
    lines = [Line(Role.BLANK), Line(Role.RULE), Line(Role.BLANK)]
    lines.extend(_plain(section.title, Role.HEADING, column, level=2))
    for paragraph in section.paragraphs:
        lines.append(Line(Role.BLANK))
        lines.extend(_plain(paragraph, Role.PARAGRAPH, column) or [Line(Role.BLANK)])
    return lines


def decorate(text: Text, line: Line, decorations: Decorations, highlight: Style) -> None:
    """Draw the highlighted ranges of `line`'s block over its rendered `text`."""
    if line.block == NO_BLOCK:
        return
    shift = len(line.prefix) - line.start
    for start, end in decorations.highlights.get(line.block, ()):
        start, end = max(start, line.start), min(end, line.end)
        if start < end:
            text.stylize(highlight, start + shift, end + shift)


def margin_text(margin: int, line: Line, decorations: Decorations) -> str:
    """The left margin of a line, ending in the cursor mark on the cursor's paragraph."""
    if margin < 1 or line.block == NO_BLOCK or line.block != decorations.cursor:
        return " " * margin
    return " " * (margin - 2) + CURSOR_MARK + " " if margin >= 2 else CURSOR_MARK
