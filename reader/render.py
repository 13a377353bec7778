"""Articles as terminal output for the command line: styled with Rich, or plain text."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from reader.models import Article, ArticleMeta, Block, BlockKind, MarkKind
from reader.sanitize import safe_line, safe_text

MARK_STYLES = {
    MarkKind.STRONG: Style(bold=True),
    MarkKind.EMPHASIS: Style(italic=True),
    MarkKind.CODE: Style(bgcolor="grey23"),
    MarkKind.LINK: Style(underline=True),
    MarkKind.STRIKE: Style(strike=True),
}


def format_date(meta: ArticleMeta) -> str:
    """A reader-friendly date such as "3 July 2025", or empty."""
    return f"{meta.date.day} {meta.date:%B %Y}" if meta.date else ""


def byline(meta: ArticleMeta) -> str:
    """The metadata line under a title: date · place or source · author · reading time."""
    parts = [format_date(meta), meta.origin, meta.author or "", f"{meta.reading_minutes} min read"]
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


def article_as_text(article: Article) -> str:
    """The article as plain text: title, metadata line, then blank-line separated blocks."""
    meta = article.meta
    parts = [meta.title, byline(meta)]
    if meta.tags:
        parts.append("tags: " + ", ".join(meta.tags))
    for block in article.blocks:
        text = "-" * 20 if block.kind is BlockKind.RULE else block_prefix(block) + block.text
        parts.append(text)
    if article.truncated:
        parts.append("[the file is larger than the size cap: only its first part was read]")
    return "\n\n".join(parts) + "\n"


def _styled(block: Block) -> Text:
    # Text is built from plain strings so article text is never read as markup.
    shown = safe_text(block.text)
    text = Text(shown)
    if len(shown) != len(block.text):
        return text  # the marks' offsets no longer fit: plain text rather than wrong styles
    for mark in block.marks:
        style = MARK_STYLES[mark.kind]
        if mark.kind is MarkKind.LINK and mark.href:
            style = style + Style(link=safe_line(mark.href))
        text.stylize(style, mark.start, mark.end)
    return text


def _renderable(block: Block) -> RenderableType:
    if block.kind is BlockKind.RULE:
        return Rule(style="dim")
    if block.kind is BlockKind.CODE:
        return Padding(Text(safe_text(block.text), style="dim"), (0, 2))
    text = _styled(block)
    if block.kind is BlockKind.HEADING:
        text.stylize("bold")
    elif block.kind is BlockKind.QUOTE:
        text.stylize("italic")
        return Padding(text, (0, 0, 0, 4))
    elif block.kind is BlockKind.LIST_ITEM:
        return Padding(Text(block_prefix(block).lstrip()) + text, (0, 0, 0, 2 + 2 * block.level))
    return text


def print_article(article: Article, console: Console, measure: int = 72) -> None:
    """Print an article with styles at a comfortable measure."""
    meta = article.meta
    title, line = (
        Text(safe_line(meta.title), style="bold"),
        Text(safe_line(byline(meta)), style="dim"),
    )
    items: list[RenderableType] = [title, line]
    items.append(Rule(style="dim"))
    for block in article.blocks:
        items.extend([_renderable(block), Text("")])
    if article.truncated:
        items.append(Text("The file is larger than the size cap: showing its first part.", "dim"))
    width = min(measure, console.width)
    console.print(Group(*items), width=width)
