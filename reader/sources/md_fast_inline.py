"""Inline part of the fast Markdown reading: text and marks exactly as markdown-it gives them.

Reads escapes, code spans, `*`/`_`/`**`/`__`/`~~` emphasis whose pairs nest plainly, inline
links whose destination markdown-it keeps as written, and autolinks. Anything else
(images, inline HTML, runs of three delimiters, crossing or unequal pairs, nested
brackets, destinations markdown-it would rewrite) raises `Declined`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText, validateLink
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, unescapeAll

from reader.models import Mark, MarkKind


class Declined(Exception):
    """The text holds something only markdown-it can be trusted to read."""


_INLINE_MARKUP = "\\`*_~[!<"
"""Characters that may start inline syntax (a lone `]` is text)."""
# Text, line breaks and escapes up to the next character that may be inline syntax.
_TEXT = re.compile(r"(?:[^\\`*_~\[!<]|!(?!\[)|\\[^\n])+")
_ESCAPED = itemgetter(1)
"""The escaped character of an escape match (a C-level callable: no template per match)."""
_LINE_END = re.compile(r"\n *")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*)>")
"""An autolink (as markdown-it matches them); a line starting with one is not HTML."""
_DESTINATION = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")


_CLASSES: dict[str, tuple[bool, bool]] = {}
"""Characters met beside delimiters, with `_classify`'s answer (the tests are pure)."""
_CLASSES_KEPT = 4096


class _Run:
    """A run of `*`, `_` or `~~`: emphasis when matched, its own characters otherwise."""

    __slots__ = ("chars", "matched")

    def __init__(self, chars: str) -> None:
        self.chars = chars
        self.matched = False


class _Openers:
    """The emphasis runs still open, innermost last, and how many of each character."""

    __slots__ = ("counts", "stack")

    def __init__(self) -> None:
        self.stack: list[tuple[int, _Run]] = []
        self.counts = {"*": 0, "_": 0, "~": 0}


class _Span:
    """A mark between two places in the piece list (indexes), known once both are read."""

    __slots__ = ("end", "href", "kind", "start")

    def __init__(self, kind: MarkKind, start: int, end: int, href: str | None = None) -> None:
        self.kind, self.start, self.end, self.href = kind, start, end, href


def inline_text(src: str) -> tuple[str, tuple[Mark, ...]]:
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
    openers = _Openers()
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
            raise Declined  # an image
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
        raise Declined  # a lone run of backticks
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
    openers: _Openers,
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
        raise Declined
    run = _Run(src[at:end])
    can_open, can_close = _flanking(src, at, end, limit, split_word=char != "_")
    if can_close and openers.counts[char]:
        index, opener = openers.stack[-1]
        # Only a pair closing the innermost opener, of the same length, is read here.
        if opener.chars[0] != char or len(opener.chars) != size:
            raise Declined
        openers.stack.pop()
        openers.counts[char] -= 1
        opener.matched = run.matched = True
        spans.append(_Span(_kind(char, size), index + 1, len(pieces)))
    elif can_open:
        openers.stack.append((len(pieces), run))
        openers.counts[char] += 1
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
    last_punct, last_space = _CLASSES.get(last) or _classify(last)
    next_punct, next_space = _CLASSES.get(following) or _classify(following)
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    if split_word:
        return left, right
    return left and (not right or last_punct), right and (not left or next_punct)


def _classify(char: str) -> tuple[bool, bool]:
    """Whether markdown-it counts a character as punctuation, and as whitespace."""
    found = (isMdAsciiPunct(ord(char)) or isPunctChar(char), isWhiteSpace(ord(char)))
    if len(_CLASSES) < _CLASSES_KEPT:
        _CLASSES[char] = found
    return found


def _link(src: str, at: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> int:
    label_end = _label_end(src, at + 1, limit)
    if label_end < 0 or not src.startswith("(", label_end + 1) or label_end + 1 >= limit:
        # Not an inline link; with no reference definitions the bracket is text.
        pieces.append("[")
        return at + 1
    start = label_end + 2
    close = src.find(")", start, limit)
    if close < 0:
        raise Declined
    href = src[start:close]
    if not _DESTINATION.fullmatch(href) or not _normal_link(href):
        raise Declined
    first = len(pieces)
    _scan(src, at + 1, label_end, pieces, spans)
    spans.append(_Span(MarkKind.LINK, first, len(pieces), href))
    return close + 1


def _autolink(src: str, at: int, limit: int, pieces: list[str | _Run], spans: list[_Span]) -> int:
    """A `<scheme:...>` link whose address markdown-it keeps as it is; declines the rest."""
    found = AUTOLINK.match(src, at, limit)
    if found is None:
        raise Declined  # inline HTML, an e-mail autolink or a bare `<`
    url = found.group(1)
    if not _normal_autolink(url):
        raise Declined
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
            raise Declined
        if char == "\\":
            pos += 2 if pos + 1 < limit else 1
        elif char == "`":
            size = _backticks(src, pos, limit)
            close = _code_end(src, pos + size, size, limit)
            if close < 0:
                raise Declined
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
