"""A fast reading of common Markdown into blocks, declining whatever it cannot vouch for.

markdown-it-py costs about a quarter of a millisecond per feed entry. Most entries, and
everything `html_markdown` writes, use a small part of Markdown: paragraphs, ATX headings,
escapes, inline links, simple emphasis, code spans, lists, block quotes, fenced code and
rules. This module reads exactly that part and gives the same blocks and marks as the
markdown-it reading in `markdown.py`; anything outside it (HTML, reference links, tables,
setext headings, lazy continuations, entities, tabs, indented code, images, emphasis runs
of three or more, crossing delimiters...) makes `fast_blocks` return None, and the caller
falls back to markdown-it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText, validateLink
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, unescapeAll

from reader.models import Block, BlockKind, Mark, MarkKind


class _Declined(Exception):
    """The text holds something only markdown-it can be trusted to read."""


_CONTROL = re.compile(r"[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BYTES = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
_ENTITY = re.compile(r"&(?:#[0-9xX]|[A-Za-z][A-Za-z0-9]*;)")
_BLOCK_FIRST = frozenset("#>`-*_+<~=|:0123456789")
"""The first characters of a line that may make it more than paragraph text."""
_INLINE_MARKUP = "\\`*_~[!<"
"""Characters that may start inline syntax (a lone `]` is text)."""
_RULE = re.compile(r"(?:\*[ ]*){3,}|(?:-[ ]*){3,}|(?:_[ ]*){3,}")
_TABLE_RULE = re.compile(r"[|:-][|: -]*")
_ITEM = re.compile(r"(?:([-*+])|([0-9]{1,9})([.)])) (?=[^ ])")
_ORDERED_START = re.compile(r"[0-9]{1,9}[.)](?: |$)")
_HEADING = re.compile(r"(#{1,6}) (.*)")
_FENCE = re.compile(r"(`{3,})[^`]*")
# Text, line breaks and escapes up to the next character that may be inline syntax.
_TEXT = re.compile(r"(?:[^\\`*_~\[!<]|!(?!\[)|\\[^\n])+")
_ESCAPED = itemgetter(1)
"""The escaped character of an escape match (a C-level callable: no template per match)."""
_LINE_END = re.compile(r"\n *")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
_DESTINATION = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
_MAX_LEVEL = 8
"""Container nesting (a quote counts 1, a list 2) past which markdown-it's limits matter."""


def fast_blocks(markdown: str) -> tuple[Block, ...] | None:
    """The blocks markdown-it would give for this text, or None when not sure of them."""
    if _unsafe(markdown):
        return None
    builder = _Builder()
    try:
        _container(markdown.split("\n"), builder, 0)
    except _Declined:
        return None
    return tuple(builder.blocks)


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
        # Deleting bytes through a table is several times quicker than a regex search.
        data = markdown.encode("ascii")
        return len(data.translate(None, _CONTROL_BYTES)) != len(data)
    return _CONTROL.search(markdown) is not None


# Blocks ------------------------------------------------------------------------------


def _container(lines: list[str], out: _Builder, level: int) -> None:
    """Read a run of lines (a document, or a quote's or list item's content)."""
    if level > _MAX_LEVEL:
        raise _Declined
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
            raise _Declined
        if first not in _BLOCK_FIRST:
            if len(line) - len(bare) > 3:
                raise _Declined  # indented code
            index = _paragraph(lines, index, out)
            continue
        if bare is not line:
            raise _Declined
        if first == "#":
            _heading(line, out)
            index += 1
        elif first == ">":
            index = _quote(lines, index, out, level)
        elif first == "`" and _FENCE.fullmatch(line):
            index = _fence(lines, index, out)
        elif first in "-*_" and _RULE.fullmatch(line):
            if line not in ("---", "***", "___"):
                raise _Declined
            out.rule()
            index += 1
        elif _ITEM.match(line):
            index = _list(lines, index, out, level)
        elif _unsure_start(line):
            raise _Declined
        else:
            index = _paragraph(lines, index, out)


def _unsure_start(line: str) -> bool:
    """HTML, a tilde fence, or a list marker with no text or more than one space after it."""
    if line[0] == "<" and not _AUTOLINK.match(line):
        return True  # HTML
    if line.startswith("~~~") or _ORDERED_START.match(line):
        return True
    return line[0] in "-*+" and line[1:2] in ("", " ")


def _delimiter_row(line: str) -> bool:
    bare = line.lstrip(" ")
    return len(line) - len(bare) < 4 and _TABLE_RULE.fullmatch(bare) is not None


def _check_edges(line: str) -> None:
    if line[0].isspace() or line[-1].isspace():
        raise _Declined


