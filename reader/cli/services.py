"""Services opened late: the search index and the feed subscriptions are opened on first use."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.feeds.registry import FeedRegistry
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


class FeedsOpener:
    """Opens the feed subscriptions when first called, once; `close` closes them if opened.

    Only a feed refresh needs them, so the app does not read the file at start-up.
    """

    def __init__(self) -> None:
        self.registry: FeedRegistry | None = None
        self._lock = threading.Lock()

    def __call__(self) -> FeedRegistry:
        with self._lock:
            if self.registry is None:
                from reader.feeds.registry import FeedRegistry

                self.registry = FeedRegistry.open()
            return self.registry

    def close(self) -> None:
        """Close the subscriptions if they were opened."""
        with self._lock:
            if self.registry is not None:
                self.registry.close()
                self.registry = None
