"""Pure functions that merge stored documents: for imports and for re-linking moved articles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reader.store import schema
from reader.store.errors import StoreError
from reader.store.validate import doc_problem, valid_version

Doc = dict[str, Any]


@dataclass
class Changes:
    """What to do to one table: replace some documents, add others, remove some ids."""

    replaced: dict[int, Doc] = field(default_factory=dict)
    added: list[Doc] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    unchanged: int = 0


def _merge_notes(kept: Doc, other: Doc) -> Doc:
    mine, theirs = kept.get("text") or "", other.get("text") or ""
    if theirs and theirs not in mine:
        # Two different notes on one article: keep both texts rather than lose one.
        mine = theirs if mine in theirs else f"{mine}\n\n{theirs}"
    updated = max(str(kept.get("updated") or ""), str(other.get("updated") or ""))
    return {**kept, "text": mine, "updated": updated}


def _merge_bookmarks(kept: Doc, other: Doc) -> Doc:
    tags = list(kept.get("tags") or [])
    tags += [t for t in other.get("tags") or [] if t not in tags]
    created = min(str(kept.get("created") or "~"), str(other.get("created") or "~"))
    return {**kept, "tags": tags, "created": created if created != "~" else kept.get("created")}


def _merge_reading(kept: Doc, other: Doc) -> Doc:
    newer = (
        other if str(other.get("last_opened") or "") > str(kept.get("last_opened") or "") else kept
    )
    read = kept.get("read") is True or other.get("read") is True
    return {
        **kept,
        "read": read,
        "position": newer.get("position"),
        "last_opened": newer.get("last_opened"),
    }


_COMBINE = {
    schema.BOOKMARKS: _merge_bookmarks,
    schema.NOTES: _merge_notes,
    schema.READING: _merge_reading,
}


def combine(name: str, kept: Doc, other: Doc) -> Doc:
    """Merge `other` into `kept`, two records of one article; `kept` keeps its UUID.

    Idempotent: combining the result with `other` again changes nothing.
    """
    return _COMBINE[name](kept, other)


def _key(name: str, doc: Doc) -> Any:
    """The field that allows one record only, per table (None: any number)."""
    if name in schema.PER_ARTICLE:
        return doc.get("article_id")
    if name == schema.SEARCHES:
        return doc.get("name")
    return None


def merge_in(name: str, rows: dict[int, Doc], incoming: list[Doc]) -> Changes:
    """Fold imported documents into a table's rows: same UUID replaces, same article merges."""
    changes = Changes()
    current: dict[int | str, Doc] = {doc_id: doc for doc_id, doc in rows.items()}
    by_uuid = {doc.get("uuid"): doc_id for doc_id, doc in current.items()}
    by_key = {_key(name, doc): doc_id for doc_id, doc in current.items()}
    by_key.pop(None, None)
    for doc in incoming:
        target = by_uuid.get(doc["uuid"])
        if target is None and _key(name, doc) is not None:
            target = by_key.get(_key(name, doc))
        if target is None:
            target = f"new-{len(changes.added)}"
            changes.added.append(doc)
            merged = doc
        else:
            old = current[target]
            same = old.get("uuid") == doc["uuid"] or name == schema.SEARCHES
            merged = {**doc, "uuid": old["uuid"]} if same else combine(name, old, doc)
            if merged == old:
                changes.unchanged += 1
                continue
            _record(changes, target, merged)
        current[target] = merged
        by_uuid[merged["uuid"]] = target
        if _key(name, merged) is not None:
            by_key[_key(name, merged)] = target
    return changes


def _record(changes: Changes, target: int | str, doc: Doc) -> None:
    if isinstance(target, int):
        changes.replaced[target] = doc
    else:
        changes.added[int(target.removeprefix("new-"))] = doc


def relink(name: str, rows: dict[int, Doc], old_id: str, new: Doc) -> Changes:
    """Point a table's records for article `old_id` at the article described by `new`.

    `new` holds article_id, path and title. Where the table allows one record per
    article and the new id already has one, the two are combined into it.
    """
    changes = Changes()
    target = next((i for i, d in rows.items() if d.get("article_id") == new["article_id"]), None)
    for doc_id, doc in rows.items():
        if doc.get("article_id") != old_id:
            continue
        if name in schema.PER_ARTICLE and target is not None and target != doc_id:
            base = changes.replaced.get(target, rows[target])
            changes.replaced[target] = {**combine(name, base, doc), **new}
            changes.removed.append(doc_id)
        else:
            changes.replaced[doc_id] = {**doc, **new}
    return changes


@dataclass
class Incoming:
    """An export's usable records as store tables, and why the others were skipped."""

    tables: dict[str, dict[str, Any]]
    skipped: list[str] = field(default_factory=list)


def import_tables(data: Mapping[str, Any], expected: str) -> Incoming:
    """An export's records as store tables at the current schema; StoreError if it is not one.

    Every record is checked field by field before anything is merged: one of the wrong
    shape is skipped, with the reason, and never reaches the merge.
    """
    if not isinstance(data, Mapping) or data.get("format") != expected:
        raise StoreError(f"not a reader export (its format is not {expected!r})")
    version = data.get("schema_version")
    if not valid_version(version):
        raise StoreError("the export has no usable schema version")
    incoming = Incoming({schema.META: {"1": {"schema_version": version}}})
    for name in schema.RECORD_TABLES:
        items = data.get(name) or []
        if not isinstance(items, list):
            raise StoreError(f"the export's {name!r} is not a list")
        docs: dict[str, Any] = {}
        for number, item in enumerate(items, 1):
            problem = _record_problem(name, item)
            if problem:
                incoming.skipped.append(f"{name} record {number}: {problem}")
            else:
                docs[str(len(docs) + 1)] = dict(item)
        incoming.tables[name] = docs
    incoming.tables = schema.migrate(incoming.tables)
    return incoming


def _record_problem(name: str, item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return "not an object"
    problem = doc_problem(name, item)
    if problem:
        return problem.removeprefix("has ")
    if not isinstance(item.get("uuid"), str):
        return "no uuid"
    if name != schema.SEARCHES and not isinstance(item.get("article_id"), str):
        return "no article id"
    if name == schema.SEARCHES and not isinstance(item.get("name"), str):
        return "no name"
    return None


def importable(name: str, doc: dict[str, Any]) -> bool:
    """Whether an imported record has what the merge matches records by."""
    if not isinstance(doc.get("uuid"), str):
        return False
    return name == schema.SEARCHES or isinstance(doc.get("article_id"), str)
