"""Articles as terminal output for the command line: styled with Rich, or plain text.

Both forms show the links as numbered footnotes, the reader's highlights in the text, and
the reader's note and highlight notes after it. The styled form is wrapped line by line here
(in linear time) and handed to Rich as short lines, so even a paragraph of megabytes prints
at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from rich.console import Console
from rich.segment import Segment, Segments
from rich.style import Style
from rich.text import Text

from reader.models import Article, ArticleMeta, Block, BlockKind, MarkKind
from reader.render_layout import FOOTNOTE, HIGHLIGHT, Layout, ShownBlock, lay_out, shown
from reader.sanitize import safe_text
from reader.store import Highlight, Note
from reader.wrapping import cells, chop, wrap

STYLES = {
    str(MarkKind.STRONG): Style(bold=True),
    str(MarkKind.EMPHASIS): Style(italic=True),
    str(MarkKind.CODE): Style(bgcolor="grey23"),
    str(MarkKind.LINK): Style(underline=True),
    str(MarkKind.STRIKE): Style(strike=True),
    HIGHLIGHT: Style(color="black", bgcolor="yellow"),
    FOOTNOTE: Style(dim=True),
}
TRUNCATED = "The file is larger than the size cap: showing its first part."
DIM = Style(dim=True)
BOLD = Style(bold=True)


_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def format_date(day: date) -> str:
    """A date as "3 July 2025", the same in every locale (strftime's %B is not)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def byline(meta: ArticleMeta, *, date_saved: bool = False) -> str:
    """The metadata line under a title: date · place or source · author · reading time.

    `date_saved`: the date is the day the page was saved, not its publication date."""
    when = format_date(meta.date) if meta.date else ""
    when = f"saved {when}" if when and date_saved else when
    parts = [when, meta.origin, meta.author or "", f"{meta.reading_minutes} min read"]
    return " · ".join(part for part in parts if part)


def block_prefix(block: Block) -> str:
    """The plain-text lead-in of a block: heading hashes, list bullets, quote bars."""
    if block.kind is BlockKind.HEADING:
        return "#" * max(1, block.level) + " "
    if block.kind is BlockKind.LIST_ITEM:
        return "  " * block.level + (block.bullet or "•") + " "
    if block.kind is BlockKind.QUOTE:
        return "> "
    return ""


def article_as_text(
    article: Article, note: Note | None = None, highlights: Sequence[Highlight] = ()
) -> str:
    """The article as plain text: title, metadata line, blank-line separated blocks, then
    the links as footnotes, the reader's note and highlights (marked `==` in the text)."""
    layout = lay_out(article, note, highlights, markers=True)
    meta = article.meta
    parts = [meta.title, byline(meta, date_saved=article.date_saved)]
    if meta.tags:
        parts.append("tags: " + ", ".join(meta.tags))
    for item in layout.blocks:
        block = item.block
        parts.append("-" * 20 if block.kind is BlockKind.RULE else block_prefix(block) + item.text)
    if article.truncated:
        parts.append("[the file is larger than the size cap: only its first part was read]")
    parts += [f"{title}\n\n{body}" for title, body in _afterword(layout)]
    return "\n\n".join(parts) + "\n"


def _afterword(layout: Layout) -> Iterator[tuple[str, str]]:
    """The sections after the text, as (heading, body): links, the note, the highlights."""
    if layout.links:
        yield "Links", "\n".join(f"[{n}] {url}" for n, url in enumerate(layout.links, 1))
    if layout.note:
        yield "Your note", layout.note
    if layout.highlights:
        lines = []
        for item in layout.highlights:
            lost = "" if item.found else "  (no longer found in the text)"
            lines.append(f"> {item.quote}{lost}")
            lines += [f"  {line}" for line in item.note.splitlines() if line.strip()]
        yield "Your highlights", "\n".join(lines)


def print_article(
    article: Article,
    console: Console,
    measure: int = 72,
    note: Note | None = None,
    highlights: Sequence[Highlight] = (),
) -> None:
    """Print an article with styles at a comfortable measure, followed by its footnotes and
    the reader's note and highlights. Without colour, highlights are marked `==`."""
    width = max(8, min(measure, console.width))
    layout = lay_out(article, note, highlights, markers=console.color_system is None)
    lines = list(article_lines(article, layout, width))
    segments: list[Segment] = []
    for line in lines:
        segments += line.render(console)
        segments.append(Segment.line())
    console.print(Segments(segments), crop=False, soft_wrap=True)


def article_lines(article: Article, layout: Layout, width: int) -> Iterator[Text]:
    """The styled article as lines of at most `width` cells, ready to print one by one."""
    meta = article.meta
    yield from _wrapped(shown(meta.title, one_line=True), [], width, style=BOLD)
    line = byline(meta, date_saved=article.date_saved)
    yield from _wrapped(shown(line, one_line=True), [], width, style=DIM)
    yield Text("─" * width, DIM)
    for item in layout.blocks:
        yield from _block_lines(item, width)
        yield Text("")
    if article.truncated:
        yield from _wrapped(TRUNCATED, [], width, style=DIM)
        yield Text("")
    for title, body in _afterword(layout):
        yield Text(title, BOLD)
        for line in body.split("\n"):
            text = line.lstrip(" ")  # a highlight's note stays indented under its quote
            yield from _wrapped(text, [], width, indent=len(line) - len(text))
        yield Text("")


StyleSpan = tuple[int, int, Style]


def _styles(item: ShownBlock) -> list[StyleSpan]:
    out = []
    for styled in item.styles:
        style = STYLES[styled.kind]
        if styled.kind == str(MarkKind.LINK) and styled.href:
            style = style + Style(link=styled.href)
        if styled.end > styled.start:
            out.append((styled.start, styled.end, style))
    return out


def _block_lines(item: ShownBlock, width: int) -> Iterator[Text]:
    block = item.block
    text = safe_text(item.text).replace("\t", " ")
    # Removing an escape shifts the marks' offsets: plain text rather than wrong styles.
    styles = _styles(item) if len(text) == len(item.text) else []
    if block.kind is BlockKind.RULE:
        yield Text("─" * width, DIM)
    elif block.kind is BlockKind.CODE:
        yield from _code_lines(safe_text(item.text), width)
    elif block.kind is BlockKind.QUOTE:
        italic = Style(italic=True)
        yield from _wrapped(text, styles, width, indent=4, style=italic)
    elif block.kind is BlockKind.LIST_ITEM:
        bullet = (block.bullet or "•") + " "
        indent = 2 + 2 * block.level
        yield from _wrapped(text, styles, width, indent=indent, lead=bullet)
    else:
        bold = BOLD if block.kind is BlockKind.HEADING else None
        yield from _wrapped(text, styles, width, style=bold)


def _wrapped(
    plain: str,
    styles: list[StyleSpan],
    width: int,
    *,
    indent: int = 0,
    lead: str = "",
    style: Style | None = None,
) -> Iterator[Text]:
    """`plain` wrapped to `width` cells with its styles, each line indented and the first
    led by `lead`.

    Each line is built from its own slice and the styles over it, found by one sweep
    through the styles sorted by start, so the work grows with the text (slicing a Rich
    Text copies all of it, once a line).
    """
    room = max(1, width - indent - cells(lead))
    pending = sorted(styles, key=lambda span: span[0])
    active: list[StyleSpan] = []
    next_style = 0
    first = True
    for start, end in wrap(plain, room):
        while next_style < len(pending) and pending[next_style][0] < end:
            active.append(pending[next_style])
            next_style += 1
        active = [span for span in active if span[1] > start]
        pad = " " * indent + (lead if first else " " * cells(lead))
        line = Text(pad + plain[start:end], style or "")
        for span_start, span_end, span_style in active:
            left, right = max(span_start, start), min(span_end, end)
            if right > left:
                line.stylize(span_style, left - start + len(pad), right - start + len(pad))
        yield line
        first = False


def _code_lines(code: str, width: int) -> Iterator[Text]:
    """A code block: each line kept as written, cut where it is wider than the measure."""
    room = max(1, width - 2)
    for line in code.replace("\t", "    ").split("\n"):
        for start, end in chop(line, 0, len(line), room):
            yield Text("  " + line[start:end], DIM)
