"""The user's own data (bookmarks, notes, highlights, reading state) in a crash-safe TinyDB file."""

from reader.store.api import Store
from reader.store.errors import StoreError, StoreLocked, StoreTooNew, StoreWriteError
from reader.store.records import (
    Bookmark,
    Highlight,
    ImportResult,
    Note,
    Position,
    ReadingState,
    Relink,
    SavedSearch,
    anchor,
)
from reader.store.storage import FileStorage

__all__ = [
    "Bookmark",
    "FileStorage",
    "Highlight",
    "ImportResult",
    "Note",
    "Position",
    "ReadingState",
    "Relink",
    "SavedSearch",
    "Store",
    "StoreError",
    "StoreLocked",
    "StoreTooNew",
    "StoreWriteError",
    "anchor",
]
