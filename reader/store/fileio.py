"""The store's file format: write tokens, encoding, decoding, shape checks."""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any

from reader.store.validate import table_problem

try:  # orjson is several times faster; the standard library is the fallback.
    import orjson
except ImportError:  # pragma: no cover - exercised only where orjson is missing
    orjson = None  # type: ignore[assignment]

Tables = dict[str, dict[str, Any]]
"""TinyDB's data model: table name -> {document id (str) -> document}."""

STAMP_KEY = "_write"
"""A top-level key holding a fresh random token per write, first in the file.

It lets a process tell in a few bytes whether the file is still the one it last read,
even if the filesystem reuses an inode within one timestamp tick.
"""

_STAMP_RE = re.compile(rb'^\{\s*"_write"\s*:\s*"([0-9a-f]{32})"')
_HEAD_BYTES = 64


class Damaged(ValueError):
    """The bytes of a store file are not a well-formed store; the message says how."""


def new_stamp() -> str:
    """A fresh write token."""
    return uuid.uuid4().hex


def _dumps(value: Any) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate (from an undecodable file name): escaped below
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _ordered(data: Tables) -> list[str]:
    # Meta (with the schema version) goes first, so even a truncated file says which
    # schema its records follow.
    return sorted(data, key=lambda name: name != "meta")


def encode(data: Tables, stamp: str) -> bytes:
    """Serialise tables as compact UTF-8 JSON: the write token first, then meta, then the rest."""
    return b"".join(Encoder().chunks(data, stamp))


class Encoder:
    """Serialises tables, re-encoding only the tables that changed since the last call.

    TinyDB replaces a table's dict whenever it changes that table, and never mutates one
    in place, so a table still held by the same dict object (of the same length) has the
    same bytes as last time. The cache keeps the dicts alive so their ids stay unique.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[dict[str, Any], int, bytes]] = {}

    def chunks(self, data: Tables, stamp: str) -> list[bytes]:
        """The file bytes for `data` with write token `stamp`, as pieces to write in order.

        Left unjoined so megabytes of table bytes are not copied just to be written.
        """
        parts = [b'{"' + STAMP_KEY.encode() + b'":"' + stamp.encode("ascii") + b'"']
        for name in _ordered(data):
            parts += [b",", _dumps(name), b":", self._table(name, data[name])]
        parts.append(b"}")
        for gone in set(self._cache) - set(data):
            del self._cache[gone]
        return parts

    def _table(self, name: str, table: dict[str, Any]) -> bytes:
        cached = self._cache.get(name)
        if cached is not None and cached[0] is table and cached[1] == len(table):
            return cached[2]
        encoded = _dumps(table)
        self._cache[name] = (table, len(table), encoded)
        return encoded

    def forget(self) -> None:
        """Drop every cached table (after the tables were re-read from disk)."""
        self._cache.clear()


def stamp_of(head: bytes) -> str | None:
    """The write token at the start of a file's bytes, if it has one."""
    match = _STAMP_RE.match(head)
    return match.group(1).decode("ascii") if match else None


def read_head(fd: int) -> bytes:
    """The first bytes of an open file, enough to hold the write token."""
    return os.pread(fd, _HEAD_BYTES, 0)


def decode(raw: bytes) -> Tables:
    """Parse a store file's bytes; raise Damaged with a one-line reason if they are not one."""
    if not raw.strip():
        raise Damaged("the file is empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Damaged("the file starts with a byte-order mark")
    if b"\x00" in raw:
        raise Damaged("the file contains NUL bytes")
    value = _parse(raw)
    return check_shape(value)


def _parse(raw: bytes) -> Any:
    if orjson is not None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Damaged(f"the file is not UTF-8 (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise Damaged(_json_reason(raw, error)) from None
    except RecursionError:
        raise Damaged("the file is nested too deeply") from None
    except ValueError:  # a number of thousands of digits
        raise Damaged("the file holds a number too long to read") from None


def _json_reason(raw: bytes, error: json.JSONDecodeError) -> str:
    if error.msg == "Extra data":
        return f"the file has unexpected data after the JSON (byte {error.pos})"
    if error.pos >= len(raw.rstrip()) - 1:
        return "the file is truncated (its JSON ends early)"
    return f"the file is not valid JSON (byte {error.pos}: {error.msg})"


def check_shape(value: Any) -> Tables:
    """Accept only {table: {id: {document}}} (plus the write token); raise Damaged otherwise."""
    if value is None:
        raise Damaged("the file holds JSON null")
    if not isinstance(value, dict):
        raise Damaged(f"the file holds a JSON {type(value).__name__} instead of an object")
    tables: Tables = {}
    for name, table in value.items():
        if name == STAMP_KEY:
            continue
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise Damaged(f"the table {name!r} is not a set of documents")
        problem = table_problem(name, table)
        if problem:
            raise Damaged(problem)
        tables[name] = table
    return tables
