"""Salvage what can be read from a damaged store file: every complete document, table by table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reader.store.fileio import STAMP_KEY, Tables
from reader.store.validate import usable_documents

_decoder = json.JSONDecoder()
_SPACE = " \t\r\n"


@dataclass
class Salvage:
    """Documents recovered from a damaged file, and which tables were read to their end."""

    tables: Tables = field(default_factory=dict)
    complete: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        """How many documents were recovered."""
        return sum(len(docs) for docs in self.tables.values())


def salvage(raw: bytes) -> Salvage:
    """Read the longest well-formed part of a store file, tolerating a cut or a garbage tail.

    NUL bytes and a byte-order mark are dropped, undecodable bytes replaced. Then the
    top-level object is walked one table and one document at a time, so a file cut in the
    middle of a table still yields that table's documents written before the cut.
    """
    text = raw.replace(b"\x00", b"").decode("utf-8", "replace").lstrip("\ufeff" + _SPACE)
    found = Salvage()
    if not text.startswith("{"):
        return found
    _walk_object(text, 1, found)
    found.tables, _dropped = usable_documents(found.tables)
    return found


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _key(text: str, pos: int) -> tuple[str, int]:
    """Parse `"key" :` at pos; return the key and the position after the colon."""
    pos = _skip(text, pos)
    key, pos = _decoder.raw_decode(text, pos)
    pos = _skip(text, pos)
    if not isinstance(key, str) or text[pos : pos + 1] != ":":
        raise ValueError("not a key")
    return key, _skip(text, pos + 1)


def _after_member(text: str, pos: int) -> tuple[bool, int]:
    """After a member: return (object ended, position past the comma or brace)."""
    pos = _skip(text, pos)
    mark = text[pos : pos + 1]
    if mark not in (",", "}"):
        raise ValueError("expected , or }")
    return mark == "}", pos + 1


def _walk_object(text: str, pos: int, found: Salvage) -> None:
    try:
        while True:
            name, pos = _key(text, pos)
            if text[pos : pos + 1] == "{" and name != STAMP_KEY:
                docs: dict[str, Any] = {}
                found.tables[name] = docs
                pos = _walk_table(text, pos + 1, docs)
                found.complete.add(name)
            else:
                _value, pos = _decoder.raw_decode(text, pos)
            ended, pos = _after_member(text, pos)
            if ended:
                return
    except (ValueError, IndexError, RecursionError):
        return


def _walk_table(text: str, pos: int, docs: dict[str, Any]) -> int:
    """Fill `docs` from a table's members; return the position after its closing brace."""
    if text[_skip(text, pos) : _skip(text, pos) + 1] == "}":
        return _skip(text, pos) + 1
    while True:
        doc_id, pos = _key(text, pos)
        doc, pos = _decoder.raw_decode(text, pos)
        if isinstance(doc, dict):
            docs[doc_id] = doc
        ended, pos = _after_member(text, pos)
        if ended:
            return pos
