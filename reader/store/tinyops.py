"""Small TinyDB helpers for the Store: an uncached match, replace-by-UUID, applying merges."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tinydb.table import Document, Table

from reader.store.merge import Changes
from reader.store.records import ArticleIdentity, identity_fields, new_uuid, now, storable


class Match:
    """A TinyDB condition `doc[key] == value`, cheaper than a Query and never cached."""

    def __init__(self, key: str, value: object) -> None:
        self.key, self.value = key, value

    def __call__(self, value: Mapping[Any, Any]) -> bool:
        return bool(value.get(self.key) == self.value)

    def __hash__(self) -> int:
        return hash((self.key, repr(self.value)))

    def is_cacheable(self) -> bool:
        return False


def replacer(table: Table, replaced: dict[int, dict[str, Any]]) -> Callable[[Any], None]:
    """A TinyDB update function swapping documents for new ones, matched by their UUID."""
    by_uuid = {}
    for doc_id, doc in replaced.items():
        current = table.get(doc_id=doc_id)
        if current is not None:
            by_uuid[current["uuid"]] = doc

    def replace(doc: dict[str, Any]) -> None:
        new = by_uuid[doc["uuid"]]
        doc.clear()
        doc.update(new)

    return replace


def rows(table: Table) -> dict[int, dict[str, Any]]:
    """A table's documents as plain dicts by document id."""
    return {doc.doc_id: dict(doc) for doc in table.all()}


def apply(table: Table, changes: Changes) -> int:
    """Write a merge's changes to a table; return how many documents were added or replaced."""
    if changes.replaced:
        table.update(replacer(table, changes.replaced), doc_ids=list(changes.replaced))
    if changes.removed:
        table.remove(doc_ids=changes.removed)
    if changes.added:
        table.insert_multiple(changes.added)
    return len(changes.replaced) + len(changes.added)


def set_read_many(
    table: Table,
    raw: Mapping[str, Mapping[str, Any]],
    articles: Iterable[tuple[str, str, str]],
    read: bool,
) -> int:
    """Mark many (id, path, title) read or unread in a reading-state table; how many.

    One update and one insert for the lot: a write per article would copy the table each time.
    """
    wanted = {
        article_id: storable({"path": path, "title": title, "read": read})
        for article_id, path, title in articles
    }
    known = {doc.get("article_id"): int(key) for key, doc in raw.items()}
    found = [known[article_id] for article_id in wanted if article_id in known]
    if found:
        table.update(lambda doc: doc.update(wanted[doc["article_id"]]), doc_ids=found)
    stamp = now()
    table.insert_multiple(
        {"uuid": new_uuid(), "article_id": article_id, "created": stamp, **fields}
        for article_id, fields in wanted.items()
        if article_id not in known
    )
    return len(wanted)


def record_identities(
    table: Table,
    identities: Iterable[ArticleIdentity],
    find: Callable[[str], Document | None],
) -> int:
    """Insert or update one identity document per article id; return how many changed.

    New ids are inserted together at the end: an insert each would copy the table each time
    (and make `find` index it again), which for an import's thousands of ids is quadratic.
    """
    changed = 0
    new: dict[str, dict[str, Any]] = {}
    for item in identities:
        fields = identity_fields(item)
        found: Mapping[str, Any] | None = new.get(item.article_id)
        if found is not None:  # given twice: the last one stands, as when inserted at once
            if any(found.get(k) != v for k, v in fields.items()):
                new[item.article_id].update(fields)
                changed += 1
            continue
        found = find(item.article_id)
        if found is None:
            new[item.article_id] = {"uuid": new_uuid(), "article_id": item.article_id, **fields}
        elif any(found.get(k) != v for k, v in fields.items()):
            table.update(fields, doc_ids=[found.doc_id])
        else:
            continue
        changed += 1
    table.insert_multiple(new.values())
    return changed