def _heading(line: str, out: _Builder) -> None:
    found = _HEADING.fullmatch(line)
    if found is None:
        raise _Declined
    content = found.group(2).strip()
    rest = content.rstrip("#")
    # A closing run of `#` after a space is not part of the heading's text.
    if not content or (rest != content and rest[-1:] in ("", " ")):
        raise _Declined
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
        raise _Declined
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
            raise _Declined  # an indented or shorter fence line: leave it to markdown-it
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
                raise _Declined
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
        raise _Declined
    if item is not None:
        if item.group(2) is not None and int(item.group(2)) != 1:
            raise _Declined  # only a list starting at 1 may interrupt a paragraph
        return True
    if first == "<" and _AUTOLINK.match(line):
        return False  # an autolink is text: never an HTML block, which starts with a tag
    if first in "#>=|:<+-" or line[:2] in ("*", "* ") or line.startswith(("```", "~~~")):
        raise _Declined
    if _ORDERED_START.match(line):
        raise _Declined
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
            raise _Declined  # a lazy continuation line or a block right after an item
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
        text, marks = _inline(content)
        if text.strip():
            self.blocks.append(Block(BlockKind.HEADING, text, level=level, marks=marks))

    def inline_block(self, content: str) -> None:
        text, marks = _inline(content)
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


# Inline ------------------------------------------------------------------------------


class _Run:
    """A run of `*`, `_` or `~~`: emphasis when matched, its own characters otherwise."""

    __slots__ = ("chars", "matched")

    def __init__(self, chars: str) -> None:
        self.chars = chars
        self.matched = False


class _Span:
    """A mark between two places in the piece list (indexes), known once both are read."""

    __slots__ = ("end", "href", "kind", "start")

    def __init__(self, kind: MarkKind, start: int, end: int, href: str | None = None) -> None:
        self.kind, self.start, self.end, self.href = kind, start, end, href


def _inline(src: str) -> tuple[str, tuple[Mark, ...]]:
    """Inline Markdown as plain text plus marks, as markdown.py's `render_inline` gives."""
    if not any(char in src for char in _INLINE_MARKUP):
        return _plain(src).strip(), ()
    pieces: list[str | _Run] = []
    spans: list[_Span] = []
    _scan(src, 0, len(src), pieces, spans)
    parts = [
        piece if isinstance(piece, str) else "" if piece.matched else piece.chars
        for piece in pieces
    ]
    text = "".join(parts)
    if not spans:
        return text.strip(), ()
    offsets = list(accumulate(map(len, parts), initial=0))
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    size = len(stripped)
    marks = []
    for span in spans:
        start, end = offsets[span.start], offsets[span.end]
        if end <= start:
            continue
        start, end = max(0, start - lead), min(size, end - lead)
        if end > start:
            marks.append(Mark(start, end, span.kind, span.href))
    marks.sort(key=lambda mark: (mark.start, -mark.end))
    return stripped, tuple(marks)


