"""A fast reading of common Markdown into blocks, declining whatever it cannot vouch for.

markdown-it-py is most of the time spent reading a feed entry's file. Most entries, and
everything `html_markdown` writes, use a small part of Markdown: paragraphs, ATX headings,
escapes, inline links, simple emphasis, code spans, lists, block quotes, fenced code and
rules. This module reads exactly that part and gives the same blocks and marks as the
markdown-it reading in `markdown.py`; anything outside it (HTML, reference links, tables,
setext headings, lazy continuations, entities, tabs, indented code, images, emphasis runs
of three or more, crossing delimiters...) makes `fast_blocks` return None, and the caller
falls back to markdown-it. Inline text is read by `md_fast_inline`. Text that is only
one-line paragraphs without any syntax, as most feed entries are, is told at once.
"""

from __future__ import annotations

import re

from reader.models import Block, BlockKind
from reader.sources.common import ascii_without
from reader.sources.md_fast_inline import AUTOLINK, Declined, inline_text

_CONTROL = re.compile(r"[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
_ENTITY = re.compile(r"&(?:#[0-9xX]|[A-Za-z][A-Za-z0-9]*;)")
_BLOCK_FIRST = frozenset("#>`-*_+<~=|:0123456789")
"""The first characters of a line that may make it more than paragraph text."""
_RULE = re.compile(r"(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,}")
_TABLE_RULE = re.compile(r"[|:-][|: -]*")
_ITEM = re.compile(r"(?:([-*+])|([0-9]{1,9})([.)])) (?=[^ ])")
_ORDERED_START = re.compile(r"[0-9]{1,9}[.)](?: |$)")
_HEADING = re.compile(r"(#{1,6}) (.*)")
_FENCE = re.compile(r"(`{3,})[^`]*")
_MAX_LEVEL = 8
"""Container nesting (a quote counts 1, a list 2) past which markdown-it's limits matter."""


def fast_blocks(markdown: str) -> tuple[Block, ...] | None:
    """The blocks markdown-it would give for this text, or None when not sure of them."""
    plain = _plain_paragraphs(markdown)
    if plain is not None:
        return plain
    if _unsafe(markdown):
        return None
    builder = _Builder()
    try:
        _container(markdown.split("\n"), builder, 0)
    except Declined:
        return None
    return tuple(builder.blocks)


_NOT_PLAIN = re.compile(r"[\\`*_~\[\]!<&|\t\r\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NOT_PLAIN_BYTES = b"\\`*_~[]!<&|" + _CONTROL_BYTES
"""Every character `_NOT_PLAIN` matches in ASCII text."""


def _plain_paragraphs(markdown: str) -> tuple[Block, ...] | None:
    """The blocks of text that is nothing but one-line paragraphs without any syntax (most
    of what a feed entry's HTML becomes), told without reading it line by line; None for
    any other text."""
    if markdown.isascii():
        if not ascii_without(markdown, _NOT_PLAIN_BYTES):
            return None
    elif _NOT_PLAIN.search(markdown):
        return None
    # Empty lines at either end are no part of a block; between paragraphs, one.
    lines = markdown.strip("\n").split("\n")
    chunks = lines[::2]
    if any(lines[1::2]):
        return None  # a line break inside a paragraph
    for chunk in chunks:
        if not chunk or chunk[0] in _BLOCK_FIRST or chunk[0].isspace() or chunk[-1].isspace():
            return None
    return tuple(Block(BlockKind.PARAGRAPH, chunk) for chunk in chunks)


def _unsafe(markdown: str) -> bool:
    """Whether the whole text is the slow path's.

    Tabs, CR and control characters, trailing spaces (hard breaks, blank-looking lines),
    reference definitions and character references.
    """
    if " \n" in markdown or markdown.endswith(" ") or "]:" in markdown:
        return True
    if "&" in markdown and _ENTITY.search(markdown):
        return True
    if markdown.isascii():
        return not ascii_without(markdown, _CONTROL_BYTES)
    return _CONTROL.search(markdown) is not None


# Blocks ------------------------------------------------------------------------------


def _container(lines: list[str], out: _Builder, level: int) -> None:
    """Read a run of lines (a document, or a quote's or list item's content)."""
    if level > _MAX_LEVEL:
        raise Declined
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if not line:
            index += 1
            continue
        bare = line.lstrip(" ") if line[0] == " " else line
        _check_edges(bare)
        first = bare[0]
        # A line holding a bar may head a table whose delimiter row comes next.
        if "|" in bare and index + 1 < count and _delimiter_row(lines[index + 1]):
            raise Declined
        if first not in _BLOCK_FIRST:
            if len(line) - len(bare) > 3:
                raise Declined  # indented code
            index = _paragraph(lines, index, out)
            continue
        if bare is not line:
            raise Declined
        if first == "#":
            _heading(line, out)
            index += 1
        elif first == ">":
            index = _quote(lines, index, out, level)
        elif first == "`" and _FENCE.fullmatch(line):
            index = _fence(lines, index, out)
        elif first in "-*_" and _RULE.fullmatch(line):
            if line not in ("---", "***", "___"):
                raise Declined
            out.rule()
            index += 1
        elif _ITEM.match(line):
            index = _list(lines, index, out, level)
        elif _unsure_start(line):
            raise Declined
        else:
            index = _paragraph(lines, index, out)


def _unsure_start(line: str) -> bool:
    """HTML, a tilde fence, or a list marker with no text or more than one space after it."""
    if line[0] == "<" and not AUTOLINK.match(line):
        return True  # HTML
    if line.startswith("~~~") or _ORDERED_START.match(line):
        return True
    return line[0] in "-*+" and line[1:2] in ("", " ")


def _delimiter_row(line: str) -> bool:
    bare = line.lstrip(" ")
    return len(line) - len(bare) < 4 and _TABLE_RULE.fullmatch(bare) is not None


def _check_edges(line: str) -> None:
    if line[0].isspace() or line[-1].isspace():
        raise Declined


def _heading(line: str, out: _Builder) -> None:
    found = _HEADING.fullmatch(line)
    if found is None:
        raise Declined
    content = found.group(2).strip()
    rest = content.rstrip("#")
    # A closing run of `#` after a space is not part of the heading's text.
    if not content or (rest != content and rest[-1:] in ("", " ")):
        raise Declined
    out.heading(len(found.group(1)), content)


def _quote(lines: list[str], index: int, out: _Builder, level: int) -> int:
    inner: list[str] = []
    count = len(lines)
    while index < count and lines[index].startswith(">"):
        line = lines[index][1:]
        inner.append(line[1:] if line.startswith(" ") else line)
        index += 1
    # A line right after a quote could continue its last paragraph lazily.
    if index < count and lines[index]:
        raise Declined
    out.quotes += 1
    _container(inner, out, level + 1)
    out.quotes -= 1
    return index


def _fence(lines: list[str], index: int, out: _Builder) -> int:
    opening = _FENCE.fullmatch(lines[index])
    assert opening is not None
    size = len(opening.group(1))
    end = index + 1
    count = len(lines)
    while end < count:
        line = lines[end]
        bare = line.lstrip(" ")
        if bare.startswith("```") and len(line) - len(bare) < 4:
            if len(line) == len(bare) and not bare.strip("`") and len(bare) >= size:
                break
            raise Declined  # an indented or shorter fence line: leave it to markdown-it
        end += 1
    code = "\n".join(lines[index + 1 : end]).rstrip("\n")
    if code.strip():
        out.blocks.append(Block(BlockKind.CODE, code))
    return end + 1


def _paragraph(lines: list[str], index: int, out: _Builder) -> int:
    # Indentation before a paragraph's lines is dropped (a first line's is at most 3).
    rows = [lines[index].lstrip(" ")]
    end = index + 1
    count = len(lines)
    while end < count:
        line = lines[end]
        if not line:
            break
        bare = line.lstrip(" ") if line[0] == " " else line
        _check_edges(bare)
        # Indented 4 or more, a line cannot start a block here: it goes on the paragraph.
        if bare[0] in _BLOCK_FIRST and len(line) - len(bare) < 4 and _interrupts(bare):
            if bare is not line:
                raise Declined
            break
        rows.append(line)  # its indentation goes in the inline read (code spans keep it)
        end += 1
    out.inline_block("\n".join(rows))
    return end


def _interrupts(line: str) -> bool:
    """Whether a line ends the paragraph above it (a list); declines the unsure cases."""
    first = line[0]
    item = _ITEM.match(line)
    if first in "-*_" and _RULE.fullmatch(line):
        raise Declined
    if item is not None:
        if item.group(2) is not None and int(item.group(2)) != 1:
            raise Declined  # only a list starting at 1 may interrupt a paragraph
        return True
    if first == "<" and AUTOLINK.match(line):
        return False  # an autolink is text: never an HTML block, which starts with a tag
    if first in "#>=|:<+-" or line[:2] in ("*", "* ") or line.startswith(("```", "~~~")):
        raise Declined
    if _ORDERED_START.match(line):
        raise Declined
    return False


def _list(lines: list[str], index: int, out: _Builder, level: int) -> int:
    found = _ITEM.match(lines[index])
    assert found is not None
    kind = _list_kind(found)
    if found.group(2) is not None:
        out.lists.append((int(found.group(2)), found.group(3)))
    else:
        out.lists.append(None)
    count = len(lines)
    while True:
        width = found.end()
        item = [lines[index][width:]]
        index += 1
        pad = " " * width
        while index < count and (not lines[index] or lines[index].startswith(pad)):
            item.append(lines[index][width:])
            index += 1
        out.item_open()
        _container(item, out, level + 2)
        out.item_close()
        if index >= count:
            break
        line = lines[index]
        follows = not lines[index - 1]
        following = None if _RULE.fullmatch(line) else _ITEM.match(line)
        if following is not None and _list_kind(following) == kind:
            found = following
            continue
        if not follows and following is None:
            raise Declined  # a lazy continuation line or a block right after an item
        break
    out.lists.pop()
    return index


def _list_kind(found: re.Match[str]) -> str:
    return found.group(1) or found.group(3)


class _Builder:
    """Blocks as markdown.py's builder makes them from markdown-it's tokens."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.quotes = 0
        self.lists: list[tuple[int, str] | None] = []
        self.items = 0
        self.bullet: str | None = None

    def heading(self, level: int, content: str) -> None:
        text, marks = inline_text(content)
        if text.strip():
            self.blocks.append(Block(BlockKind.HEADING, text, level=level, marks=marks))

    def inline_block(self, content: str) -> None:
        text, marks = inline_text(content)
        if not text.strip():
            return
        if self.bullet is not None:
            depth = max(0, len(self.lists) - 1)
            block = Block(BlockKind.LIST_ITEM, text, depth, self.bullet, marks)
            self.bullet = ""
        elif self.quotes:
            block = Block(BlockKind.QUOTE, text, marks=marks)
        else:
            block = Block(BlockKind.PARAGRAPH, text, marks=marks)
        self.blocks.append(block)

    def rule(self) -> None:
        self.blocks.append(Block(BlockKind.RULE, ""))

    def item_open(self) -> None:
        self.items += 1
        current = self.lists[-1]
        if current is None:
            self.bullet = "•"
            return
        number, delimiter = current
        self.bullet = f"{number}{delimiter}"
        self.lists[-1] = (number + 1, delimiter)

    def item_close(self) -> None:
        self.items -= 1
        self.bullet = "" if self.items else None
