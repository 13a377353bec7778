"""A machine's change log in the sync folder: one checksummed JSON entry a line.

Only its owner appends to it (then fsyncs) or rewrites it whole (compaction, through the
crash-safe writer). Readers take every line whose checksum holds and skip the others: a
file cut short by a crash or caught half-copied by a sync tool loses only its torn lines,
which a later read finds once the whole file has arrived.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.files import append_lines, atomic_write
from reader.sanitize import valid_unicode
from reader.sync.clock import Stamp, stamp_of
from reader.sync.crdt import Entry
from reader.sync.rules import SKIPPED_TABLES, SOURCES

LOG_NAME = "changes.log"
LOG_LIMIT = 1 << 30
"""The largest log read, in bytes (a month offline is a few megabytes)."""


def encode(entry: Entry) -> bytes:
    """One log line: the CRC-32 of the JSON text, a space, the JSON text, a newline."""
    try:
        body = orjson.dumps(entry)
    except TypeError:  # text orjson refuses (a lone surrogate): the standard library takes it
        body = json.dumps(entry, separators=(",", ":")).encode("ascii")
    return b"%08x %s\n" % (zlib.crc32(body), body)


@dataclass
class LogRead:
    """The entries of a log read since `known`, and where the next read may start."""

    entries: list[tuple[Stamp, Entry]] = field(default_factory=list)
    skipped: int = 0
    """Damaged or torn lines met (read again next time)."""
    size: int = 0
    consumed: int = 0
    """Bytes of whole, usable lines from the start: the next read starts after them."""
    crc: int = 0
    """CRC-32 of those bytes: if they change (a compaction, a damaged copy), read it all."""
    full: bool = True
    """Whether the log was read from its start."""
    identity: list[int] | None = None
    """The file's identity (see `identity_of`) when it was opened; None when it was missing."""


def identity_of(info: os.stat_result) -> list[int]:
    """What changes whenever a log is appended to, replaced or rewritten."""
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def read(path: Path, known: tuple[int, int] | None = None) -> LogRead:
    """The log's entries after the `known` (consumed, crc) prefix, or all when it changed."""
    identity = None
    try:
        with open(path, "rb") as handle:
            # Taken before reading: bytes arriving meanwhile make the next check differ.
            identity = identity_of(os.fstat(handle.fileno()))
            raw = handle.read(LOG_LIMIT)
    except FileNotFoundError:
        raw = b""
    start, full = 0, True
    if known is not None and len(raw) >= known[0] and zlib.crc32(raw[: known[0]]) == known[1]:
        start, full = known[0], False
    result = LogRead(size=len(raw), full=full, identity=identity)
    pieces = raw[start:].split(b"\n")
    offset, first_bad = start, None
    for line in pieces[:-1]:
        parsed = decode(line) if line else None
        if parsed is not None:
            result.entries.append(parsed)
        elif line:
            result.skipped += 1
            first_bad = offset if first_bad is None else first_bad
        offset += len(line) + 1
    if pieces[-1]:
        result.skipped += 1  # a torn last line, still being written or copied
    result.consumed = offset if first_bad is None else first_bad
    result.crc = zlib.crc32(raw[: result.consumed])
    return result


def position(path: Path) -> tuple[int, int, list[int] | None]:
    """(size, CRC-32) of a whole log, as `read` takes it to start after it, and its identity."""
    identity = None
    try:
        with open(path, "rb") as handle:
            identity = identity_of(os.fstat(handle.fileno()))
            raw = handle.read(LOG_LIMIT)
    except FileNotFoundError:
        raw = b""
    return len(raw), zlib.crc32(raw), identity


def decode(line: bytes) -> tuple[Stamp, Entry] | None:
    """A line's stamp and entry, or None when the line is damaged or not an entry."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:
            value = json.loads(body)  # orjson refuses escaped lone surrogates
        except (ValueError, RecursionError):
            return None
    except ValueError:
        return None
    if b"\\ud" in body or b"\\uD" in body:
        value = _clean(value)  # lone surrogates from a hand-made line: never stored as such
    return checked(value)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {valid_unicode(str(k)): _clean(v) for k, v in value.items()}
    return value


def checked(value: Any) -> tuple[Stamp, Entry] | None:
    """An entry in its normal form (stamps as tuples), or None when its shape is wrong."""
    if not isinstance(value, dict):
        return None
    stamp = stamp_of(value.get("h"))
    source, table, key = value.get("s"), value.get("t"), value.get("k")
    if stamp is None or source not in SOURCES or not isinstance(key, str):
        return None
    if not isinstance(table, str) or table in SKIPPED_TABLES:
        return None
    entry: Entry = {"s": source, "t": table, "k": key}
    for flag in ("c", "d"):
        if value.get(flag):
            entry[flag] = 1
    fields, removed, groups = value.get("f", {}), value.get("r", []), value.get("g", {})
    if not isinstance(fields, dict) or not _texts(removed) or not isinstance(groups, dict):
        return None
    entry["f"], entry["r"] = fields, removed
    for delta in groups.values():
        if not isinstance(delta, dict) or not all(v in (0, 1) for v in delta.values()):
            return None
    entry["g"] = groups
    if "x" in value:
        if not isinstance(value["x"], str):
            return None
        entry["x"] = value["x"]
    superseded = [stamp_of(s) for s in value.get("p") or ()]
    if None in superseded or not isinstance(value.get("p", []), list):
        return None
    if superseded:
        entry["p"] = superseded
    return stamp, entry


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def append(path: Path, entries: Iterable[Entry]) -> None:
    """Add entries at the end of the log and flush them to disk before returning."""
    payload = b"".join(encode(e) for e in entries)
    if payload:
        append_lines(path, payload, mode=0o644)


def rewrite(path: Path, entries: Iterable[Entry]) -> None:
    """Replace the log with these entries, atomically (its owner's compaction)."""
    atomic_write(path, [encode(e) for e in entries], mode=0o644)
