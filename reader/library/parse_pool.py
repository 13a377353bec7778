"""Parsing article files, in one pool of helper processes when there are many.

Parsing is pure Python, so threads would share one core; helper processes use them
all and leave the app's own process free to paint. A helper is this module run as
`python -m reader.library.parse_pool`: it reads one JSON list of paths per line and
answers one JSON list of outcomes per line. Any helper trouble falls back to reading
in-process, so a scan never fails because of one.

Each file is parsed once into everything both the catalog and the search index keep of
it (`Parsed`). The catalog takes its part at once; inside `parse_once`, the index's part
waits in a scratch file for the index sync that follows (see reader.library.spool), so a
refresh reads and parses every new file one time, not once per consumer.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from reader.library.catalog import encode_tags
from reader.library.spool import Fields, current_spool
from reader.library.spool_rows import StampOf
from reader.models import Article
from reader.sources import MAX_BYTES, LoadError, load_file
from reader.sources.files import RawFile
from reader.sources.loader import load_raw

if TYPE_CHECKING:
    from reader.sources.frontmatter import WrittenFront


class Summary(NamedTuple):
    """What the catalog keeps of a file read successfully (the `articles` columns it fills)."""

    content_hash: str
    title: str
    date: str | None
    """ISO date."""
    place: str | None
    source: str | None
    author: str | None
    url: str | None
    tags: str
    """The tags as the catalog stores them (JSON)."""
    words: int
    format: str
    truncated: bool
    """Only the first MAX_BYTES were read."""
    date_saved: bool = False
    """`date` is the day the page was saved."""


Outcome = Summary | str
"""A file's summary, or the one-line reason it could not be read."""


class Parsed(NamedTuple):
    """One parse of a file: the catalog's summary, the index's fields, and the file's
    size and mtime just before it was read (so a later change is noticed)."""

    summary: Summary
    fields: Fields
    size: int
    mtime_ns: int


PARALLEL_MIN = 2000
"""Fewer files than this are read in-process: starting helpers costs about 0.3 s."""

CHUNK = 200
"""Paths sent to a helper at a time."""


def parse(path: str) -> Parsed | str:
    """Read one file into what the catalog and the index keep, or the reason it failed."""
    try:
        # Before reading: a change after this is seen as a change by whoever checks the stamp.
        info: os.stat_result | None = os.stat(path)
    except OSError:
        info = None  # the loader says why
    try:
        article = load_file(Path(path))
    except LoadError as error:
        return str(error) or "unreadable"
    except Exception as error:  # one bad file never stops a scan
        return f"unreadable: {type(error).__name__}: {error}"
    return _parsed_article(article, info)


def parse_written(
    path: str | Path, data: bytes, front: WrittenFront | None = None
) -> Parsed | None:
    """What `parse` gives for a file this process has just written with `data`, from those
    bytes rather than by reading the file back; None when the file is no longer those bytes
    or they are not an article. `front` is the front matter written, when the writer knows
    how it reads (`Saved.front`)."""
    read = parse_written_article(path, data, front)
    return None if read is None else read[1]


def parse_written_article(
    path: str | Path, data: bytes, front: WrittenFront | None = None
) -> tuple[Article, Parsed] | None:
    """`parse_written`, with the article read (its blocks, for a caller that needs them)."""
    info = stat_if_written(path, data)
    if info is None:
        return None
    truncated = len(data) > MAX_BYTES
    raw = RawFile(
        data[:MAX_BYTES] if truncated else data, truncated, info.st_size, info.st_mtime_ns
    )
    try:
        article = load_raw(path if isinstance(path, Path) else Path(path), raw, front)
    except Exception:  # LoadError or worse: a scan reads the file and reports it
        return None
    return article, _parsed_article(article, info)


