"""Word wrapping by terminal cells in linear time, as (start, end) slices of the text.

Rich wraps a paragraph by splitting one long segment again for every line it cuts, so a
paragraph of a few megabytes took it tens of seconds to print. These functions look at each
word once, so their work grows with the text, and each line they give is at most `width`
cells, which keeps whatever draws the lines cheap too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

_WORD = re.compile(r"[^ \n]+")
_ONE_CELL = re.compile(r"[\x20-\x7e]*")
"""Printable ASCII, one cell a character: measured by its length."""

_LIKELY_ONE_CELL = (
    (0x20, 0x7E),
    (0xA0, 0x2FF),
    (0x370, 0x52F),
    (0x1E00, 0x1FFF),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x20A0, 0x20C0),
)
"""Ranges of letters and punctuation that take one cell (each is checked on first use)."""


@lru_cache(maxsize=1)
def _not_one_cell() -> re.Pattern[str]:
    """Matches a character that may not take exactly one cell, or a newline."""
    ranges = []
    for first, last in _LIKELY_ONE_CELL:
        run = None
        for code in range(first, last + 2):
            single = code <= last and get_character_cell_size(chr(code)) == 1
            if single and run is None:
                run = code
            elif not single and run is not None:
                ranges.append(f"{re.escape(chr(run))}-{re.escape(chr(code - 1))}")
                run = None
    return re.compile(f"[^{''.join(ranges)}]")


@lru_cache(maxsize=32)
def _line_of(width: int) -> re.Pattern[str]:
    """One wrapped line of one-cell text: the longest run of whole words that fits, else the
    first `width` characters of a word too long for any line."""
    if width == 1:
        return re.compile(r"[^ \n]")
    fits = rf"[^ \n](?:[^\n]{{0,{width - 2}}}[^ \n])?(?=[ \n]|\Z)"
    return re.compile(rf"{fits}|[^ \n]{{1,{width}}}")


def cells(text: str) -> int:
    """The width of `text` in terminal cells."""
    if _ONE_CELL.fullmatch(text):
        return len(text)
    return cell_len(text)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break `text` into (start, end) slices of at most `width` cells, between words.

    Newlines force a break, a blank line gives an empty slice, spaces where a line breaks
    are left out, and a word wider than a line is cut. Text is expected without tabs or
    control characters.
    """
    width = max(1, width)
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        before = len(out)
        if _not_one_cell().search(text, start, stop) is None:
            # The common case, done by a regular expression in one pass.
            out += [match.span() for match in _line_of(width).finditer(text, start, stop)]
        else:
            _wrap_line(text, start, stop, width, out)
        if len(out) == before:
            out.append((start, start))  # an empty or blank line stays a line
        if end < 0:
            return out
        start = end + 1


def _wrap_line(text: str, start: int, stop: int, width: int, out: list[tuple[int, int]]) -> None:
    """Greedy wrapping of one line of `text` (no newlines between start and stop)."""
    line_start = line_end = -1
    used = 0
    for match in _WORD.finditer(text, start, stop):
        word_start, word_end = match.span()
        size = cells(match.group())
        if line_start >= 0:
            gap = word_start - line_end  # spaces: one cell each
            if used + gap + size <= width:
                used += gap + size
                line_end = word_end
                continue
            out.append((line_start, line_end))
        if size <= width:
            line_start, line_end, used = word_start, word_end, size
            continue
        pieces = list(chop(text, word_start, word_end, width))
        out.extend(pieces[:-1])
        line_start, line_end = pieces[-1]
        used = cells(text[line_start:line_end])
    if line_start >= 0:
        out.append((line_start, line_end))


def chop(text: str, start: int, end: int, width: int) -> Iterator[tuple[int, int]]:
    """`text[start:end]` cut into slices of at most `width` cells (at least one character)."""
    width = max(1, width)
    piece_start, used = start, 0
    for index in range(start, end):
        size = get_character_cell_size(text[index])
        if used + size > width and index > piece_start:
            yield piece_start, index
            piece_start, used = index, 0
        used += size
    yield piece_start, end
