"""Untrusted text for the screen: escapes and controls removed, fitted to a cell width."""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
"""Terminal escape sequences (CSI, OSC and two-byte forms), removed whole."""
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Any control character left once escapes are gone."""


def clean(text: str) -> str:
    """Text made safe for one line: escapes removed, other controls turned into spaces."""
    return _CONTROLS.sub(" ", _ESCAPES.sub("", text))


def fit(text: str, width: int) -> str:
    """`text` padded, or cut with an ellipsis, to exactly `width` cells."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
