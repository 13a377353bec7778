"""Services opened late: the search index and the feed subscriptions are opened on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from reader.feeds.registry import FeedRegistry
    from reader.library import Library
    from reader.search import SearchIndex


class Closable(Protocol):
    def close(self) -> None: ...


S = TypeVar("S", bound=Closable)


class OpenOnFirstUse(Generic[S]):
    """Opens a service when first called, once; `close` closes it if it was opened.

    The app is handed these instead of open services so that start-up pays for neither
    the search engine's import nor the subscriptions file: they open in the background
    scan, the first search or the first feed refresh.
    """

    def __init__(self, opener: Callable[[], S]) -> None:
        self._opener = opener
        self.service: S | None = None
        self._lock = threading.Lock()

    def __call__(self) -> S:
        with self._lock:
            if self.service is None:
                self.service = self._opener()
            return self.service

    def close(self) -> None:
        """Close the service if it was opened."""
        with self._lock:
            if self.service is not None:
                self.service.close()
                self.service = None


def index_opener(library: Library) -> OpenOnFirstUse[SearchIndex]:
    """The library's search index, opened on first use."""

    def open_it() -> SearchIndex:
        from reader.search.sync import open_index

        return open_index(library)

    return OpenOnFirstUse(open_it)


def feeds_opener() -> OpenOnFirstUse[FeedRegistry]:
    """The feed subscriptions in the data dir, opened on first use."""

    def open_it() -> FeedRegistry:
        from reader.feeds.registry import FeedRegistry

        return FeedRegistry.open()

    return OpenOnFirstUse(open_it)
