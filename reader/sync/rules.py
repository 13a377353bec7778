"""Which records sync, what identifies each one, and which fields stay on their machine.

Every table of the store syncs (tables added later too) except the schema's own; a record
is matched across machines by a key that does not depend on the machine: the article id
for one-per-article tables, the name of a saved search, a feed's address, else its UUID.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reader.feeds.common import normalize_url

STORE = "store"
FEEDS = "feeds"
SOURCES = (STORE, FEEDS)
"""The data-dir files that sync: the store and the feed subscriptions."""

SKIPPED_TABLES = frozenset({"meta", "_default"})

_KEY_FIELD = {
    (STORE, "bookmarks"): "article_id",
    (STORE, "notes"): "article_id",
    (STORE, "reading"): "article_id",
    (STORE, "articles"): "article_id",
    (STORE, "searches"): "name",
    (STORE, "highlights"): "uuid",
}

HINT_FIELDS = frozenset({"path"})
"""Sent with a new record, but each machine keeps its own value (libraries live elsewhere)."""

LOCAL_FIELDS: dict[str, frozenset[str]] = {
    # What a machine learnt fetching a feed: another machine's etag would hide new entries.
    FEEDS: frozenset({"etag", "last_modified", "seen", "last_checked", "last_error"}),
}

SET_FIELDS = frozenset({"tags"})
"""Lists of text merged as sets: each element added or removed on its own."""

TEXT_FIELDS = {(STORE, "notes"): "text"}
"""Fields whose concurrent edits are all kept (joined), never one dropped for another."""


def syncs(source: str, table: str) -> bool:
    """Whether a table of a source file takes part in sync."""
    return source in SOURCES and table not in SKIPPED_TABLES


def key_of(source: str, table: str, doc: Mapping[str, Any]) -> str | None:
    """The machine-independent key of a record, or None when it has none (it stays local)."""
    if source == FEEDS:
        url = doc.get("url")
        return normalize_url(url) if isinstance(url, str) and url else None
    field = _KEY_FIELD.get((source, table))
    if field is not None:
        value = doc.get(field)
        return value if isinstance(value, str) and value else None
    for field in ("uuid", "article_id"):
        value = doc.get(field)
        if isinstance(value, str) and value:
            return value
    # A table of records with no identity of their own: the content is the identity.
    return "=" + json.dumps(doc, sort_keys=True, ensure_ascii=False)


def special(source: str, table: str) -> frozenset[str]:
    """Fields not merged as plain last-writer-wins values in this table."""
    text = TEXT_FIELDS.get((source, table))
    extra = {text} if text else set()
    return frozenset(HINT_FIELDS | SET_FIELDS | LOCAL_FIELDS.get(source, frozenset()) | extra)


def local_fields(source: str) -> frozenset[str]:
    """Fields each machine keeps for itself: never sent, or sent only with a new record."""
    return HINT_FIELDS | LOCAL_FIELDS.get(source, frozenset())
