"""Services opened late: the search index is opened on first use, after the first frame."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.library import Library
    from reader.search import SearchIndex


class IndexOpener:
    """Opens a library's search index when first called, once; `close` closes it if opened.

    The search engine takes tens of milliseconds to import and open, so the app is handed
    this instead of an open index and calls it from its background scan or first search.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self.index: SearchIndex | None = None
        self._lock = threading.Lock()

    def __call__(self) -> SearchIndex:
        with self._lock:
            if self.index is None:
                from reader.search.sync import open_index

                self.index = open_index(self.library)
            return self.index

    def close(self) -> None:
        """Close the index if it was opened."""
        with self._lock:
            if self.index is not None:
                self.index.close()
                self.index = None
