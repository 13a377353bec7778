"""What the format readers share: decoding, CSV rows, dates, tags and addresses."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from reader.imports.formats._common import allow_long_fields
from reader.imports.items import ImportSource
from reader.sources.decode import strip_controls

_BOM = "\ufeff"
_WEB = re.compile(r"https?://", re.IGNORECASE)


def text_of(data: bytes) -> str:
    """Bytes as text: UTF-8 (a BOM anywhere dropped), else Windows-1252, never an error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
    return text.replace(_BOM, "")


def head_text(source: ImportSource, size: int = 4096) -> str:
    """The opening of a plain file as text, for detection (empty for a zip)."""
    return text_of(source.data[:size]).lstrip() if source.data else ""


def clean(value: object) -> str:
    """A field as one trimmed string without control characters."""
    if value is None:
        return ""
    return strip_controls(str(value)).strip()


def one_line(value: object) -> str:
    """A field as one line: every run of whitespace made one space."""
    return " ".join(clean(value).split())


def csv_rows(text: str) -> Iterator[dict[str, str]]:
    """RFC 4180 rows as dicts keyed by the header, names trimmed (quoted newlines kept)."""
    allow_long_fields()  # a saved page's text can be a long field
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        return
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        yield {name: values[i] if i < len(values) else "" for i, name in enumerate(header)}


def csv_header(text: str) -> list[str]:
    """The first record's names, lower-cased and trimmed ([] when it is not CSV)."""
    first = text.split("\n", 1)[0] if "\n" in text[:4096] else text[:4096]
    try:
        row = next(csv.reader([first.rstrip("\r")]), [])
    except csv.Error:
        return []
    return [name.strip().lower() for name in row]


def parse_time(value: object) -> datetime | None:
    """A moment from Unix seconds, milliseconds or microseconds, or an ISO 8601 string."""
    text = clean(value)
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        number = float(text)
        # Browsers write seconds, milliseconds or microseconds: tell them apart by size.
        while abs(number) > 1e11:
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC) if number > 0 else None
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def split_tags(values: Iterable[object]) -> tuple[str, ...]:
    """Tags trimmed, without empties or repeats (case kept, first spelling wins)."""
    seen: dict[str, str] = {}
    for value in values:
        tag = one_line(value)
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return tuple(seen.values())


def is_web_address(url: str) -> bool:
    """Whether a field holds an http(s) address."""
    return bool(_WEB.match(url.strip()))


def truthy(value: object) -> bool:
    """true/false, 1/0, yes/no and the like, as exports write them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return clean(value).lower() in {"true", "1", "yes", "y", "t"}


def load_json(data: bytes) -> Any:
    """Parsed JSON, or None when the bytes are not JSON."""
    try:
        return json.loads(text_of(data))
    except (ValueError, RecursionError):
        return None


def json_start(source: ImportSource) -> str:
    """The first character of a plain JSON-looking file (`[`, `{`), else empty."""
    head = head_text(source, 64)
    return head[:1] if head[:1] in ("[", "{") else ""