def stat_if_written(path: str | Path, data: bytes) -> os.stat_result | None:
    """The file's stat while it still holds the `data` just written to it; None when it
    is gone or changed since (a scan reads it then)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info if info.st_size == len(data) else None


def parse_all_written(
    written: Iterable[tuple[Path, bytes]], fronts: Mapping[str, WrittenFront] | None = None
) -> list[tuple[str, Parsed]]:
    """`parse_written` for each file just written; those that parsed, with their paths.
    `fronts` has, by path, the front matter written in some of them (see `parse_written`)."""
    rows = []
    for path, data in written:
        name = str(path)
        parsed = parse_written(path, data, fronts.get(name) if fronts else None)
        if parsed is not None:
            rows.append((name, parsed))
    return rows


def _parsed_article(article: Article, info: os.stat_result | None) -> Parsed:
    meta = article.meta
    when = meta.date.isoformat() if meta.date else None
    summary = Summary(
        article.content_hash or meta.id,
        meta.title,
        when,
        meta.place,
        meta.source,
        meta.author,
        meta.url,
        encode_tags(meta.tags),
        meta.words,
        meta.format,
        article.truncated,
        article.date_saved,
    )
    fields: Fields = (meta.title, when, meta.place, meta.source, meta.tags, article.body_text())
    if info is None:
        return Parsed(summary, fields, -1, -1)
    return Parsed(summary, fields, info.st_size, info.st_mtime_ns)


def summarize(path: str) -> Outcome:
    """Read one file into its catalog summary, or the reason it failed."""
    parsed = parse(path)
    return parsed if isinstance(parsed, str) else parsed.summary


def read_all(
    paths: list[str],
    processes: int | None = None,
    parallel_min: int = PARALLEL_MIN,
    stamps: StampOf | None = None,
) -> Iterator[tuple[str, Outcome]]:
    """Each path with its catalog outcome, in the order given (ids depend on it).

    Inside `parse_once`, files the spool holds already (written and parsed by this
    refresh) are not parsed again; the others are parsed now, and what the index needs of
    each is kept for the index sync that follows. `stamps` has the size and mtime of the
    paths as the caller found them just now (the spool's rows are checked against those).
    """
    spool = current_spool()
    kept = dict(spool.summaries(paths, stamps)) if spool is not None else {}
    rest = [path for path in paths if path not in kept] if kept else paths
    parsed = read_parsed(rest, processes, parallel_min)
    parsed_now: list[tuple[str, Parsed]] = []
    for path in paths:
        summary = kept.get(path)
        if summary is not None:
            yield path, summary
            continue
        _, outcome = next(parsed)
        if isinstance(outcome, str):
            yield path, outcome
            continue
        if spool is not None:
            parsed_now.append((path, outcome))
            if len(parsed_now) >= CHUNK:
                spool.put(_fields_of(parsed_now))
                parsed_now = []
        yield path, outcome.summary
    if spool is not None and parsed_now:
        spool.put(_fields_of(parsed_now))


def _fields_of(rows: list[tuple[str, Parsed]]) -> list[tuple[str, int, int, Fields]]:
    return [(path, p.size, p.mtime_ns, p.fields) for path, p in rows]


def read_parsed(
    paths: list[str], processes: int | None = None, parallel_min: int = PARALLEL_MIN
) -> Iterator[tuple[str, Parsed | str]]:
    """Each path parsed (or the reason it could not be), in the order given; helper
    processes read when there are many."""
    count = processes if processes is not None else (os.cpu_count() or 1)
    if count < 2 or len(paths) < parallel_min:
        for path in paths:
            yield path, parse(path)
        return
    helpers = _Helpers(count)
    pool = ThreadPoolExecutor(count, thread_name_prefix="reader-read")
    try:
        chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
        for chunk, outcomes in zip(chunks, pool.map(helpers.read, chunks), strict=True):
            yield from zip(chunk, outcomes, strict=True)
    finally:
        # A scan given up half-way must not wait for the chunks nobody will use.
        pool.shutdown(wait=True, cancel_futures=True)
        helpers.close()


class _Helpers:
    """A set of helper processes; each `read` call borrows an idle one."""

    def __init__(self, count: int) -> None:
        self._idle: queue.SimpleQueue[subprocess.Popen[str] | None] = queue.SimpleQueue()
        self._all: list[subprocess.Popen[str]] = []
        for _ in range(count):
            helper = _start()
            if helper is not None:
                self._all.append(helper)
            self._idle.put(helper)

    def read(self, chunk: list[str]) -> list[Parsed | str]:
        helper = self._idle.get()
        try:
            if helper is not None:
                try:
                    return _ask(helper, chunk)
                except (OSError, ValueError, TypeError):
                    helper.kill()
                    helper = None  # this slot reads in-process from now on
            return [parse(path) for path in chunk]
        finally:
            self._idle.put(helper)

    def close(self) -> None:
        for helper in self._all:
            _stop(helper)


def helper_environment() -> dict[str, str]:
    """The environment of a helper process started as `python -m reader...`: this one,
    with this package found first (the one running, installed or not)."""
    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
    return env


def _start() -> subprocess.Popen[str] | None:
    env = helper_environment()
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "reader.library.parse_pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="ascii",
            env=env,
        )
    except OSError:
        return None


def _ask(helper: subprocess.Popen[str], chunk: list[str]) -> list[Parsed | str]:
    stdin, stdout = _pipes(helper)
    stdin.write(json.dumps(chunk) + "\n")
    stdin.flush()
    answer = json.loads(stdout.readline())
    if not isinstance(answer, list) or len(answer) != len(chunk):
        raise ValueError("helper answered out of step")
    return [item if isinstance(item, str) else _parsed(item) for item in answer]


def _parsed(item: list[Any]) -> Parsed:
    # JSON turns tuples into lists; the catalog and the index want them back.
    summary, fields, size, mtime = item
    title, when, place, source, tags, body = fields
    return Parsed(Summary(*summary), (title, when, place, source, tuple(tags), body), size, mtime)


def _pipes(helper: subprocess.Popen[str]) -> tuple[IO[str], IO[str]]:
    if helper.stdin is None or helper.stdout is None:
        raise OSError("helper has no pipes")
    return helper.stdin, helper.stdout


def _stop(helper: subprocess.Popen[str]) -> None:
    try:
        if helper.stdin is not None:
            helper.stdin.close()
        helper.wait(timeout=2)
    except (OSError, subprocess.TimeoutExpired):
        helper.kill()


def _serve() -> None:
    """The helper's loop: a line of paths in, a line of outcomes out, until stdin closes."""
    for line in sys.stdin:
        paths = json.loads(line)
        sys.stdout.write(json.dumps([parse(path) for path in paths]) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
