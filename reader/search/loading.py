"""Reading articles for the index, in helper processes when there are many.

Parsing is pure Python, so a big (re)build reads files in a pool of helper processes
and keeps this process free to feed the index writer. Only what the index needs
crosses the process boundary. Any pool trouble falls back to reading in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reader.models import Article, ArticleMeta, Block, BlockKind
from reader.search.index import body_text
from reader.sources import LoadError, load_file

PARALLEL_MIN = 2000
"""Fewer articles than this are read in-process: starting helpers costs about 0.3 s."""

CHUNK = 250
"""Paths a helper reads per request."""

Fields = tuple[str, str | None, str | None, str | None, tuple[str, ...], str]
"""(title, ISO date, place, source, tags, body text): what the index keeps of a file."""


@dataclass(frozen=True, slots=True)
class Wanted:
    """An article to index: its catalog id and its file."""

    id: str
    path: str


def read_fields(path: str) -> Fields | None:
    """The indexed fields of one file, or None when it cannot be read."""
    try:
        article = load_file(Path(path))
    except (LoadError, OSError):
        return None
    except Exception:  # one bad file never stops a build
        return None
    meta = article.meta
    when = meta.date.isoformat() if meta.date else None
    return (meta.title, when, meta.place, meta.source, meta.tags, body_text(article))


def read_chunk(paths: Sequence[str]) -> list[Fields | None]:
    """`read_fields` for each path (the helper's unit of work)."""
    return [read_fields(path) for path in paths]


def as_article(wanted: Wanted, fields: Fields) -> Article:
    """An Article carrying just what the index reads, under the catalog's id."""
    title, when, place, source, tags, body = fields
    meta = ArticleMeta(
        id=wanted.id,
        path=wanted.path,
        title=title,
        date=date.fromisoformat(when) if when else None,
        place=place,
        source=source,
        tags=tuple(tags),
    )
    # body_text joins blocks with blank lines, so one block of the joined text indexes the same
    return Article(meta=meta, blocks=(Block(BlockKind.PARAGRAPH, body),))


def read_articles(
    wanted: Sequence[Wanted],
    processes: int | None = None,
    parallel_min: int = PARALLEL_MIN,
) -> Iterator[tuple[Wanted, Article | None]]:
    """Each wanted article in order, loaded (None when its file cannot be read)."""
    count = processes if processes is not None else (os.cpu_count() or 1)
    if count < 2 or len(wanted) < parallel_min:
        for item in wanted:
            yield item, _loaded(item, read_fields(item.path))
        return
    chunks = [wanted[start : start + CHUNK] for start in range(0, len(wanted), CHUNK)]
    done = 0
    pool = _pool(count)
    try:
        for chunk, outcomes in zip(chunks, pool.map(_read_paths, chunks), strict=False):
            for item, fields in zip(chunk, outcomes, strict=True):
                yield item, _loaded(item, fields)
            done += len(chunk)
    except (BrokenProcessPool, OSError):
        # Helpers could not start or died: read the rest here.
        for item in wanted[done:]:
            yield item, _loaded(item, read_fields(item.path))
    finally:
        # A build given up half-way must not wait for chunks nobody will use.
        pool.shutdown(wait=True, cancel_futures=True)


def _read_paths(chunk: Sequence[Wanted]) -> list[Fields | None]:
    return read_chunk([item.path for item in chunk])


def _loaded(item: Wanted, fields: Fields | None) -> Article | None:
    return None if fields is None else as_article(item, fields)


def _pool(count: int) -> ProcessPoolExecutor:
    # "spawn": forking a process that runs threads (the app, the index writer) is unsafe.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(count, mp_context=context, initializer=_quiet)


def _quiet() -> None:
    """Point a helper's output at /dev/null: it shares the terminal a full-screen app paints."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (1, 2):
        os.dup2(devnull, stream)
    os.close(devnull)
