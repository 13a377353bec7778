"""Text from outside made safe to show: no escapes, controls or bidi overrides reach a terminal.

File names, titles, HTTP reasons and feed text can carry bytes a terminal acts on: an OSC
sequence retitles the window, a CSI one moves the cursor or hides what follows, a C1 byte
starts a sequence on its own in some terminals, and bidi overrides reorder what is shown
so one name can pass for another. Every such string goes through `safe_line` (one line:
titles, list rows, messages) or `safe_text` (several lines: an article) before output.
"""

from __future__ import annotations

import re
from functools import cache

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Anything a terminal could act on: C0 controls but \\t and \\n, DEL, and C1 controls."""

ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"  # CSI: ESC [ params final
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS..
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"  # two-char and nF escapes (ESC 7, ESC ( B)
)
"""Whole escape sequences, so their parameters do not survive as stray text once the ESC
itself is gone. Unterminated string sequences fall through to CONTROL, which drops the
introducer; what remains is inert text."""

ESCAPE_START = re.compile(r"[\x1b\x90-\x9f]")
"""The bytes an escape sequence can start with (ESC, and the C1 introducers)."""

BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
"""Bidi embeddings, overrides and isolates: they reorder what is shown after them."""


# Compiled on first use: most commands print only printable ASCII and never need them.
@cache
def _line_breaks() -> re.Pattern[str]:
    return re.compile(r"\r\n|[\r\n\t\u2028\u2029\x85]")


@cache
def _surrogate() -> re.Pattern[str]:
    return re.compile(r"[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """Text every UTF-8 file, index and terminal accepts: each lone surrogate (the bytes of
    a name that is not UTF-8, never anything typed) becomes U+FFFD."""
    if text.isascii() or _surrogate().search(text) is None:
        return text
    return _surrogate().sub("\ufffd", text)


def safe_line(value: object) -> str:
    """One line of outside text for output: escapes and bidi controls removed, line breaks,
    tabs and other controls turned into spaces (so column widths hold), and the bytes of a
    file name that is not UTF-8 shown as `\\xNN`."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable() and text.isascii():
        return text  # the common case, checked once
    text = _strip(text)
    return CONTROL.sub(" ", _line_breaks().sub(" ", text))


def safe_text(value: object) -> str:
    """Several lines of outside text for output: as `safe_line`, keeping line breaks and
    tabs (CRLF and CR become LF)."""
    text = value if isinstance(value, str) else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", _strip(text).replace("\u2028", "\n").replace("\u2029", "\n"))


def safe_json(text: str) -> str:
    """JSON text for output with C1 controls and bidi controls written as \\u escapes: the
    same data for a program reading it, inert on a terminal (json already escapes C0)."""
    return re.sub(
        r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]",
        lambda match: f"\\u{ord(match.group()):04x}",
        text,
    )


def _strip(text: str) -> str:
    if ESCAPE_START.search(text) is not None:
        text = ESCAPES.sub("", text)
    text = BIDI.sub("", text)
    if _surrogate().search(text) is not None:
        text = _surrogate().sub(_shown_byte, text)
    return text


def _shown_byte(match: re.Match[str]) -> str:
    # A name that is not UTF-8 reaches Python as surrogate escapes (U+DC80-U+DCFF): each
    # stands for one byte, shown as \xNN; any other lone surrogate cannot be printed at all.
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"
