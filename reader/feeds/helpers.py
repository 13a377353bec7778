"""Helper processes for a big feeds refresh: child interpreters spoken to over their pipes.

Each helper runs `python -m reader.feeds.helpers`, takes one feed at a time on its stdin (a
length-prefixed pickle of the subscription) and answers on its stdout with the feed's
result. Not `multiprocessing`: its queues' semaphores need a resource tracker process
beside the helpers (11 MB).

In this process, one thread per helper hands out feeds and waits for answers (blocking on
a pipe, which lets go of the interpreter), so the helpers go on while the caller is busy
with the results it took (a sync of the library); `ahead` bounds the feeds given out
beyond the results taken, each of which holds its feed's parses.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.frames import close_input, receive_frame, send_frame, start_helper, stop_helper

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult
    from reader.feeds.registry import Subscription
    from reader.web.fetch import Limits

_STOP_WAIT = 5.0
"""Seconds a helper is given to finish after its input closes, before it is killed."""


class HelperPool:
    """`count` helper processes refreshing feeds against the subscriptions at `registry`;
    `parse` says whether they parse the files they write (for a spool to take)."""

    def __init__(self, count: int, registry: Path, parse: bool) -> None:
        self._helpers: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(count):
                self._helpers.append(_start(registry, parse))
        except OSError:
            self.close()
            raise
        self._stopping = threading.Event()

    def run(
        self,
        todo: list[tuple[int, Subscription]],
        limits: Limits,
        keep_paths: bool,
        ahead: int,
        local: Callable[[Subscription], FeedResult] | None = None,
    ) -> Iterator[tuple[int, FeedResult]]:
        """Each feed's result as it comes, with its place in `todo`. A feed whose helper
        died is not yielded (the caller refreshes what is left itself).

        With `local`, a thread of this process takes feeds too, refreshing each with it:
        this process is idle between the syncs it runs, and a core's worth of helper
        costs a whole interpreter's memory. It takes a feed only while the caller waits
        for a result, so the two never share the interpreter for long: the caller's
        syncs run at full speed beside the helpers.
        """
        waiting = iter(todo)
        lock = threading.Lock()
        askers: list[Callable[[Subscription], bytes | FeedResult]] = [
            functools.partial(_ask_helper, helper, limits, keep_paths) for helper in self._helpers
        ]
        if local is not None:
            askers.append(local)
        slots = threading.Semaphore(max(1, ahead * len(askers)))
        answers: queue.SimpleQueue[tuple[int, bytes | FeedResult | None] | None] = (
            queue.SimpleQueue()
        )

        idle = threading.Event()  # set while the caller waits for a result

        def caller_idle() -> bool:
            return idle.wait(0.1)

        def free_slot() -> bool:
            return slots.acquire(timeout=0.1)

        def drive(ask: Callable[[Subscription], bytes | FeedResult]) -> None:
            here = ask is local
            try:
                while (not here or _take(caller_idle, self._stopping)) and _take(
                    free_slot, self._stopping
                ):
                    with lock:
                        item = next(waiting, None)
                    if item is None:
                        slots.release()
                        return
                    index, sub = item
                    try:
                        answer = ask(sub)
                    except Exception:
                        answers.put((index, None))
                        return  # this helper is gone: the others go on
                    answers.put((index, answer))
            finally:
                answers.put(None)

        threads = [
            threading.Thread(target=drive, args=(ask,), name="reader-feed-helper", daemon=True)
            for ask in askers
        ]
        for thread in threads:
            thread.start()
        running = len(threads)
        try:
            while running:
                idle.set()
                got = answers.get()
                idle.clear()
                if got is None:
                    running -= 1
                    continue
                slots.release()  # before the result is used: the helpers go on meanwhile
                index, answer = got
                if isinstance(answer, bytes):
                    yield index, pickle.loads(answer)
                elif answer is not None:
                    yield index, answer
        finally:
            self._stopping.set()
            self.close()
            for thread in threads:
                thread.join()

    def close(self) -> None:
        """End the helpers: their input closed, then killed if they do not stop."""
        for helper in self._helpers:
            close_input(helper)  # all at once: each finishes its feed meanwhile
        for helper in self._helpers:
            stop_helper(helper, _STOP_WAIT)


def _take(ready: Callable[[], bool], stopping: threading.Event) -> bool:
    """Wait until `ready()` (which waits a moment itself) says yes: a slot to give a helper
    a feed, the caller idle; False once the pool is stopping."""
    while not stopping.is_set():
        if ready():
            return True
    return False


def _start(registry: Path, parse: bool) -> subprocess.Popen[bytes]:
    return start_helper("reader.feeds.helpers", str(registry), "1" if parse else "0")


def _ask_helper(
    helper: subprocess.Popen[bytes], limits: Limits, keep_paths: bool, sub: Subscription
) -> bytes:
    """A feed's result from a helper, pickled; OSError, EOFError or ValueError when the
    helper is gone."""
    return _ask(helper, pickle.dumps((sub, limits, keep_paths)))


def _ask(helper: subprocess.Popen[bytes], request: bytes) -> bytes:
    if helper.stdin is None or helper.stdout is None:
        raise OSError("helper has no pipes")
    send_frame(helper.stdin, request)
    answer = receive_frame(helper.stdout)
    if answer is None:
        raise EOFError("the helper ended")
    return answer


def serve(registry: Path, parse: bool) -> None:
    """The helper's loop: a feed in, its result out, until its input closes."""
    from reader.feeds import refresh

    # Its own copies of the pipes first: the set-up points stdout and stderr at /dev/null,
    # since the helper shares the terminal a full-screen app paints.
    requests = os.fdopen(os.dup(0), "rb")
    results = os.fdopen(os.dup(1), "wb")
    refresh.set_up_helper(registry, parse)
    while (request := receive_frame(requests)) is not None:
        sub, limits, keep_paths = pickle.loads(request)
        result = refresh.refresh_in_helper(sub, limits, keep_paths)
        send_frame(results, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve(Path(sys.argv[1]), sys.argv[2] == "1")
