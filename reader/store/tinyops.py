"""Small TinyDB helpers for the Store: an uncached match, and a replace-by-UUID update."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tinydb.table import Table


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
