"""Tables beyond the core records (review state, the reading log): one document per key.

Each document carries its own "uuid", a "key" unique in its table and an "updated" time, as
every store record has its own identity, so sync and export can carry them like any other
table. Reads and writes go through the store's own transactions: a write re-reads the file
under both locks and saves once at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tinydb.table import Table

from reader.store.api import Store
from reader.store.records import new_uuid, now, storable
from reader.store.tinyops import Match


def _table(store: Store, name: str) -> Table:
    # Registered with the store, so its caches are dropped when another process writes.
    tables = store._tables
    if name not in tables:
        tables[name] = store._db.table(name)
    return tables[name]


def documents(store: Store, name: str) -> list[dict[str, Any]]:
    """Copies of every document of the table `name` (none if it does not exist yet)."""
    _table(store, name)
    with store._read():
        return [dict(doc) for doc in store._raw(name).values()]


class Writing:
    """One table inside a store write transaction."""

    def __init__(self, store: Store, name: str) -> None:
        self._store, self._name = store, name
        self._table = _table(store, name)

    def documents(self) -> list[dict[str, Any]]:
        """The table's documents as the file holds them now (read-only)."""
        return list(self._store._raw(self._name).values())

    def put(self, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Create or update the document whose "key" is `key`; the stored document."""
        found = next((doc for doc in self.documents() if doc.get("key") == key), None)
        fields = storable({**fields, "key": key, "updated": now()})
        if found is None:
            doc = {"uuid": new_uuid(), "created": fields["updated"], **fields}
            self._table.insert(doc)
            return doc
        self._table.update(fields, Match("key", key))
        return {**found, **fields}


@contextmanager
def writing(store: Store, name: str) -> Iterator[Writing]:
    """A write transaction on the table `name`: the file re-read, saved once at the end."""
    writing = Writing(store, name)
    with store._write():
        yield writing
