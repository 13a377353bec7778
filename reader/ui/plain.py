"""Untrusted text for the screen: escapes and controls removed, fitted to a cell width."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

from reader.sanitize import safe_line


def clean(text: str) -> str:
    """Text made safe for one line: escapes and bidi controls removed, other controls turned
    into spaces (the one sanitiser the command line uses too)."""
    return safe_line(text)


def fit(text: str, width: int) -> str:
    """`text` padded, or cut with an ellipsis, to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
