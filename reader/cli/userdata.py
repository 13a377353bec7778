"""Opening the user's store for a command: notices on stderr, ids resolved through the store."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reader.cli.common import UsageError, open_library
from reader.library import MIN_PREFIX, Library, UnknownArticle
from reader.sanitize import safe_line
from reader.store import Bookmark, Highlight, Note, ReadingState, Store, StoreWriteError

LOCK_TIMEOUT = 5.0
"""Seconds a command waits for another reader process holding the store before giving up."""


def open_store() -> Store:
    """The store in the data dir; repairs or restores met while opening are told on stderr."""
    store = Store.open(lock_timeout=LOCK_TIMEOUT)
    report_notices(store)
    return store


def report_notices(store: Store) -> None:
    """Print the store's notices (repairs, restores, upgrades), one line each, on stderr."""
    for notice in store.notices:
        print(f"reader: store: {safe_line(notice)}", file=sys.stderr)


NOTE_LIMIT = 16 * 1024 * 1024
"""The longest note text read from stdin, in bytes."""


def text_arg(value: str) -> str:
    """Command-line text as storable Unicode: undecodable bytes become U+FFFD."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a byte
        raw = value.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def read_stdin_text() -> str:
    """A note's text from stdin, size-capped; undecodable bytes become U+FFFD."""
    from reader.files import read_stream

    try:
        raw = read_stream(sys.stdin.buffer, NOTE_LIMIT)
    except OSError as error:
        raise UsageError(f"cannot read stdin: {error.strerror or error}") from None
    return raw.decode("utf-8", "replace")


@contextmanager
def session(chosen: Sequence[Path]) -> Iterator[tuple[Library, Store]]:
    """The library, scanned, and the store, with annotations re-linked to the scan."""
    from reader.annotations import relink_annotations
    from reader.refresh import refresh

    with open_library(chosen) as library, open_store() as store:
        refreshed = refresh(library, store=store, full=True)
        failed = refreshed.relink_error
        # A read-only data folder: records keep their last known paths for now.
        if failed is not None and not isinstance(failed, StoreWriteError):
            raise failed
        yield library, store
        # Records the ids of the articles just annotated, so a rebuilt catalog keeps them.
        relink_annotations(library, store)


@dataclass(frozen=True, slots=True)
class Target:
    """The article a command names: its id, path and title, and whether it is in the library."""

    id: str
    path: str
    title: str
    in_library: bool


def resolve(library: Library, store: Store, text: str) -> Target:
    """The article with this id or unambiguous prefix, in the library or else in the store.

    Falling back on the store lets a user reach records of an article that is gone.
    """
    try:
        meta = library.resolve(text)
    except UnknownArticle:
        remembered = _remembered(store)
        key = text.strip().lower()
        if key in remembered:
            found = [key]
        else:
            long_enough = len(key) >= MIN_PREFIX
            found = [i for i in remembered if long_enough and i.startswith(key)]
        if len(found) != 1:
            raise
        path, title = remembered[found[0]]
        return Target(found[0], path, title, in_library=False)
    return Target(meta.id, meta.path, meta.title, in_library=True)


def _remembered(store: Store) -> dict[str, tuple[str, str]]:
    """Every article id the store has records of, with a last known path and title."""
    out: dict[str, tuple[str, str]] = {}
    records: list[Bookmark | Note | Highlight | ReadingState] = [
        *store.bookmarks(),
        *store.notes(),
        *store.highlights(),
        *store.reading_states(),
    ]
    for record in records:
        out.setdefault(record.article_id, (record.path, record.title))
    return out
