"""Store writes off the UI thread: one queue, run in order by a thread worker."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from textual.dom import DOMNode

from reader.store import StoreError

Job = Callable[[], object]


class WriteQueue:
    """Runs store writes one after another in a thread worker, in the order they were queued.

    Order matters: a bookmark toggled twice must end as the user left it, so writes are
    never run side by side. `flush` runs what is left on the calling thread (at quit).
    """

    def __init__(self, node: DOMNode, on_error: Callable[[str], None]) -> None:
        self._node = node
        self._on_error = on_error
        self._jobs: deque[Job] = deque()
        self._lock = threading.Lock()
        self._running = threading.Lock()
        """Held while a job runs, so `flush` can wait for the one in flight."""
        self._draining = False

    def put(self, job: Job) -> None:
        """Queue `job`; it runs soon, after every job queued before it."""
        with self._lock:
            self._jobs.append(job)
            if self._draining:
                return
            self._draining = True
        self._node.run_worker(self._drain, thread=True, group="store-writes")

    def flush(self) -> None:
        """Run every queued job now, on this thread, after the one in flight."""
        while (job := self._next()) is not None:
            self._run(job)
        with self._running:
            pass

    def _drain(self) -> None:
        while (job := self._next()) is not None:
            self._run(job)

    def _next(self) -> Job | None:
        with self._lock:
            if not self._jobs:
                self._draining = False
                return None
            return self._jobs.popleft()

    def _run(self, job: Job) -> None:
        with self._running:
            try:
                job()
            # A failed write is reported, never raised into the worker: the UI keeps going.
            except (StoreError, OSError) as error:
                self._on_error(str(error) or type(error).__name__)
