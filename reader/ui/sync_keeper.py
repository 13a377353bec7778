"""Sync through the sync folder while the app runs: at start, after writes, and at quit.

Nothing in the app's write paths knows about sync: the keeper looks at the data files (a
stat each second), syncs a moment after they last changed, and every minute for what other
machines sent. What a sync brings in reaches the screen the way any outside write does:
the annotator sees the store file changed and reads it again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from reader.sanitize import safe_line
from reader.store import Store, StoreError

if TYPE_CHECKING:
    from textual.app import App

Signature = tuple[tuple[int, int, int] | None, ...]


class SyncKeeper:
    """Runs `reader sync` in a worker thread when the settings name a sync folder."""

    POLL = 1.0
    """Seconds between two looks at the data files."""
    DEBOUNCE = 3.0
    """Seconds after the last change before syncing: a burst of edits makes one sync."""
    PULL = 60.0
    """Seconds between syncs when nothing changes here, for what other machines sent."""
    QUIT_LOCK_TIMEOUT = 3.0

    def __init__(self, app: App[None], store: Store, folder: str) -> None:
        self._app = app
        data = store.path.parent if store.path is not None else None
        self.folder = Path(folder).expanduser() if folder.strip() and data else None
        """The sync folder; None when sync is off (no folder set, or a store in memory)."""
        self._data = data
        self._seen: Signature | None = None
        self._due: float | None = None
        self._last = 0.0
        self._running = threading.Lock()
        self.runs = 0
        """Syncs finished (for tests and the status line)."""
        self.error: str | None = None
        """The last sync's one-line failure, or None when it worked."""

    def start(self) -> None:
        """Sync now, then keep syncing after changes; nothing when sync is off."""
        if self.folder is None:
            return
        self._app.set_interval(self.POLL, self.tick)
        self.request()

    def _signature(self) -> Signature:
        assert self._data is not None
        out: list[tuple[int, int, int] | None] = []
        for name in ("store.json", "feeds.json"):
            try:
                info = (self._data / name).stat()
                out.append((info.st_ino, info.st_size, info.st_mtime_ns))
            except OSError:
                out.append(None)
        return tuple(out)

    def tick(self) -> None:
        """On the UI thread: two stats; a sync once the files rest or a minute has gone by."""
        now = time.monotonic()
        if self._due is None and self._signature() != self._seen:
            self._due = now + self.DEBOUNCE
        if (self._due is not None and now >= self._due) or now - self._last >= self.PULL:
            self.request()

    def request(self) -> None:
        """Sync in a worker thread (again after the one running, if any)."""
        self._due, self._last = None, time.monotonic()
        self._app.run_worker(self._run, thread=True, group="sync", exit_on_error=False)

    def _run(self) -> None:
        if not self._running.acquire(blocking=False):
            self._due = time.monotonic()  # one is running: go again after it
            return
        try:
            self._seen = self._signature()  # changes from now on call for another sync
            self._sync(lock_timeout=10.0)
        finally:
            self._running.release()

    def _sync(self, lock_timeout: float) -> str | None:
        from reader.sync import sync

        assert self.folder is not None and self._data is not None
        try:
            sync(self.folder, data=self._data, lock_timeout=lock_timeout)
        except StoreError as error:
            message = safe_line(str(error))
            if message != self.error:
                self.error = message
                self._tell(message)
            return message
        self.error = None
        self.runs += 1
        return None

    def _tell(self, message: str) -> None:
        notify = self._app.notify
        # Once the app has stopped there is no one to tell: at_quit reports instead.
        with contextlib.suppress(RuntimeError):
            self._app.call_from_thread(notify, message, title="Sync", severity="warning")

    def at_quit(self) -> str | None:
        """A last sync once the app has closed (every write done); the failure, if any."""
        if self.folder is None:
            return None
        with self._running:
            return self._sync(lock_timeout=self.QUIT_LOCK_TIMEOUT)
