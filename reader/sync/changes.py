"""Between the store and the merge: the changes made since the last sync, and applying merges.

A snapshot of what this machine last exported (or took in) is kept locally; comparing the
store with it at sync time finds every change, whichever code path made it, so no write
path of the app needs to know about sync.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reader.store.validate import doc_problem
from reader.sync.clock import Stamp
from reader.sync.crdt import Entry, Record
from reader.sync.rules import (
    HINT_FIELDS,
    SET_FIELDS,
    TEXT_FIELDS,
    key_of,
    local_fields,
    special,
    syncs,
)

Doc = dict[str, Any]
Tables = dict[str, dict[str, Any]]
Snapshot = dict[str, dict[str, list[Any]]]
"""Per table, per record key: [the document as last synced, its live text versions]."""

_MISSING = object()


def local_changes(
    source: str, tables: Tables, snapshot: Snapshot, tick: Callable[[], Stamp]
) -> list[Entry]:
    """One entry for each record created, changed or removed since the snapshot."""
    out: list[Entry] = []
    for table in sorted(set(tables) | set(snapshot)):
        if not syncs(source, table):
            continue
        docs = tables.get(table)
        old_table = snapshot.get(table) or {}
        seen: set[str] = set()
        for doc in (docs or {}).values() if isinstance(docs, dict) else ():
            key = key_of(source, table, doc) if isinstance(doc, dict) else None
            if key is None or key in seen:
                continue
            seen.add(key)
            old = old_table.get(key)
            entry = _change(source, table, doc, old)
            if entry is not None:
                out.append({"s": source, "t": table, "k": key, **entry, "h": list(tick())})
        for key, (_, versions) in old_table.items():
            if key not in seen:
                gone: Entry = {"s": source, "t": table, "k": key, "d": 1}
                if versions:
                    gone["p"] = versions
                out.append({**gone, "h": list(tick())})
    return out


def _elements(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(doc: Doc, field: str) -> str:
    value = doc.get(field)
    return value if isinstance(value, str) else ""


def _change(source: str, table: str, new: Doc, old: list[Any] | None) -> Entry | None:
    if old is not None and old[0] == new:
        return None  # as last synced: compared in one pass, as most records are
    skip = special(source, table)
    text_field = TEXT_FIELDS.get((source, table))
    entry: Entry = {}
    if old is None:
        sent = skip - HINT_FIELDS
        entry["c"] = 1
        entry["f"] = {k: v for k, v in new.items() if k not in sent}
        before: Doc = {}
        versions: list[Any] = []
    else:
        before, versions = old[0], old[1]
        changed = {k: v for k, v in new.items() if k not in skip and before.get(k, _MISSING) != v}
        removed = [k for k in before if k not in skip and k not in new]
        if changed:
            entry["f"] = changed
        if removed:
            entry["r"] = removed
    groups = {}
    for name in SET_FIELDS - local_fields(source):
        if name not in new:
            continue
        now, then = _elements(new[name]), set(_elements(before.get(name)))
        delta = {e: 1 for e in now if e not in then}
        delta.update({e: 0 for e in then if e not in set(now)})
        if delta or name not in before:
            groups[name] = delta
    if groups:
        entry["g"] = groups
    text = _text(new, text_field) if text_field is not None else None
    if text is not None and (old is None or text != _text(before, str(text_field))):
        entry["x"] = text
        if versions:
            entry["p"] = versions
    return entry or None


def apply(
    source: str, tables: Tables, records: dict[str, dict[str, Record]], snapshot: Snapshot
) -> tuple[Tables, Snapshot, int, int]:
    """The tables with the changed records merged in, the new snapshot, how many changed,
    and how many were held back (left as they are, and not as the snapshot says).

    Only the records in `records` (those touched since the last sync) are looked at; each
    machine keeps its own value of its local fields (the path of an article in its library).
    """
    out: Tables = dict(tables)
    new_snapshot: Snapshot = dict(snapshot)
    changed = held = 0
    for table, touched in sorted(records.items()):
        if not syncs(source, table):
            continue
        docs = tables.get(table)
        docs = docs if isinstance(docs, dict) else {}
        snap = new_snapshot[table] = dict(snapshot.get(table) or {})
        new_docs, count, kept = _apply_table(source, table, docs, touched, snap)
        held += kept
        if count:
            out[table] = new_docs
            changed += count
    return out, new_snapshot, changed, held


def _apply_table(
    source: str,
    table: str,
    docs: dict[str, Any],
    records: dict[str, Record],
    snap: dict[str, list[Any]],
) -> tuple[dict[str, Any], int, int]:
    text_field = TEXT_FIELDS.get((source, table))
    keep = local_fields(source)
    out: dict[str, Any] = {}
    known: set[str] = set()
    changed = held = 0
    for doc_id, doc in docs.items():
        key = key_of(source, table, doc) if isinstance(doc, dict) else None
        if key is None or key in known or key not in records:
            out[doc_id] = doc
            continue
        known.add(key)
        record = records[key]
        if not record.visible(text_field):
            snap.pop(key, None)
            changed += 1
            continue
        merged = record.document(text_field)
        for name in keep:
            merged.pop(name, None)
            if name in doc:
                merged[name] = doc[name]
        if merged != doc and not _usable(source, table, key, merged):
            out[doc_id] = doc  # never replace a usable record with an unusable one
            held += 1
            continue
        if merged != doc:
            changed += 1
        out[doc_id] = merged
        snap[key] = [merged, [list(s) for s in record.live_texts()] if text_field else []]
    next_id = max((int(i) for i in docs if i.isdigit()), default=0) + 1
    for key in sorted(records.keys() - known):
        record = records[key]
        if not record.visible(text_field):
            snap.pop(key, None)
            continue
        merged = record.document(text_field)
        if not _usable(source, table, key, merged):
            continue
        out[str(next_id)] = merged
        next_id += 1
        changed += 1
        snap[key] = [merged, [list(s) for s in record.live_texts()] if text_field else []]
    return out, changed, held


def _usable(source: str, table: str, key: str, doc: Doc) -> bool:
    """Whether a merged document may be stored: well formed, and found again by its key."""
    return doc_problem(table, doc) is None and key_of(source, table, doc) == key
