"""The Store: the user's bookmarks, notes, highlights, reading state and saved searches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from reader import paths
from reader.sanitize import valid_unicode
from reader.store import merge, records, schema, tinyops
from reader.store.editing import clean_tags, merge_edit, tag_list
from reader.store.lock import DEFAULT_TIMEOUT
from reader.store.records import (
    ArticleIdentity,
    Bookmark,
    Highlight,
    ImportResult,
    Note,
    Position,
    ReadingState,
    Relink,
    SavedSearch,
    new_uuid,
    now,
    storable,
)
from reader.store.storage import FileStorage
from reader.store.tinyops import Match

R = TypeVar("R")
EXPORT_FORMAT = "reader-store"


class Store:
    """The user's own data, in a TinyDB file that survives crashes and concurrent readers.

    Build it with `Store.open(path)` (a crash-safe file) or `Store.in_memory()` (tests).
    Every method returns frozen dataclasses; every change is saved before it returns.
    """

    def __init__(self, db: TinyDB) -> None:
        self._db = db
        self._storage = db.storage
        self._memory_lock = threading.RLock()
        self._generation = -1
        self._indexes: dict[tuple[str, str], tuple[dict[str, Any], int, dict[object, str]]] = {}
        self._tables = {
            name: db.table(name) for name in (schema.META, schema.ARTICLES, *schema.RECORD_TABLES)
        }
        self.notices: list[str] = list(getattr(self._storage, "notices", []))
        """One-line messages about repairs, restores and upgrades made while opening."""
        if not isinstance(self._storage, FileStorage):
            with self._write():
                if not self._tables[schema.META].all():
                    self._tables[schema.META].insert({"schema_version": schema.CURRENT_VERSION})

    @classmethod
    def open(cls, path: Path | None = None, *, lock_timeout: float = DEFAULT_TIMEOUT) -> Store:
        """Open (creating, repairing or upgrading as needed) the store file at `path`."""
        target = path if path is not None else paths.data_dir() / "store.json"
        return cls(TinyDB(target, storage=FileStorage, lock_timeout=lock_timeout))

    @classmethod
    def in_memory(cls) -> Store:
        """A store kept only in memory, for tests and throwaway sessions."""
        return cls(TinyDB(storage=MemoryStorage))

    def changed(self) -> bool:
        """Whether another process wrote the file since this Store last read or wrote it."""
        if isinstance(self._storage, FileStorage):
            return self._storage.changed()
        return False

    @property
    def path(self) -> Path | None:
        """The store file, or None for an in-memory store."""
        return self._storage.path if isinstance(self._storage, FileStorage) else None

    def backup_warnings(self) -> list[str]:
        """Lines about a backup holding more records than the store (for `reader doctor`)."""
        if not isinstance(self._storage, FileStorage):
            return []
        with self._read():
            current = schema.count_records(self._storage.read())
        return self._storage.backups.warnings(current, self._storage.path)

    def close(self) -> None:
        """Release the file; every change is already on disk."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Transactions -------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One read-modify-write: both locks held, the file re-read, one save at the end."""
        context: AbstractContextManager[Any] = (
            self._storage.transaction()
            if isinstance(self._storage, FileStorage)
            else self._memory_lock
        )
        with context:
            self._sync_caches()
            yield

    @contextmanager
    def _read(self) -> Iterator[None]:
        context: AbstractContextManager[Any] = (
            self._storage.fresh() if isinstance(self._storage, FileStorage) else self._memory_lock
        )
        with context:
            self._sync_caches()
            yield

    def _sync_caches(self) -> None:
        # TinyDB caches query results and the next integer id per table; both go stale
        # when another process rewrites the file, so drop them whenever our copy changes.
        generation = getattr(self._storage, "generation", 0)
        if generation != self._generation:
            for table in self._tables.values():
                table.clear_cache()
                table._next_id = None
            self._generation = generation

    def _raw(self, name: str) -> dict[str, dict[str, Any]]:
        """A table's stored documents by id, read-only (call inside _read or _write)."""
        tables = self._storage.read() or {}
        return tables.get(name) or {}

    def _one(self, name: str, key: str, value: object) -> Document | None:
        """The first document whose `key` equals `value`, through a per-table index."""
        raw = self._raw(name)
        cached = self._indexes.get((name, key))
        if cached is None or cached[0] is not raw or cached[1] != len(raw):
            # TinyDB swaps in a new dict for a table on every change, so identity and
            # length tell whether the index still describes it.
            # Built in reverse so the first document wins, as with TinyDB's own get().
            index = {doc.get(key): doc_id for doc_id, doc in reversed(raw.items())}
            cached = (raw, len(raw), index)
            self._indexes[(name, key)] = cached
        found = cached[2].get(value)
        return None if found is None else Document(raw[found], int(found))

    def _all(self, name: str, convert: Callable[[Mapping[str, Any]], R]) -> list[R]:
        with self._read():
            return [convert(doc) for doc in self._raw(name).values()]

    def _ids(self, name: str, keep: Callable[[Mapping[str, Any]], bool] = bool) -> set[str]:
        with self._read():
            return {str(d.get("article_id")) for d in self._raw(name).values() if keep(d)}

    def _upsert(self, name: str, article_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Update the article's record in a one-per-article table, or create it."""
        fields = storable(fields)
        table = self._tables[name]
        found = self._one(name, "article_id", article_id)
        if found is None:
            doc = {"uuid": new_uuid(), "article_id": article_id, "created": now(), **fields}
            table.insert(doc)
            return doc
        table.update(fields, doc_ids=[found.doc_id])
        return {**found, **fields}

    # Bookmarks ----------------------------------------------------------------------

    def toggle_bookmark(self, article_id: str, path: str, title: str) -> bool:
        """Bookmark the article, or remove its bookmark; True if it is now bookmarked."""
        with self._write():
            found = self._one(schema.BOOKMARKS, "article_id", article_id)
            if found is not None:
                self._tables[schema.BOOKMARKS].remove(doc_ids=[found.doc_id])
                return False
            self._upsert(schema.BOOKMARKS, article_id, {"path": path, "title": title, "tags": []})
            return True

    def add_bookmark(
        self, article_id: str, path: str, title: str, tags: Iterable[str] = ()
    ) -> Bookmark:
        """Bookmark the article (idempotent), adding `tags` to any it already has."""
        with self._write():
            found = self._one(schema.BOOKMARKS, "article_id", article_id)
            merged = clean_tags([*(tag_list(found) if found else []), *tags])
            fields = {"path": path, "title": title, "tags": merged}
            return records.bookmark(self._upsert(schema.BOOKMARKS, article_id, fields))

    def remove_bookmark(self, article_id: str) -> bool:
        """Remove the article's bookmark; True if there was one."""
        with self._write():
            table = self._tables[schema.BOOKMARKS]
            return bool(table.remove(Match("article_id", article_id)))

    def set_bookmark_tags(self, article_id: str, tags: Iterable[str]) -> Bookmark | None:
        """Replace a bookmark's tags; None if the article is not bookmarked."""
        with self._write():
            found = self._one(schema.BOOKMARKS, "article_id", article_id)
            if found is None:
                return None
            clean = clean_tags(tags)
            self._tables[schema.BOOKMARKS].update({"tags": clean}, doc_ids=[found.doc_id])
            return records.bookmark({**found, "tags": clean})

    def add_bookmark_tags(
        self, article_id: str, path: str, title: str, tags: Iterable[str]
    ) -> Bookmark:
        """Add `tags` to the article's bookmark, bookmarking it first if needed."""
        return self.add_bookmark(article_id, path, title, tags)

    def remove_bookmark_tags(self, article_id: str, tags: Iterable[str]) -> Bookmark | None:
        """Drop `tags` from the article's bookmark; None if the article is not bookmarked."""
        gone = set(clean_tags(tags))
        with self._write():
            found = self._one(schema.BOOKMARKS, "article_id", article_id)
            if found is None:
                return None
            kept = [t for t in clean_tags(tag_list(found)) if t not in gone]
            self._tables[schema.BOOKMARKS].update({"tags": kept}, doc_ids=[found.doc_id])
            return records.bookmark({**found, "tags": kept})

    def bookmark_for(self, article_id: str) -> Bookmark | None:
        """The article's bookmark, if any."""
        with self._read():
            found = self._one(schema.BOOKMARKS, "article_id", article_id)
            return records.bookmark(found) if found is not None else None

    def is_bookmarked(self, article_id: str) -> bool:
        """Whether the article is bookmarked."""
        return self.bookmark_for(article_id) is not None

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark, newest first."""
        return sorted(self._all(schema.BOOKMARKS, records.bookmark), key=_newest)

    # Notes --------------------------------------------------------------------------

    def set_note(self, article_id: str, path: str, title: str, text: str) -> Note | None:
        """Save the article's note; blank text deletes it (and returns None)."""
        with self._write():
            if not text.strip():
                self._tables[schema.NOTES].remove(Match("article_id", article_id))
                return None
            fields = {"path": path, "title": title, "text": text, "updated": now()}
            return records.note(self._upsert(schema.NOTES, article_id, fields))

    def append_note(self, article_id: str, path: str, title: str, text: str) -> Note:
        """Add `text` after a blank line at the end of the article's note (creating it)."""
        if not text.strip():
            raise ValueError("the note text is empty")
        with self._write():
            stored = self._stored_note(article_id)
            combined = f"{stored.rstrip()}\n\n{text}" if stored.strip() else text
            return self._put_note(article_id, path, title, combined)

    def edit_note(
        self, article_id: str, path: str, title: str, text: str, *, base: str
    ) -> Note | None:
        """Save an edit of the note that read `base` when the editor opened, losing nothing.

        If the note changed meanwhile, `text` is merged with it: what was appended after
        `base` is kept after `text`; any other change is kept before `text`. Returns the
        note as saved, or None when it ends up empty (and so deleted).
        """
        with self._write():
            stored = self._stored_note(article_id)
            merged = merge_edit(stored, base, text)
            if not merged.strip():
                self._tables[schema.NOTES].remove(Match("article_id", article_id))
                return None
            if merged == stored:
                found = self._one(schema.NOTES, "article_id", article_id)
                return records.note(found) if found is not None else None
            return self._put_note(article_id, path, title, merged)

    def delete_note(self, article_id: str) -> bool:
        """Delete the article's note; True if there was one."""
        with self._write():
            return bool(self._tables[schema.NOTES].remove(Match("article_id", article_id)))

    def _stored_note(self, article_id: str) -> str:
        found = self._one(schema.NOTES, "article_id", article_id)
        text = found.get("text") if found is not None else None
        return text if isinstance(text, str) else ""

    def _put_note(self, article_id: str, path: str, title: str, text: str) -> Note:
        fields = {"path": path, "title": title, "text": text, "updated": now()}
        return records.note(self._upsert(schema.NOTES, article_id, fields))

    def note_for(self, article_id: str) -> Note | None:
        """The article's note, if any."""
        with self._read():
            found = self._one(schema.NOTES, "article_id", article_id)
            return records.note(found) if found is not None else None

    def notes(self) -> list[Note]:
        """Every note, most recently edited first."""
        notes = self._all(schema.NOTES, records.note)
        return sorted(notes, key=lambda n: n.updated, reverse=True)

    # Highlights ---------------------------------------------------------------------

    def add_highlight(
        self,
        article_id: str,
        path: str,
        title: str,
        quote: str,
        *,
        prefix: str = "",
        suffix: str = "",
        block: int = 0,
        note: str | None = None,
    ) -> Highlight:
        """Highlight `quote` (with its surrounding `prefix`/`suffix`) in the article."""
        doc = storable(
            {
                "uuid": new_uuid(),
                "article_id": article_id,
                "path": path,
                "title": title,
                "quote": quote,
                "prefix": prefix,
                "suffix": suffix,
                "block": block,
                "note": note,
                "created": now(),
            }
        )
        with self._write():
            self._tables[schema.HIGHLIGHTS].insert(doc)
        return records.highlight(doc)

    def remove_highlight(self, highlight_uuid: str) -> bool:
        """Remove a highlight by its UUID; True if it existed."""
        with self._write():
            return bool(self._tables[schema.HIGHLIGHTS].remove(Match("uuid", highlight_uuid)))

    def set_highlight_note(self, highlight_uuid: str, note: str | None) -> Highlight | None:
        """Attach (or with None, clear) a highlight's note; None if there is no such highlight."""
        with self._write():
            found = self._one(schema.HIGHLIGHTS, "uuid", highlight_uuid)
            if found is None:
                return None
            note = valid_unicode(note) if note is not None else None
            self._tables[schema.HIGHLIGHTS].update({"note": note}, doc_ids=[found.doc_id])
            return records.highlight({**found, "note": note})

    def highlights_for(self, article_id: str) -> list[Highlight]:
        """The article's highlights in reading order."""
        with self._read():
            found = self._tables[schema.HIGHLIGHTS].search(Match("article_id", article_id))
            items = [records.highlight(doc) for doc in found]
        return sorted(items, key=lambda h: (h.block, h.created))

    def highlights(self) -> list[Highlight]:
        """Every highlight, newest first."""
        return sorted(self._all(schema.HIGHLIGHTS, records.highlight), key=_newest)

    # Reading state ------------------------------------------------------------------

    def set_read(self, article_id: str, path: str, title: str, read: bool = True) -> ReadingState:
        """Mark the article read (or unread)."""
        with self._write():
            fields = {"path": path, "title": title, "read": read}
            return records.reading_state(self._upsert(schema.READING, article_id, fields))

    def set_read_many(self, articles: Iterable[tuple[str, str, str]], read: bool = True) -> int:
        """Mark many (id, path, title) articles read (or unread) in one write; how many."""
        with self._write():
            table, raw = self._tables[schema.READING], self._raw(schema.READING)
            return tinyops.set_read_many(table, raw, articles, read)

    def mark_opened(
        self, article_id: str, path: str, title: str, position: Position | None = None
    ) -> ReadingState:
        """Record that the article was opened now, and where the reader is in it."""
        fields: dict[str, Any] = {"path": path, "title": title, "last_opened": now()}
        if position is not None:
            fields["position"] = records.position_doc(position)
        with self._write():
            return records.reading_state(self._upsert(schema.READING, article_id, fields))

    def reading_state_for(self, article_id: str) -> ReadingState | None:
        """The article's reading state, if it was ever opened or marked."""
        with self._read():
            found = self._one(schema.READING, "article_id", article_id)
            return records.reading_state(found) if found is not None else None

    def reading_states(self) -> list[ReadingState]:
        """Every reading state, most recently opened first."""
        states = self._all(schema.READING, records.reading_state)
        return sorted(states, key=lambda s: s.last_opened or records.EPOCH, reverse=True)

    # Saved searches -----------------------------------------------------------------

    def save_search(self, name: str, query: str) -> SavedSearch:
        """Save `query` under `name`, replacing a saved search of that name."""
        with self._write():
            table = self._tables[schema.SEARCHES]
            found = self._one(schema.SEARCHES, "name", name)
            if found is not None:
                table.update({"query": query}, doc_ids=[found.doc_id])
                return records.saved_search({**found, "query": query})
            doc = {"uuid": new_uuid(), "name": name, "query": query, "created": now()}
            table.insert(doc)
            return records.saved_search(doc)

    def remove_search(self, name: str) -> bool:
        """Remove the saved search called `name`; True if it existed."""
        with self._write():
            return bool(self._tables[schema.SEARCHES].remove(Match("name", name)))

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return sorted(self._all(schema.SEARCHES, records.saved_search), key=lambda s: s.name)

    # Sets of article ids, for search filters ------------------------------------------

    def bookmarked_ids(self) -> set[str]:
        """Ids of bookmarked articles."""
        return self._ids(schema.BOOKMARKS)

    def read_ids(self) -> set[str]:
        """Ids of articles marked read."""
        return self._ids(schema.READING, lambda d: d.get("read") is True)

    def noted_ids(self) -> set[str]:
        """Ids of articles with a note."""
        return self._ids(schema.NOTES)

    def highlighted_ids(self) -> set[str]:
        """Ids of articles with at least one highlight."""
        return self._ids(schema.HIGHLIGHTS)

    # Re-linking, export and import --------------------------------------------------

    def relink(self, old_id: str, new_id: str, path: str, title: str) -> int:
        """Move every record of article `old_id` to `new_id` (same id: update path/title)."""
        return self.relink_many([Relink(old_id, new_id, path, title)])

    def relink_many(self, links: Iterable[Relink]) -> int:
        """Apply many re-links in one transaction; return how many records changed."""
        changed = 0
        with self._write():
            for link in links:
                new = storable({"article_id": link.new_id, "path": link.path, "title": link.title})
                for name in (schema.BOOKMARKS, schema.NOTES, schema.HIGHLIGHTS, schema.READING):
                    changes = merge.relink(name, tinyops.rows(self._tables[name]), link.old_id, new)
                    changed += tinyops.apply(self._tables[name], changes)
        return changed

    # Article identities ---------------------------------------------------------------

    def article_identities(self) -> list[ArticleIdentity]:
        """Every recorded article identity (which file each id was given to)."""
        return self._all(schema.ARTICLES, records.article_identity)

    def record_identities(self, identities: Iterable[ArticleIdentity]) -> int:
        """Record (or update) where each article id lives, one per id; return how many changed."""
        with self._write():
            table = self._tables[schema.ARTICLES]
            find = partial(self._one, schema.ARTICLES, "article_id")
            return tinyops.record_identities(table, identities, find)

    def export_all(self) -> dict[str, Any]:
        """Every record as plain JSON-ready data, for backups and moving machines."""
        with self._read():
            tables = {
                name: [dict(d) for d in self._tables[name].all()] for name in schema.RECORD_TABLES
            }
        return {"format": EXPORT_FORMAT, "schema_version": schema.CURRENT_VERSION, **tables}

    def import_all(self, data: Mapping[str, Any]) -> ImportResult:
        """Merge an export in; records are matched by UUID, so importing twice changes nothing."""
        incoming = merge.import_tables(data, EXPORT_FORMAT)
        added = updated = unchanged = 0
        with self._write():
            for name in schema.RECORD_TABLES:
                found = incoming.tables.get(name, {}).values()
                docs = [d for d in found if merge.importable(name, d)]
                changes = merge.merge_in(name, tinyops.rows(self._tables[name]), docs)
                added, updated = added + len(changes.added), updated + len(changes.replaced)
                unchanged += changes.unchanged
                tinyops.apply(self._tables[name], changes)
        return ImportResult(added, updated, unchanged, tuple(incoming.skipped))


def _newest(record: Bookmark | Highlight) -> float:
    return -record.created.timestamp()