def _scan(src: str, pos: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> None:
    """Read `src[pos:limit]` into pieces and spans (emphasis never crosses a link's edge)."""
    openers: list[tuple[int, _Run]] = []
    while pos < limit:
        text = _TEXT.match(src, pos, limit)
        if text is not None:
            pieces.append(_plain(text.group()))
            pos = text.end()
            continue
        at = pos
        char = src[at]
        if char == "\\":
            pos = _escape(src, at, limit, pieces)
        elif char == "`":
            pos = _code(src, at, limit, pieces, spans)
        elif char in "*_~":
            pos = _delimiters(src, at, limit, pieces, spans, openers)
        elif char == "[":
            pos = _link(src, at, limit, pieces, spans)
        elif char == "!" and src.startswith("[", at + 1):
            raise _Declined  # an image
        elif char == "<":
            pos = _autolink(src, at, limit, pieces, spans)
        else:
            pieces.append(char)
            pos = at + 1


def _plain(text: str) -> str:
    """A run of text as shown: escapes resolved, line ends as spaces."""
    if "\\" in text:
        text = _ESCAPE.sub(_ESCAPED, text)
    return _LINE_END.sub(" ", text) if "\n" in text else text


def _escape(src: str, at: int, limit: int, pieces: list[str | _Run]) -> int:
    if at + 1 >= limit:
        pieces.append("\\")
        return at + 1
    # Escapes are text runs: only a backslash ending a line (a hard break) comes here.
    pieces.append("\n")
    at += 2
    while at < limit and src[at] == " ":
        at += 1
    return at


def _code_end(src: str, start: int, size: int, limit: int) -> int:
    """Where the run of `size` backticks closing a code span starts, or -1."""
    search = start
    while True:
        found = src.find("`", search, limit)
        if found < 0:
            return -1
        end = found + 1
        while end < len(src) and src[end] == "`":
            end += 1
        if end > limit:
            return -1
        if end - found == size:
            return found
        search = end


def _backticks(src: str, at: int, limit: int) -> int:
    end = at + 1
    while end < limit and src[end] == "`":
        end += 1
    return end - at


def _code(src: str, at: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> int:
    size = _backticks(src, at, limit)
    close = _code_end(src, at + size, size, limit)
    if close < 0:
        raise _Declined  # a lone run of backticks
    content = src[at + size : close].replace("\n", " ")
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]
    if content:
        spans.append(_Span(MarkKind.CODE, len(pieces), len(pieces) + 1))
    pieces.append(content)
    return close + size


def _delimiters(
    src: str,
    at: int,
    limit: int,
    pieces: list[str | _Run],
    spans: list[_Span],
    openers: list[tuple[int, _Run]],
) -> int:
    char = src[at]
    end = at + 1
    while end < limit and src[end] == char:
        end += 1
    size = end - at
    if char == "~" and size == 1:
        pieces.append("~")
        return end
    if size > 2:
        raise _Declined
    run = _Run(src[at:end])
    can_open, can_close = _flanking(src, at, end, limit, split_word=char != "_")
    if can_close:
        for depth in range(len(openers) - 1, -1, -1):
            index, opener = openers[depth]
            if opener.chars[0] != char:
                continue
            # Only a pair closing the innermost opener, of the same length, is read here.
            if depth != len(openers) - 1 or len(opener.chars) != size:
                raise _Declined
            openers.pop()
            opener.matched = run.matched = True
            spans.append(_Span(_kind(char, size), index + 1, len(pieces)))
            pieces.append(run)
            return end
    if can_open:
        openers.append((len(pieces), run))
    pieces.append(run)
    return end


def _kind(char: str, size: int) -> MarkKind:
    if char == "~":
        return MarkKind.STRIKE
    return MarkKind.STRONG if size == 2 else MarkKind.EMPHASIS


def _flanking(src: str, at: int, end: int, limit: int, *, split_word: bool) -> tuple[bool, bool]:
    """CommonMark's can-open and can-close for a delimiter run, as markdown-it tests them."""
    last = src[at - 1] if at > 0 else " "
    following = src[end] if end < limit else " "
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
    next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following)
    last_space = isWhiteSpace(ord(last))
    next_space = isWhiteSpace(ord(following))
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    if split_word:
        return left, right
    return left and (not right or last_punct), right and (not left or next_punct)


def _link(src: str, at: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> int:
    label_end = _label_end(src, at + 1, limit)
    if label_end < 0 or not src.startswith("(", label_end + 1) or label_end + 1 >= limit:
        # Not an inline link; with no reference definitions the bracket is text.
        pieces.append("[")
        return at + 1
    start = label_end + 2
    close = src.find(")", start, limit)
    if close < 0:
        raise _Declined
    href = src[start:close]
    if not _DESTINATION.fullmatch(href) or not _normal_link(href):
        raise _Declined
    first = len(pieces)
    _scan(src, at + 1, label_end, pieces, spans)
    spans.append(_Span(MarkKind.LINK, first, len(pieces), href))
    return close + 1


def _autolink(src: str, at: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> int:
    """A `<scheme:...>` link whose address markdown-it keeps as it is; declines the rest."""
    found = _AUTOLINK.match(src, at, limit)
    if found is None:
        raise _Declined  # inline HTML, an e-mail autolink or a bare `<`
    url = found.group(1)
    if not _normal_autolink(url):
        raise _Declined
    spans.append(_Span(MarkKind.LINK, len(pieces), len(pieces) + 1, url))
    pieces.append(url)
    return found.end()


def _label_end(src: str, pos: int, limit: int) -> int:
    """Where a link's text ends (its `]`), skipping escapes and code spans; -1 if nowhere."""
    while pos < limit:
        char = src[pos]
        if char == "]":
            return pos
        if char == "[" or char == "<":
            raise _Declined
        if char == "\\":
            pos += 2 if pos + 1 < limit else 1
        elif char == "`":
            size = _backticks(src, pos, limit)
            close = _code_end(src, pos + size, size, limit)
            if close < 0:
                raise _Declined
            pos = close + size
        else:
            pos += 1
    return -1


@lru_cache(maxsize=4096)
def _normal_autolink(url: str) -> bool:
    """Whether markdown-it shows and links this autolink's address as it is written."""
    return _normal_link(url) and normalizeLinkText(url) == url


@lru_cache(maxsize=4096)
def _normal_link(href: str) -> bool:
    """Whether markdown-it keeps this destination as it is and allows it."""
    return normalizeLink(unescapeAll(href)) == href and validateLink(href)
