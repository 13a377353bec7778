"""Word wrapping by terminal cell width, returning slices so offsets map back to the text."""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Control characters could drive the terminal if they reached it; each becomes one visible
# replacement character (tabs and carriage returns a space) so offsets stay valid.
_SANITISE = {c: "\ufffd" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_SANITISE.update({ord("\t"): "\t", ord("\r"): " ", ord("\n"): "\n"})
_SANITISE_TEXT = {**_SANITISE, ord("\t"): " "}

_WORD = re.compile(r"[^ \n]+")

# Characters known to take exactly one cell. Text made only of these (and newlines) is
# wrapped by a regular expression, which lays a megabyte out in a few tens of milliseconds.
_CANDIDATES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x300),
    *range(0x370, 0x530),
    *range(0x1E00, 0x2000),
    *range(0x2010, 0x2028),
    *range(0x2030, 0x205F),
    *range(0x20A0, 0x20C1),
    *range(0x2190, 0x2200),
    *range(0x2500, 0x25FD),
    0xFFFD,
]


def _char_class(codepoints: list[int]) -> str:
    """A regex character class body listing `codepoints` as ranges."""
    parts: list[str] = []
    run_start = previous = codepoints[0]
    for codepoint in [*codepoints[1:], -2]:
        if codepoint != previous + 1:
            first, last = re.escape(chr(run_start)), re.escape(chr(previous))
            parts.append(first if run_start == previous else f"{first}-{last}")
            run_start = codepoint
        previous = codepoint
    return "".join(parts)


@lru_cache(maxsize=1)
def _not_single_cell() -> re.Pattern[str]:
    """Matches any character that may not take exactly one cell (built on first use)."""
    single = [c for c in _CANDIDATES if get_character_cell_size(chr(c)) == 1]
    return re.compile(f"[^\\n{_char_class(single)}]")


def sanitise(text: str, *, keep_tabs: bool = False) -> str:
    """Text with control characters made visible and harmless, one character for one.

    Tabs become spaces unless `keep_tabs` (code keeps them, to expand them to columns).
    """
    if not _CONTROL.search(text):
        return text
    return text.translate(_SANITISE if keep_tabs else _SANITISE_TEXT)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break `text` into (start, end) slices no wider than `width` cells, on spaces.

    Newlines force a break and words wider than `width` are split. Spaces at either end
    of a line are left out of its slice, and blank lines give no slice. Text is expected
    sanitised (no tabs or control characters).
    """
    width = max(1, width)
    if not _not_single_cell().search(text):
        return [match.span() for match in _line_pattern(width).finditer(text)]
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in text.split("\n"):
        end = position + len(piece)
        _wrap_cells(text, position, end, width, spans)
        position = end + 1
    return spans


@lru_cache(maxsize=64)
def _line_pattern(width: int) -> re.Pattern[str]:
    """A pattern matching one wrapped line of one-cell text.

    The first branch takes the longest run of at most `width` characters that starts and
    ends on a word and stops before a space or a newline; the second cuts a word too long
    for a line.
    """
    if width == 1:
        return re.compile(r"[^ \n]")
    return re.compile(rf"[^ \n](?:[^\n]{{0,{width - 2}}}[^ \n])?(?=[ \n]|\Z)|[^ \n]{{1,{width}}}")


def _wrap_cells(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Wrap `text[start:end]` measuring every word in cells (wide and zero-width text)."""
    line_start = line_end = -1
    used = 0
    for match in _WORD.finditer(text, start, end):
        word_start, word_end = match.span()
        cells = cell_len(match.group())
        pieces = None
        if line_start >= 0:
            gap = cell_len(text[line_end:word_start])
            if used + gap + cells <= width:
                used += gap + cells
                line_end = word_end
                continue
            room = width - used - gap
            # Text without spaces (CJK) runs on from the current line instead of leaving
            # it half empty; a long Latin word (a URL) starts a line of its own.
            if cells > width and room >= 2 and cells > len(match.group()):
                pieces = _chop(text, word_start, word_end, width, room)
                out.append((line_start, pieces.pop(0)[1]))
            else:
                out.append((line_start, line_end))
        if pieces is None:
            pieces = _chop(text, word_start, word_end, width, width)
        out.extend(pieces[:-1])
        line_start, line_end = pieces[-1]
        used = cell_len(text[line_start:line_end])
    if line_start >= 0:
        out.append((line_start, line_end))


def _chop(text: str, start: int, end: int, width: int, first: int) -> list[tuple[int, int]]:
    """Split `text[start:end]` into slices of at most `first`, then `width`, cells.

    A slice always takes at least one character, so a wide character in a one-cell
    column still makes progress.
    """
    pieces: list[tuple[int, int]] = []
    limit = max(1, first)
    piece_start, used = start, 0
    for index in range(start, end):
        cells = get_character_cell_size(text[index])
        if used + cells > limit and index > piece_start:
            pieces.append((piece_start, index))
            piece_start, used, limit = index, 0, width
        used += cells
    pieces.append((piece_start, end))
    return pieces
