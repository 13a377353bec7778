"""What every command shares: library paths, one-line errors and output helpers."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.library import Claim, Library
from reader.models import ArticleMeta, Problem
from reader.sanitize import safe_line

if TYPE_CHECKING:
    from reader.store import Store

EXIT_OK = 0
EXIT_NO_RESULTS = 1
EXIT_USAGE = 2

BRIEF_WAIT = 1.0
"""Seconds to wait for the store when a command only reads it in passing."""


class UsageError(Exception):
    """A mistake on the command line; str() is the one line shown to the user."""


DEFAULT_NAME = "library"
"""The title shown for the default library."""


def default_roots() -> list[Path]:
    """The user's library folder, with the bundled samples beside it until the user removes them.

    The user's folder is always there, so a page saved from the app is listed at once. The
    samples stay when the user adds articles of their own, so what they wrote on them stays
    with them (the app's "Remove the sample articles" command takes them away).
    """
    from reader import samples

    user_library = paths.user_library_dir()
    if samples.removed():
        return [user_library]
    return [user_library, paths.sample_data_dir()]


def resolve_roots(chosen: Sequence[Path]) -> list[Path]:
    """Check the paths a user named; an empty choice means the default library."""
    if not chosen:
        return default_roots()
    roots = []
    for path in chosen:
        path = path.expanduser()
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
        if not (path.is_dir() or path.is_file()):
            raise UsageError(f"not a file or folder: {path}")
        roots.append(path.resolve())
    return roots


def open_library(chosen: Sequence[Path], *, quiet: bool = False) -> Library:
    """Build the library service for the chosen paths (or the default library); its notices
    go to stderr unless `quiet` (the app shows them itself: stderr is hidden under it)."""
    return Library(
        resolve_roots(chosen),
        name=None if chosen else DEFAULT_NAME,
        claims=_stored_claims,
        notify=None if quiet else _say,
    )


def _say(notice: str) -> None:
    print(f"reader: {safe_line(notice)}", file=sys.stderr)


def _stored_claims() -> list[Claim]:
    """The article ids the user's data recorded, so a rebuilt catalog gives them back."""
    from reader.annotations import stored_claims
    from reader.store import Store, StoreError

    if not (paths.data_dir() / "store.json").exists():
        return []  # nothing recorded, and a read-only command must not create the store
    try:
        with Store.open(lock_timeout=1.0) as store:
            return stored_claims(store)
    except (StoreError, OSError):
        return []


def report_problems(problems: Sequence[Problem]) -> None:
    """Tell the user, one line each on stderr, which files could not be read."""
    for problem in problems:
        print(f"reader: {safe_line(problem.path)}: {safe_line(problem.reason)}", file=sys.stderr)


def meta_record(meta: ArticleMeta) -> dict[str, object]:
    """The JSON form of an article's metadata, as `reader list --json` prints it."""
    return {
        "id": meta.id,
        "title": meta.title,
        "date": meta.date.isoformat() if meta.date else None,
        "date_saved": meta.date_saved,
        "place": meta.place,
        "source": meta.source,
        "author": meta.author,
        "url": meta.url,
        "path": meta.path,
        "words": meta.words,
        "minutes": meta.reading_minutes,
        "tags": list(meta.tags),
        "format": meta.format,
    }


def brief_store() -> Store:
    """The user's store for a short read, waiting at most a second for another writer."""
    from reader.store import Store

    return Store.open(lock_timeout=BRIEF_WAIT)


def sync_default_library(*, last: bool = True) -> None:
    """Refresh the default library (changed folders only) and its search index, so saved
    articles show at once. Not the `last` of several syncs soon after one another: the
    list orders are left to that one (see `Library.store_orders`).

    Saving has already succeeded: a busy store or index only delays the index until the
    next `reader index` or app start, and is reported as such.
    """
    from reader.refresh import refresh
    from reader.search.sync import open_index

    with open_library([]) as library:
        library.store_orders = last
        try:
            refreshed = refresh(library, store=brief_store, index=lambda: open_index(library))
            if last:  # the scans before this one left them, and this one may have had none
                library.save_orders()
        except (OSError, sqlite3.Error, ValueError) as error:  # the index cannot be opened
            _later(error)
            return
        if refreshed.index is not None:
            refreshed.index.close()
        if refreshed.store_error is not None:
            _later(refreshed.store_error)
    from reader.native import give_back_memory

    give_back_memory()  # a feeds refresh syncs many times: each writer's peak, not all of them


def _later(error: BaseException) -> None:
    print(f"reader: the search index will catch up later: {safe_line(error)}", file=sys.stderr)
