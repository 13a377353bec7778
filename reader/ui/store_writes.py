"""Store writes off the UI thread (one queue, run in order) and the watch for outside writes."""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

from textual.dom import DOMNode

from reader.store import Store, StoreError

Job = Callable[[], object]


class WriteQueue:
    """Runs store writes one after another in a thread worker, in the order they were queued.

    Order matters: a bookmark toggled twice must end as the user left it, so writes are
    never run side by side. `flush` runs what is left on the calling thread (at quit).

    A write re-reads the file first, so it takes in whatever another process wrote; after
    that the store no longer reports the file as changed. So before each job the queue asks
    `outside_change` (when given) whether another process wrote, and tells `after_write` (in
    the worker thread) once the job is done, so the UI can show those writes too.
    """

    def __init__(
        self,
        node: DOMNode,
        on_error: Callable[[str], None],
        *,
        outside_change: Callable[[], bool] | None = None,
        after_write: Callable[[bool], None] | None = None,
    ) -> None:
        self._node = node
        self._on_error = on_error
        self._outside_change = outside_change
        self._after_write = after_write
        self._jobs: deque[tuple[Job, bool]] = deque()
        self._lock = threading.Lock()
        self._running = threading.Lock()
        """Held while a job runs, so `flush` can wait for the one in flight."""
        self._draining = False
        self.queued = 0
        """How many jobs were ever queued: a change since a read means the read is stale."""

    def put(self, job: Job, *, watch: bool = True) -> None:
        """Queue `job`; it runs soon, after every job queued before it.

        `watch=False` skips the check for outside changes (for a job that reads everything).
        """
        with self._lock:
            self._jobs.append((job, watch))
            self.queued += 1
            if self._draining:
                return
            self._draining = True
        self._node.run_worker(self._drain, thread=True, group="store-writes")

    def flush(self) -> None:
        """Run every queued job now, on this thread, after the one in flight."""
        while (item := self._next()) is not None:
            self._run(item[0], watch=False)
        with self._running:
            pass

    def _drain(self) -> None:
        while (item := self._next()) is not None:
            self._run(*item)

    def _next(self) -> tuple[Job, bool] | None:
        with self._lock:
            if not self._jobs:
                self._draining = False
                return None
            return self._jobs.popleft()

    def _run(self, job: Job, watch: bool) -> None:
        with self._running:
            outside = watch and self._outside_change is not None and self._outside_change()
            try:
                job()
            # A failed write is reported, never raised into the worker: the UI keeps going.
            except (StoreError, OSError) as error:
                self._on_error(str(error) or type(error).__name__)
            if watch and self._after_write is not None:
                self._after_write(outside)


class StoreWatch:
    """Tells whether another process wrote the store file since this app last took it in.

    Two signs, as either alone can miss one: the store's own (reset by any read, such as a
    search's), and the file's identity as last seen here (every save replaces the file).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._seen = self._signature()

    def _signature(self) -> tuple[int, int, int] | None:
        path = self._store.path
        try:
            info = os.stat(path) if path is not None else None
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns) if info else None

    def outside_change(self) -> bool:
        """Whether the file changed since it was last taken in (safe from any thread)."""
        return self._store.changed() or self._signature() != self._seen

    def taken_in(self) -> None:
        """The file as it is now is what the app's copy holds (after a write or a read)."""
        self._seen = self._signature()
