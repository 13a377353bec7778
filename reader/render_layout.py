"""An article made ready to print: links numbered as footnotes, highlights marked or styled,
and the reader's note and highlight notes gathered to follow the text (no I/O)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from reader.models import Article, Block, MarkKind
from reader.sanitize import safe_line, safe_text
from reader.store import Highlight, Note
from reader.store.anchoring import reanchor

HIGHLIGHT = "highlight"
FOOTNOTE = "footnote"
MARKER = "=="
"""What surrounds a highlighted passage where no colour can show it (Markdown's own mark)."""


def shown(text: str, *, one_line: bool = False) -> str:
    """Outside text (notes, addresses, titles) made safe to print on a terminal.

    The one place the printed article's own strings pass through before output: escapes
    and control characters are removed, and with `one_line` line breaks become spaces.
    """
    if one_line:
        return " ".join(safe_line(text).split())
    return safe_text(text).replace("\t", "    ")


@dataclass(frozen=True, slots=True)
class Styled:
    """A style over `text[start:end]` of a shown block: a mark kind, highlight or footnote."""

    start: int
    end: int
    kind: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class ShownBlock:
    """A block as printed: its text with footnote numbers (and markers) put in, and styles."""

    block: Block
    text: str
    styles: tuple[Styled, ...] = ()


@dataclass(frozen=True, slots=True)
class ShownHighlight:
    """A highlight listed after the text: its quote, its note, and whether it was found."""

    quote: str
    note: str
    found: bool


@dataclass
class Layout:
    """Everything `reader show` prints for an article, in order."""

    blocks: list[ShownBlock] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    """Footnote n is links[n - 1]."""
    note: str = ""
    highlights: list[ShownHighlight] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Insert:
    pos: int
    order: int  # at one position: a highlight closes, then a footnote, then a highlight opens
    text: str
    kind: str = ""


def lay_out(
    article: Article,
    note: Note | None = None,
    highlights: Sequence[Highlight] = (),
    *,
    markers: bool,
) -> Layout:
    """The article with its links as footnotes and its highlights shown.

    With `markers`, highlighted passages are put between `==` (for output without colour);
    otherwise they carry a highlight style.
    """
    layout = Layout(note=shown(note.text).strip() if note else "")
    found: dict[int, list[tuple[int, int]]] = {}
    for item in sorted(highlights, key=lambda h: (h.block, h.created)):
        span = reanchor(item, article.blocks)
        if span is not None:
            found.setdefault(span[0], []).append((span[1], span[2]))
        quote = shown(item.quote, one_line=True)
        layout.highlights.append(ShownHighlight(quote, shown(item.note or ""), span is not None))
    numbers: dict[str, int] = {}
    for index, block in enumerate(article.blocks):
        spans = _merged(found.get(index, []))
        layout.blocks.append(_show_block(block, spans, numbers, markers))
    layout.links = list(numbers)
    return layout


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined into one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _show_block(
    block: Block, highlights: list[tuple[int, int]], numbers: dict[str, int], markers: bool
) -> ShownBlock:
    inserts: list[_Insert] = []
    styles: list[tuple[int, int, str, str | None]] = []
    for mark in block.marks:
        href = shown(mark.href, one_line=True) if mark.href else None
        if mark.kind is MarkKind.LINK and href:
            number = numbers.setdefault(href, len(numbers) + 1)
            inserts.append(_Insert(mark.end, 1, f"[{number}]", FOOTNOTE))
        styles.append((mark.start, mark.end, str(mark.kind), href))
    for start, end in highlights:
        if markers:
            inserts += [_Insert(start, 2, MARKER), _Insert(end, 0, MARKER)]
        else:
            styles.append((start, end, HIGHLIGHT, None))
    if not inserts:
        return ShownBlock(block, block.text, tuple(Styled(*style) for style in styles))
    return _with_inserts(block, sorted(inserts, key=lambda i: (i.pos, i.order)), styles)


def _with_inserts(
    block: Block, inserts: list[_Insert], styles: list[tuple[int, int, str, str | None]]
) -> ShownBlock:
    """The block's text with `inserts` put in, and every style moved to match."""
    positions = [insert.pos for insert in inserts]
    before = [0]  # characters inserted before the i-th insert
    pieces: list[str] = []
    last = 0
    out_styles: list[Styled] = []
    for insert in inserts:
        pieces += [block.text[last : insert.pos], insert.text]
        start = insert.pos + before[-1]
        if insert.kind:
            out_styles.append(Styled(start, start + len(insert.text), insert.kind))
        before.append(before[-1] + len(insert.text))
        last = insert.pos
    pieces.append(block.text[last:])
    for start, end, kind, href in styles:
        # A style starts after what is inserted at its start and ends before what is
        # inserted at its end, so a footnote number is never part of its link.
        new_start = start + before[bisect_right(positions, start)]
        new_end = end + before[bisect_left(positions, end)]
        out_styles.append(Styled(new_start, max(new_start, new_end), kind, href))
    return ShownBlock(block, "".join(pieces), tuple(out_styles))
