"""Schema versions of the store file and the pure functions that migrate one to the next."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable

from reader.store.errors import StoreTooNew
from reader.store.fileio import Tables

CURRENT_VERSION = 2
"""The schema this code reads and writes."""

META = "meta"
BOOKMARKS = "bookmarks"
NOTES = "notes"
HIGHLIGHTS = "highlights"
READING = "reading"
SEARCHES = "searches"
ARTICLES = "articles"
"""Which file each article id belongs to, so a rebuilt catalog gives every file its id back."""
RECORD_TABLES = (BOOKMARKS, NOTES, HIGHLIGHTS, READING, SEARCHES)
"""Every table that holds the user's records (each record carries its own "uuid")."""
PER_ARTICLE = (BOOKMARKS, NOTES, READING)
"""Tables holding at most one record per article."""

META_DOC_ID = "1"


def version_of(data: Tables) -> int:
    """The schema version recorded in the meta table; 0 for files from before it existed."""
    for doc in data.get(META, {}).values():
        version = doc.get("schema_version")
        if isinstance(version, int) and not isinstance(version, bool):
            return version
    return 0


def count_records(data: Tables) -> int:
    """How many documents the tables hold, leaving out the meta table."""
    return sum(len(docs) for name, docs in data.items() if name != META)


def empty() -> Tables:
    """A new, empty store at the current schema."""
    return {META: {META_DOC_ID: {"schema_version": CURRENT_VERSION}}}


def _v0_to_v1(data: Tables) -> Tables:
    """Version 0 had no meta table, no record UUIDs, untagged bookmarks and bare-int positions.

    Safe to run on records already in the version 1 shape: it only fills what is missing.
    """
    out = copy.deepcopy(data)
    for name in RECORD_TABLES:
        for doc in out.get(name, {}).values():
            if not isinstance(doc.get("uuid"), str):
                doc["uuid"] = str(uuid.uuid4())
    for doc in out.get(BOOKMARKS, {}).values():
        doc.setdefault("tags", [])
    for doc in out.get(READING, {}).values():
        position = doc.get("position")
        if isinstance(position, int) and not isinstance(position, bool):
            doc["position"] = {"block": position, "fingerprint": ""}
    out[META] = {META_DOC_ID: {"schema_version": 1}}
    return out


def _v1_to_v2(data: Tables) -> Tables:
    """Version 2 adds the table of article identities (empty until a scan fills it)."""
    out = copy.deepcopy(data)
    out.setdefault(ARTICLES, {})
    out[META] = {META_DOC_ID: {"schema_version": 2}}
    return out


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _v0_to_v1, 1: _v1_to_v2}
"""MIGRATIONS[n] turns a version n store into a version n + 1 store, without side effects."""


def migrate(data: Tables) -> Tables:
    """Bring `data` up to CURRENT_VERSION; raise StoreTooNew for a version from the future."""
    version = version_of(data)
    if version > CURRENT_VERSION:
        raise StoreTooNew(
            f"the store was written by a newer reader (schema {version}; "
            f"this one knows up to {CURRENT_VERSION})"
        )
    while version < CURRENT_VERSION:
        data = MIGRATIONS[version](data)
        version = version_of(data)
    return data
