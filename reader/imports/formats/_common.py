"""Small readers the import formats share: text decoding, CSV rows, dates, tags, booleans."""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from reader.sanitize import safe_line, valid_unicode

HEAD_BYTES = 64 * 1024
"""How much of a file `detect` looks at: enough for a header and a first record."""
LIST_REPR_CAP = 8 * 1024
"""Longest Python-list text handed to `ast.literal_eval` (it parses, never runs, but a huge
or deeply nested literal costs time and stack)."""
CSV_FIELD_LIMIT = 64 * 1024 * 1024
_SPACES = re.compile(r"\s+")


def decode(data: bytes) -> str:
    """Text of an export: UTF-8 (BOMs anywhere removed), UTF-16 by its BOM, else Latin-1
    for bytes that are not UTF-8; line ends made LF."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = (
                data.decode("utf-8", errors="replace")
                if _mostly_utf8(data)
                else (data.decode("cp1252", errors="replace"))
            )
    text = valid_unicode(text.replace("\ufeff", ""))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _mostly_utf8(data: bytes) -> bool:
    # A few bad bytes in a UTF-8 file (a cut at a size cap, a damaged sector) must not turn
    # all of its accents into mojibake.
    sample = data[:HEAD_BYTES]
    bad = len(sample.decode("utf-8", errors="replace").split("\ufffd")) - 1
    return bad * 50 < max(1, len(sample) - len(sample.decode("ascii", errors="ignore")))


def head_text(data: bytes) -> str:
    """The start of a file as text, for `detect`."""
    return decode(data[:HEAD_BYTES])


def clean(value: object) -> str:
    """A text field: stripped, never None."""
    return "" if value is None else str(value).strip()


def one_line(value: object, limit: int = 80) -> str:
    """Outside text fit for a skip reason: one safe line, cut near `limit` characters."""
    text = _SPACES.sub(" ", safe_line(clean(value)))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def key(text: str) -> str:
    """A comparison key for titles and quotes: case and runs of white space ignored."""
    return _SPACES.sub(" ", text).strip().casefold()


def csv_header(text: str) -> list[str]:
    """The first CSV record's fields (stripped), or [] when there is none."""
    for _, row in csv_rows(text):
        if isinstance(row, list):
            return [field.strip() for field in row]
        return []
    return []


def allow_long_fields() -> None:
    """Let the csv module read fields up to CSV_FIELD_LIMIT (a process-wide setting)."""
    # The stock limit (128 KiB a field) refuses a long article text or note; the file
    # itself is already size-capped by the caller.
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line number, fields) for each CSV record, or (line number, error) for one the csv
    module refuses; RFC 4180 quoting, newlines inside quoted fields."""
    allow_long_fields()
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, str(error)
            if reader.line_num < line:  # the reader did not move on: stop, never loop
                return
            continue
        if any(field.strip() for field in row):
            yield line, row


def csv_dicts(text: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, {header: field}) for each record after the header row."""
    rows = csv_rows(text)
    header: list[str] | None = None
    for line, row in rows:
        if isinstance(row, str):
            yield line, row
            continue
        if header is None:
            header = [field.strip() for field in row]
            continue
        padded = row + [""] * (len(header) - len(row))
        yield line, dict(zip(header, padded, strict=False))


def parse_bool(value: object) -> bool:
    """TRUE/True/true/1/yes as True; anything else False."""
    return clean(value).casefold() in {"true", "1", "yes", "y", "t"}


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date (with a space or T, a Z, micro- or milliseconds) or unix seconds."""
    text = clean(value)
    if not text:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        number = float(text)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    # Python 3.11 reads up to 6 fraction digits; some exports write 7 or more.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def split_tags(value: object, separators: str = ",") -> tuple[str, ...]:
    """Tags from a field: a Python/JSON list (`['a', 'b']`) or a separated string."""
    text = clean(value)
    if not text:
        return ()
    if text.startswith("[") and text.endswith("]"):
        listed = literal_list(text)
        if listed is not None:
            return tags_of(listed)
    parts = re.split("[" + re.escape(separators) + "]", text)
    return tags_of(parts)


def literal_list(text: str) -> list[str] | None:
    """The strings of a Python-list repr (`['a', "b's"]`), or None when it is not one.

    Parsed with `ast.literal_eval` (a parser that evaluates nothing) on a capped string."""
    if len(text) > LIST_REPR_CAP:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list | tuple):
        return None
    return [str(item) for item in value if isinstance(item, str | int | float)]


def tags_of(values: object) -> tuple[str, ...]:
    """Clean tags (white space collapsed, empty ones and repeats dropped), in order."""
    if not isinstance(values, list | tuple):
        return ()
    cleaned = (_SPACES.sub(" ", str(tag)).strip() for tag in values if tag is not None)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))
