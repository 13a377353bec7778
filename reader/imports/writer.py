"""An import's new files, written in batches: by a helper process while the import reads on.

Rendering an import's files, writing them, making them durable and making the parse handed
to the scan is most of a big import's time, and none of it depends on the rows that follow.
So a full batch goes to a helper process when the helper is free, and the import goes on
reading the next rows meanwhile; when the helper is still busy with the batch before, this
process writes the new batch itself, so both cores work. An import of one batch or less
never starts a helper.

Files are written as `BatchWriter` writes them: whole or absent after any crash. The helper
writes its batches in the order given, and a batch written here that rewrites one of the
helper's files waits for it first, so the bytes given last for a path are the ones that
stay. When the helper cannot start, this process writes every batch; when it dies, this
process writes the batches it held again and goes on alone.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import threading
from collections import deque
from pathlib import Path

from reader.files import BatchWriter
from reader.frames import receive_frame, send_frame, start_helper, stop_helper
from reader.imports import handoff
from reader.library.parse_pool import Parsed as ScanParsed
from reader.library.spool import current_spool
from reader.sources.frontmatter import WrittenFront
from reader.web.save import Draft, SaveError, put_draft

Op = tuple[Path, Draft | bytes]
"""A file to write: a draft, rendered as `reader add` saves one, or bytes as they are."""
Rows = list[tuple[str, ScanParsed]]

AHEAD = 2
"""Batches the helper may hold at once: it has the next when it finishes one."""
_STOP_WAIT = 10.0
"""Seconds the helper is given to finish its batch once asked to stop, before it is killed."""


def write_batch(ops: list[Op], texts: dict[Path, list[str]] | None, rows: bool) -> Rows:
    """Write `ops` as one durable batch; the parse of the files made, for the scan (when
    `rows`). SaveError when a file cannot be written: the batch's files not yet in place
    are then removed, and no file is ever left half-written."""
    fronts: dict[Path, WrittenFront] = {}
    written: list[tuple[Path, bytes]] = []
    batch = BatchWriter(on_commit=written.extend)
    try:
        for path, what in ops:
            if isinstance(what, bytes):
                _add(batch, path, what)
                fronts.pop(path, None)  # a file rewritten in the batch: its last bytes
            elif (front := put_draft(path, what, batch)) is not None:
                fronts[path] = front
        batch.commit()
    except OSError as error:
        batch.abort()
        raise SaveError(f"cannot write the imported files: {error.strerror or error}") from None
    except BaseException:
        batch.abort()
        raise
    return handoff.parsed_rows(written, texts, fronts) if rows else []


def _add(batch: BatchWriter, path: Path, data: bytes) -> None:
    try:
        batch.add(path, data)
    except OSError as error:
        raise SaveError(f"cannot write {path}: {error.strerror or error}") from None


class ImportWriter:
    """The files of one import: added one by one, handed off a batch at a time."""

    def __init__(self, texts: dict[Path, list[str]], helper: bool = True) -> None:
        """`texts` takes the block texts of the book documents written (see
        `handoff.parsed_rows`); without `helper`, every batch is written in this process."""
        self._texts = texts
        self._ops: list[Op] = []
        self._helper: _Helper | None = None
        self._may_start = helper
        self._in_flight: deque[list[Op]] = deque()

    def __len__(self) -> int:
        return len(self._ops)

    def add_draft(self, path: Path, draft: Draft) -> None:
        """Write `draft` at `path` (it appears whole at a hand-off or commit)."""
        self._ops.append((path, draft))

    def add(self, path: Path, data: bytes) -> None:
        """Write `data` at `path` (it appears whole at a hand-off or commit)."""
        self._ops.append((path, data))

    def hand_off(self) -> None:
        """Start writing the files added: in the helper when it has room, else here, now."""
        ops, self._ops = self._ops, []
        while self._in_flight and self._helper is not None and self._helper.answered():
            self._settle_one()
        helper = self._started()
        if helper is not None and helper.ready() and len(self._in_flight) < AHEAD:
            helper.send(ops, current_spool() is not None)
            self._in_flight.append(ops)
            return
        paths = {path for path, _ in ops}
        if any(path in paths for held in self._in_flight for path, _ in held):
            self._settle()
        self._write_here(ops)

    def commit(self) -> None:
        """Every file added so far, whole and durable in its place, when this returns."""
        self._settle()
        ops, self._ops = self._ops, []
        self._write_here(ops)

    def abort(self) -> None:
        """Drop the files added since the last hand-off (a batch handed off is finished)."""
        self._ops = []
        with contextlib.suppress(Exception):
            self._settle()

    def close(self) -> None:
        """Stop the helper, once it has finished any batch it holds."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def _write_here(self, ops: list[Op]) -> None:
        if ops:
            self._take(write_batch(ops, self._texts, current_spool() is not None))

    def _take(self, rows: Rows) -> None:
        spool = current_spool()
        if spool is not None and rows:
            spool.put_parsed(rows)

    def _settle(self) -> None:
        """Wait for the batches the helper holds (see `_settle_one`)."""
        while self._in_flight:
            self._settle_one()

    def _settle_one(self) -> None:
        """Wait for the helper's oldest batch: its parse into the spool, or written here
        again when the helper died. SaveError when the helper could not write it."""
        ops = self._in_flight.popleft()
        answer = None if self._helper is None else self._helper.answer()
        if answer is None:  # the helper is gone: this process writes its batches, alone
            self.close()
            self._may_start = False
            self._write_here(ops)
        elif isinstance(answer, str):
            raise SaveError(answer)
        else:
            self._take(answer)

    def _started(self) -> _Helper | None:
        if self._helper is None and self._may_start:
            self._may_start = False
            self._helper = _Helper.start()
        return self._helper


