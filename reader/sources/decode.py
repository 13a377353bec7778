"""Bytes to clean text: encoding detection, newline folding, control and escape stripping."""

from __future__ import annotations

import codecs
import unicodedata

from reader.sanitize import CONTROL as _CONTROL
from reader.sanitize import ESCAPE_START as _ESCAPE_START
from reader.sanitize import ESCAPES as _ESCAPES
from reader.sources.common import ascii_without

CP1252_BYTE = "reader-cp1252-byte"
"""Codec error handler that decodes each undecodable byte alone as cp1252."""

_DETECT_SAMPLE = 64 * 1024
"""Bytes given to charset detection; the whole file is then decoded with its answer."""

_FEW_STRAY_BYTES = 4
"""Up to this many bad bytes in otherwise-ASCII text are read as cp1252, not guessed at."""

_WESTERN_MARKS = frozenset("\xa0¡¢£¤¥¦§¨©«¬\xad®¯°±²³´µ¶·¸¹»¼½¾¿×÷€‚„…†‡‰‹›‘’“”•–—˜™")
"""Characters outside ASCII, other than Latin letters, that Western text in cp1252 uses."""

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    # One byte at a time: a stray cp1252 quote inside UTF-8 text keeps its meaning and
    # the valid UTF-8 after it is decoded normally.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    byte = error.object[error.start : error.start + 1]
    return byte.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error(CP1252_BYTE, _cp1252_byte)


def wide_bom(data: bytes) -> str | None:
    """The codec named by a UTF-16/UTF-32 byte-order mark at the start, if any."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return codec
    return None


def decode(data: bytes, truncated: bool = False) -> str:
    """Decode file bytes to clean text; never raises on any input.

    `truncated` says the bytes stop mid-file, so a partial last character is dropped.
    """
    codec = wide_bom(data)
    if codec is not None:
        if truncated:
            data = data[: len(data) - len(data) % (4 if codec == "utf-32" else 2)]
        text = data.decode(codec, errors="replace")
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        if truncated:
            data = _trim_partial_utf8(data)
        text = _decode_8bit(data)
    return strip_controls(text.lstrip("\ufeff"))


def strip_controls(text: str) -> str:
    """Fold CRLF/CR to LF and drop escape sequences and control characters but \\n, \\t."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _has_no_controls(text):
        return text
    if _ESCAPE_START.search(text) is not None:
        text = _ESCAPES.sub("", text)
    return _CONTROL.sub("", text)


_ASCII_CONTROLS = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
"""The controls `_CONTROL` matches that are ASCII (C1 controls are not)."""


def _has_no_controls(text: str) -> bool:
    # Most of what passes here is ASCII (each feed entry, three times): a quick table.
    if text.isascii():
        return ascii_without(text, _ASCII_CONTROLS)
    return _CONTROL.search(text) is None


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    valid = data.decode("utf-8", errors="ignore")
    bad = len(data) - len(valid.encode("utf-8"))
    # Non-ASCII characters that decoded as valid UTF-8 are evidence the file is UTF-8.
    good = len(valid) - len(valid.encode("ascii", errors="ignore"))
    if good >= bad or bad <= _FEW_STRAY_BYTES:
        return data.decode("utf-8", errors=CP1252_BYTE)
    western = _as_western(data)
    if western is not None:
        return western
    return _decode_detected(data)


def _as_western(data: bytes) -> str | None:
    """The bytes as cp1252 when that reads as Western European text, else None.

    Detection guesses badly on short texts ("naïve" came out as "naļve" in cp1257), while
    cp1252 is by far the commonest legacy encoding. It is taken when every byte is defined
    in it, every character it gives outside ASCII is a Latin letter or Western punctuation,
    and those letters are a minority among ASCII ones: text in Cyrillic or Greek encodings
    read as cp1252 also gives Latin letters, but almost no ASCII letters beside them.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are not cp1252
    ascii_letters = accented = 0
    for at, char in enumerate(text):
        if char.isascii():
            ascii_letters += char.isalpha()
        elif char.isalpha() and unicodedata.name(char, "").startswith("LATIN "):
            accented += 1
        elif char not in _WESTERN_MARKS or _inside_word(text, at):
            return None
    return text if accented * 3 <= ascii_letters else None


def _inside_word(text: str, at: int) -> bool:
    """Whether a mark sits between two letters: "Za¿ó³æ" is Polish (cp1250) read as cp1252,
    while Western text puts ¿, ³ or £ beside spaces and digits (only quotes go inside)."""
    if text[at] in "’·–—" or at == 0 or at + 1 >= len(text):
        return False
    return text[at - 1].isalpha() and text[at + 1].isalpha()


def _decode_detected(data: bytes) -> str:
    try:
        return data.decode(_detect(data[:_DETECT_SAMPLE]), errors="replace")
    except (LookupError, ValueError, RuntimeError):
        return data.decode("utf-8", errors=CP1252_BYTE)


def _detect(sample: bytes) -> str:
    """The sample's likeliest legacy encoding; cp1252 when nothing beats it."""
    # Imported here: detection is rare and the package is slow to import.
    import charset_normalizer

    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return "cp1252"
    # Western text often scores the same in cp1250, cp1252 and cp1257; of equals, the
    # commonest encoding is the better guess ("crème", not "crčme").
    for match in matches:
        if match.encoding == "cp1252":
            if match.chaos <= best.chaos and match.coherence >= best.coherence:
                return "cp1252"
            break
    return best.encoding


def _trim_partial_utf8(data: bytes) -> bytes:
    # Walk back over continuation bytes to the lead byte of the last character and
    # drop that character when the cap cut it short.
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= need else data[:-back]
    return data


def cut_at_paragraph(text: str) -> str:
    """Shorten text cut off by the size cap to its last paragraph (or line) break."""
    half = len(text) // 2
    for sep in ("\n\n", "\n"):
        at = text.rfind(sep)
        if at >= half:
            return text[:at]
    return text
