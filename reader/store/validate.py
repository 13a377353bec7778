"""Checks that parsed store documents are usable, and cleaning of those that are not.

JSON can say things Python code does not expect: a record id that is an object, an integer
of 5,000 digits, a negative schema version, nesting a thousand levels deep. Such a file is
treated as damaged (moved aside and salvaged); cleaning keeps every usable document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 32
"""How deeply values may nest inside one document."""

MAX_VERSION = 2**31
INT_RANGE = (-(2**63), 2**63 - 1)

_DOC_ID = re.compile(r"[0-9]{1,18}")
_TEXT_FIELDS = ("uuid", "article_id", "name")
"""Fields that identify a record; they are compared and hashed, so they must be text."""


def table_problem(name: str, table: Mapping[str, Any]) -> str | None:
    """Why a table cannot be used as it is, or None if it can."""
    for doc_id, doc in table.items():
        if not (doc_id.isdigit() and doc_id.isascii() and len(doc_id) <= 18):
            return f"the table {name!r} has a record numbered {doc_id[:20]!r}"
        problem = doc_problem(name, doc)
        if problem:
            return f"a record in {name!r} {problem}"
    return None


RECORD_TABLES = ("bookmarks", "notes", "highlights", "reading", "searches")
_TEXT = ("path", "title", "query", "text", "quote", "prefix", "suffix", "created", "updated")
_TEXT_OR_NULL = ("note", "last_opened")


def doc_problem(name: str, doc: Mapping[str, Any]) -> str | None:
    """Why one document cannot be used, or None if it can.

    One pass over the fields, with text (nearly every value) checked first: a store of
    100,000 records is checked in a fraction of the time it takes to parse.
    """
    record = name in RECORD_TABLES
    for key, value in doc.items():
        kind = type(value)
        if kind is str:
            if record and key in _NOT_TEXT:
                return f"has the wrong type of {key}"
            continue
        if key in _TEXT_FIELDS:
            return f"has a non-text {key}"
        if record and not _field_ok(key, value):
            return f"has the wrong type of {key}"
        if kind is dict or kind is list:
            problem = _value_problem(value)
            if problem:
                return problem
        elif kind is int and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            return "holds a number too large to store"
    if name == "meta" and "schema_version" in doc and not valid_version(doc["schema_version"]):
        return "has an impossible schema version"
    return None


_NOT_TEXT = frozenset({"block", "read", "tags", "position"})


def _field_ok(key: str, value: Any) -> bool:
    """Whether a record field that is not text has a type the store writes there."""
    if key in _TEXT:
        return False
    if key in _TEXT_OR_NULL:
        return value is None
    if key == "block":
        return _is_int(value)
    if key == "read":
        return isinstance(value, bool)
    if key == "tags":
        return isinstance(value, list) and all(isinstance(tag, str) for tag in value)
    if key == "position":
        return _position_ok(value)
    return True


def valid_version(version: Any) -> bool:
    """Whether a schema version is a whole number a store could have been written with."""
    return _is_int(version) and 0 <= version < MAX_VERSION


def bad_fields(doc: Mapping[str, Any]) -> list[str]:
    """The fields of a record whose values have a type the store never writes there."""
    bad = [f for f in _TEXT if f in doc and not isinstance(doc[f], str)]
    bad += [f for f in _TEXT_OR_NULL if doc.get(f) is not None and not isinstance(doc[f], str)]
    if "block" in doc and not _is_int(doc["block"]):
        bad.append("block")
    if "read" in doc and not isinstance(doc["read"], bool):
        bad.append("read")
    tags = doc.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        bad.append("tags")
    if not _position_ok(doc.get("position")):
        bad.append("position")
    return bad


def _position_ok(position: Any) -> bool:
    if position is None or _is_int(position):  # a bare block number, from schema 0
        return True
    return (
        isinstance(position, Mapping)
        and _is_int(position.get("block", 0))
        and isinstance(position.get("fingerprint", ""), str)
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_PLAIN = {str, float, bool, type(None)}
"""Leaf types with no limit to check."""


def _value_problem(doc: Mapping[str, Any] | list[Any]) -> str | None:
    """Nesting and number limits, checked without recursion."""
    stack: list[tuple[Any, int]] = [(doc, 2)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping | list):
            if depth > MAX_DEPTH:
                return f"is nested more than {MAX_DEPTH} levels deep"
            items = value.values() if isinstance(value, Mapping) else value
            if set(map(type, items)) <= _PLAIN:
                continue  # strings and such, the common case, checked in C (a feed's seen ids)
            stack.extend((item, depth + 1) for item in items)
        elif _is_int(value) and not INT_RANGE[0] <= value <= INT_RANGE[1]:
            return "holds a number too large to store"
    return None


def usable_documents(tables: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], int]:
    """The usable documents of every table (renumbered where needed), and how many were left out."""
    kept: dict[str, dict[str, Any]] = {}
    dropped = 0
    for name, table in tables.items():
        docs = [_without_bad_fields(name, doc) for doc in table.values() if isinstance(doc, dict)]
        good = [doc for doc in docs if doc_problem(name, doc) is None]
        dropped += len(table) - len(good)
        unchanged = len(good) == len(table) and all(
            kept_doc is doc for kept_doc, doc in zip(good, table.values(), strict=True)
        )
        if unchanged and all(_DOC_ID.fullmatch(i) for i in table):
            kept[name] = table
        else:
            kept[name] = {str(number): doc for number, doc in enumerate(good, start=1)}
    return kept, dropped


def _without_bad_fields(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A record without its wrongly typed fields (the damaged file keeps the originals)."""
    if name not in RECORD_TABLES or any(
        isinstance(v, dict | list) and _value_problem(v) for v in doc.values()
    ):
        return doc
    bad = bad_fields(doc)
    return {key: value for key, value in doc.items() if key not in bad} if bad else doc
