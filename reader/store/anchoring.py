"""Re-finding a highlight's quote in an article's current text (pure functions, no I/O).

A highlight stores its quote with some text before and after it (a TextQuoteSelector).
After the article is re-wrapped or edited, `reanchor` looks for the quote again:

1. the exact quote, every occurrence, the best one chosen by its surrounding text and
   by how near it is to the block the highlight was made in;
2. the same with whitespace, case, curly quotes and dashes ignored (re-wrapped or
   retyped text);
3. a span bracketed by the stored prefix and suffix whose text is close to the quote
   (a word of the quote itself was edited).

When none of these finds it the highlight is orphaned: kept, and shown as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Protocol

from reader.models import Block

Span = tuple[int, int, int]
"""(block index, start, end) of a quote in the article's blocks, end exclusive."""

MIN_SIMILARITY = 0.75
"""How close an edited quote must stay to the stored one to count as the same passage."""

EDGE_CHARS = 12
"""Characters of prefix/suffix used to bracket an edited quote."""

_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class _Quoted(Protocol):
    """What re-anchoring reads of a highlight (a `Highlight` has it all)."""

    @property
    def quote(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def suffix(self) -> str: ...
    @property
    def block(self) -> int: ...


def reanchor(highlight: _Quoted, blocks: Sequence[Block | str]) -> Span | None:
    """Where the highlight's quote is in `blocks` now, or None when it is orphaned."""
    texts = [b if isinstance(b, str) else b.text for b in blocks]
    if not highlight.quote.strip() or not texts:
        return None
    return _exact(highlight, texts) or _folded(highlight, texts) or _bracketed(highlight, texts)


def _exact(highlight: _Quoted, texts: list[str]) -> Span | None:
    found = [
        (index, start, start + len(highlight.quote))
        for index, text in enumerate(texts)
        for start in _occurrences(text, highlight.quote)
    ]
    return _best(highlight, texts, found)


def _folded(highlight: _Quoted, texts: list[str]) -> Span | None:
    quote, _ = fold(highlight.quote)
    quote = quote.strip()
    found = []
    for index, text in enumerate(texts):
        folded, origin = fold(text)
        for start in _occurrences(folded, quote):
            end = start + len(quote)
            found.append((index, origin[start], origin[end - 1] + 1))
    return _best(highlight, texts, found)


def _bracketed(highlight: _Quoted, texts: list[str]) -> Span | None:
    head = fold(highlight.prefix)[0].strip()[-EDGE_CHARS:]
    tail = fold(highlight.suffix)[0].strip()[:EDGE_CHARS]
    if not head and not tail:
        return None
    quote = fold(highlight.quote)[0].strip()
    found = []
    for index, text in enumerate(texts):
        folded, origin = fold(text)
        for start, end in _brackets(folded, head, tail, len(quote)):
            candidate = folded[start:end].strip()
            if candidate and _similar(candidate, quote):
                lead = len(folded[start:end]) - len(folded[start:end].lstrip())
                trail = len(folded[start:end].rstrip())
                found.append((index, origin[start + lead], origin[start + trail - 1] + 1))
    return _best(highlight, texts, found)


def _brackets(text: str, head: str, tail: str, size: int) -> list[tuple[int, int]]:
    """Spans of `text` after `head` and/or before `tail`, of roughly `size` characters."""
    spans = []
    for found in _occurrences(text, head) if head else []:
        start = found + len(head)
        end = text.find(tail, start) if tail else -1
        # The suffix must follow closely; otherwise the suffix itself was edited.
        spans.append((start, end if 0 <= end - start <= 2 * size + 8 else start + size))
    if tail:
        spans += [(max(0, end - size), end) for end in _occurrences(text, tail)]
    return [(start, min(end, len(text))) for start, end in spans]


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= MIN_SIMILARITY


def _best(highlight: _Quoted, texts: list[str], found: list[Span]) -> Span | None:
    """The candidate whose surroundings match the stored ones best, then nearest the hint."""
    if len(found) <= 1:
        return found[0] if found else None

    def score(span: Span) -> tuple[int, int]:
        index, start, end = span
        text = texts[index]
        before = _common_suffix(fold(text[:start])[0], fold(highlight.prefix)[0])
        after = _common_prefix(fold(text[end:])[0], fold(highlight.suffix)[0])
        return (-(before + after), abs(index - highlight.block))

    return min(found, key=score)


def fold(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased with quotes/dashes unified and whitespace runs made one space,
    and for each folded character the offset of the original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            char = " "
        else:
            lowered = char.lower().translate(_FOLD)
            # A few characters lower-case to two (İ); keep one so offsets stay exact.
            char = lowered[0] if lowered else char
        out.append(char)
        origin.append(offset)
    return "".join(out), origin


def _occurrences(text: str, needle: str) -> list[int]:
    found = []
    start = text.find(needle) if needle else -1
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def _common_suffix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count