class _Helper:
    """The helper process: a batch in (pickled), its answer out, over its pipes.

    Two threads talk to it: one sends the batches, one reads the answers as they come. So
    the import never waits on a full pipe while the helper is busy, and the helper never
    waits on a full pipe for the import to read.
    """

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._ready = False
        self._answers: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, name="import-answers", daemon=True)
        self._sender = threading.Thread(target=self._send, name="import-batches", daemon=True)
        self._reader.start()
        self._sender.start()

    @classmethod
    def start(cls) -> _Helper | None:
        try:
            return cls(start_helper("reader.imports.writer"))
        except OSError:
            return None

    def _read(self) -> None:
        stream = self._process.stdout
        try:
            while stream is not None and (data := receive_frame(stream)) is not None:
                self._answers.put(data)
        except (OSError, EOFError, ValueError):
            pass
        self._answers.put(None)  # the helper is gone

    def _send(self) -> None:
        stream = self._process.stdin
        try:
            while stream is not None and (data := self._requests.get()) is not None:
                send_frame(stream, data)
        except (OSError, ValueError):
            pass  # the helper is gone: the reading thread tells
        with contextlib.suppress(OSError):
            if stream is not None:
                stream.close()

    def ready(self) -> bool:
        """Whether the helper has started (said so) and takes batches: until then, they
        would wait in the pipe, and the import with them."""
        if not self._ready and self.answered():
            self._ready = self.answer() == []
        return self._ready

    def send(self, ops: list[Op], rows: bool) -> None:
        """Give the helper a batch (without waiting for it to take it)."""
        self._requests.put(pickle.dumps((ops, rows), pickle.HIGHEST_PROTOCOL))

    def answered(self) -> bool:
        """Whether the helper's next answer is there to take (or it is gone)."""
        return not self._answers.empty()

    def answer(self) -> Rows | str | None:
        """The batch's parse, or why it could not be written; None when the helper is gone."""
        data = self._answers.get()
        if data is None:
            self._answers.put(None)  # gone for every later question too
            return None
        try:
            answer: Rows | str = pickle.loads(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None
        return answer

    def close(self) -> None:
        self._requests.put(None)  # its input closed once the batches given are sent
        self._sender.join(_STOP_WAIT)
        stop_helper(self._process, _STOP_WAIT)
        self._sender.join()
        self._reader.join()


def serve() -> None:
    """The helper's loop: a batch in, its parse (or why it failed) out, until input ends."""
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    # Nothing printed by accident may reach the pipe the answers go down.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    send_frame(answers, pickle.dumps([]))  # started: the modules a batch needs are loaded
    while (request := receive_frame(requests)) is not None:
        ops, rows = pickle.loads(request)
        answer: Rows | str
        try:
            answer = write_batch(ops, None, rows)
        except SaveError as error:
            answer = str(error)
        send_frame(answers, pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve()
