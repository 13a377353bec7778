"""Inline Markdown writing: escaped text, collapsed spaces, emphasis that parses as meant."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from reader.sources.common import ascii_without, collapse

BREAK = "\\\n"
"""A Markdown hard line break (a backslash ending the line)."""

# Characters Markdown reads as syntax anywhere in a line; `&` only when it starts an entity.
_ESCAPE = re.compile(r"[\\`*_\[\]<>#|~]|&(?=#?[0-9A-Za-z]+;)")
_SPECIAL_BYTES = b"\\`*_[]<>#|~&"
"""Every character `_ESCAPE` may match."""
# Characters that open a block (list, setext underline) only at the start of a line.
_LINE_START = re.compile(r"^(?:([+\-=])|(\d{1,9})([.)]))")
_BACKTICKS = re.compile(r"`+")


def escape_text(text: str) -> str:
    """Text with every Markdown-special character backslash-escaped (inline position)."""
    if ascii_without(text, _SPECIAL_BYTES):
        return text  # most text holds none, told quicker than the substitution finds nothing
    return _ESCAPE.sub(lambda found: "\\" + found.group(0), text)


def escape_line(text: str) -> str:
    """Text escaped to stand at the start of a line, where `-`, `+`, `1.` open blocks."""
    return _LINE_START.sub(_escape_start, escape_text(text), count=1)


def _escape_start(found: re.Match[str]) -> str:
    if found.group(1):
        return "\\" + found.group(1)
    return found.group(2) + "\\" + found.group(3)


def code_span(code: str) -> str:
    """Code as a Markdown code span, fenced with more backticks than it holds in a row."""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


@dataclass(eq=False, slots=True)
class _Delimiter:
    """One end of an emphasis pair (`_`, `**`, `~~`); both ends share `pair`."""

    text: str
    opening: bool
    pair: object


Part = str | _Delimiter

_PASSES = 6
"""Rounds of dropping unreadable emphasis before giving up on emphasis in a paragraph."""


class InlineBuilder:
    """Inline Markdown being built for one paragraph, heading or table cell."""

    def __init__(self, breaks: bool = True) -> None:
        self.parts: list[Part] = []
        self.breaks = breaks
        self.at_start = True  # nothing but whitespace since the paragraph or a break began
        self.space = False  # a space is owed before the next text
        self.code_at: tuple[int, str] | None = None  # the last code span's index and code

    def text(self, raw: str) -> None:
        """Add text from the page: whitespace collapsed, syntax escaped."""
        if not raw:
            return
        words = collapse(raw)
        if raw[0].isspace():
            self.space = True
        trailing = raw[-1].isspace()
        if words:
            self._pad()
            self.parts.append(escape_line(words) if self.at_start else escape_text(words))
            self.at_start = False
        if trailing:
            self.space = True

    def markup(self, markup: str) -> None:
        """Add Markdown syntax as it is."""
        if markup:
            self._pad()
            self.parts.append(markup)
            self.at_start = False

    def code(self, code: str) -> None:
        """Add a code span; one right after another joins it, as Markdown cannot part them."""
        code = " ".join(code.split())
        if not code:
            return
        if self.code_at is not None and self.code_at[0] == len(self.parts) - 1 and not self.space:
            code = self.code_at[1] + code
            self.parts.pop()
        self.markup(code_span(code))
        self.code_at = (len(self.parts) - 1, code)

    def line_break(self) -> None:
        """A <br>: a hard break in a paragraph, a space where Markdown has no breaks."""
        if not self.breaks:
            self.space = True
        elif not self.at_start:
            self.parts.append(BREAK)
            self.at_start, self.space = True, False

    def inner(self) -> InlineBuilder:
        """A builder for content that will be wrapped and added to this one."""
        inner = InlineBuilder(self.breaks)
        inner.at_start = False  # it follows an opening delimiter
        return inner

    def wrap(self, inner: InlineBuilder, opening: str, closing: str) -> None:
        """Add an inner builder's content between delimiters (nothing if it has no text).

        Emphasis (`opening == closing`) is kept only where Markdown will read it as such,
        so an unreadable pair never shows up as literal stars.
        """
        parts = _trimmed(inner.parts)
        if not any(isinstance(part, str) and part.strip() for part in parts):
            return
        self._pad()
        if opening == closing:
            pair = object()
            self.parts.extend(
                (_Delimiter(opening, True, pair), *parts, _Delimiter(closing, False, pair))
            )
        else:
            self.parts.extend((opening, *parts, closing))
        self.at_start = False

    def _pad(self) -> None:
        if self.space and not self.at_start:
            self.parts.append(" ")
        self.space = False

    def result(self) -> str:
        """The built Markdown, without spaces or breaks at its ends."""
        parts = _trimmed(self.parts)
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]  # a run of plain text, as most paragraphs are
        # Most paragraphs have no emphasis at all: nothing to weigh.
        has_pairs = any(isinstance(part, _Delimiter) for part in parts)
        shown = _shown_delimiters(parts) if has_pairs else set()
        out: list[str] = []
        for index, part in enumerate(parts):
            text = part if isinstance(part, str) else part.text if index in shown else ""
            if text == "[" and out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # `![` would make the link an image
            if text:
                out.append(text)
        return "".join(out)


def _trimmed(parts: list[Part]) -> list[Part]:
    """Parts without whitespace or hard breaks at either end."""
    start, end = 0, len(parts)
    while start < end and _blank(parts[start]):
        start += 1
    while end > start and _blank(parts[end - 1]):
        end -= 1
    return parts[start:end]


def _blank(part: Part) -> bool:
    return isinstance(part, str) and (not part.strip(" ") or part == BREAK)


def _shown_delimiters(parts: list[Part]) -> set[int]:
    """Indexes of the delimiters to write: those Markdown will read as emphasis there."""
    state = _Pairs(parts)
    # Dropping a pair changes its neighbours' surroundings, so check again until stable.
    for _ in range(_PASSES):
        changed = state.join_adjacent()
        changed |= state.drop_unreadable()
        if not changed:
            return state.shown()
    return set()


class _Pairs:
    """Which delimiter pairs of a paragraph are still written, as they are whittled down."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts
        self.same: dict[object, object] = {}  # pair -> the pair it was joined to
        self.hidden: set[int] = set()  # inner ends of joined pairs
        self.failed: set[object] = set()

    def pair(self, part: _Delimiter) -> object:
        pair = part.pair
        while pair in self.same:  # joins chain: a pair joined to one joined to another
            pair = self.same[pair]
        return pair

    def shown(self) -> set[int]:
        return {
            index
            for index, part in enumerate(self.parts)
            if isinstance(part, _Delimiter)
            and index not in self.hidden
            and self.pair(part) not in self.failed
        }

    def join_adjacent(self) -> bool:
        """Deal with a closing delimiter written right before an opening one of one char.

        `**a****b**` is not two strong runs: same-kind pairs are joined into one by hiding
        the inner ends. `**a***b*` makes one `***` run: the second pair is dropped.
        """
        shown = self.shown()
        changed = False
        previous: tuple[int, _Delimiter] | None = None
        for index, part in enumerate(self.parts):
            if isinstance(part, str):
                previous = None
                continue
            if index not in shown:
                continue
            if previous is not None:
                at, first = previous
                if not first.opening and part.opening and first.text[0] == part.text[0]:
                    changed = True
                    if first.text == part.text:
                        self.hidden.update((at, index))
                        self.same[part.pair] = self.pair(first)
                    else:
                        self.failed.add(self.pair(part))
                    previous = None
                    continue
            previous = (index, part)
        return changed

    def drop_unreadable(self) -> bool:
        """Drop the pairs with an end Markdown would not read as a delimiter there."""
        shown = self.shown()
        texts = [
            part if isinstance(part, str) else part.text if index in shown else ""
            for index, part in enumerate(self.parts)
        ]
        before = _neighbours(texts, forward=True)
        after = _neighbours(texts, forward=False)
        failing = set()
        for index in shown:
            part = self.parts[index]
            assert isinstance(part, _Delimiter)
            if not _readable(part, before[index], after[index]):
                failing.add(self.pair(part))
        self.failed |= failing
        return bool(failing)


def _neighbours(texts: list[str], *, forward: bool) -> list[str]:
    """For each part, the character just before it (forward) or just after it."""
    found = [""] * len(texts)
    last = ""
    order = range(len(texts)) if forward else range(len(texts) - 1, -1, -1)
    for index in order:
        found[index] = last
        text = texts[index]
        if text:
            last = text[-1] if forward else text[0]
    return found


def _readable(part: _Delimiter, before: str, after: str) -> bool:
    """CommonMark's rule for whether a delimiter run can open (or close) emphasis here."""
    left = _left_flanking(before, after)
    right = _left_flanking(after, before)
    if part.text[0] != "_":
        return left if part.opening else right
    # `_` may not open or close inside a word (snake_case stays text).
    if part.opening:
        return left and (not right or _punctuation(before))
    return right and (not left or _punctuation(after))


def _left_flanking(before: str, after: str) -> bool:
    # Right-flanking is the same test looking the other way.
    if not after or after.isspace():
        return False
    return not _punctuation(after) or not before or before.isspace() or _punctuation(before)


def _punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char)[0] in "PS"
