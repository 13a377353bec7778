"""Records how far the reader gets in each article, a few seconds after the scrolling stops.

The words newly read go to the reading log in the store (reader.store.reading_log), which
the stats add up per day. Writes run in a thread, one after another, and what is pending
is written when the app closes.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import date
from functools import partial

from textual.timer import Timer
from textual.widget import Widget

from reader.models import Article
from reader.store import Store, StoreError
from reader.store.reading_log import record_progress
from reader.ui.store_writes import WriteQueue

RECORD_DELAY = 2.0
"""Seconds after the last scroll before the progress is written."""


class ReadingRecorder(Widget):
    """Logs the furthest point reached in the open article (not displayed)."""

    DEFAULT_CSS = "ReadingRecorder { display: none; }"

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        self._pending: tuple[Article, float] | None = None
        self._timer: Timer | None = None
        self.writes = WriteQueue(self, self._failed)

    def _today(self) -> date:
        today: Callable[[], date] = getattr(self.app, "today", date.today)
        return today()

    def _failed(self, reason: str) -> None:
        # Told from the write's thread, or from this one when writes are flushed at the end.
        show = partial(self.notify, reason, title="Reading log", severity="warning")
        if threading.get_ident() == self.app._thread_id:
            show()
        else:
            self.app.call_from_thread(show)

    def progressed(self, article: Article | None, progress: float) -> None:
        """The open article scrolled to `progress` (0.0-1.0): log it once scrolling stops."""
        if article is None:
            return
        pending = self._pending
        if pending is not None and pending[0].id != article.id:
            self.save()  # another article now: the first one's progress first
        elif pending is not None:
            progress = max(progress, pending[1])
        self._pending = (article, progress)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(RECORD_DELAY, self.save)

    def take_pending(self) -> Callable[[], object] | None:
        """The write for the progress not yet logged (None if nothing is pending)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        pending, self._pending = self._pending, None
        if pending is None:
            return None
        article, progress = pending
        store, today, words = self._store, self._today(), article.meta.words
        return lambda: record_progress(store, article.id, words, progress, today)

    def save(self) -> None:
        """Queue the pending progress to be written now."""
        job = self.take_pending()
        if job is not None:
            self.writes.put(job, watch=False)

    def on_unmount(self) -> None:
        self.writes.flush()
        job = self.take_pending()
        if job is not None:
            with contextlib.suppress(StoreError):  # closing: a store locked for long loses it
                job()
