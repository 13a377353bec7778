"""The `doctor` command: check and repair the store, the catalog and the search index."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sqlite3
from typing import TYPE_CHECKING, Any

from reader.annotations import annotated_articles
from reader.cli import userdata
from reader.cli.common import EXIT_NO_RESULTS, EXIT_OK, open_library
from reader.library import Library
from reader.models import ScanResult
from reader.refresh import Refreshed, refresh
from reader.sanitize import safe_line
from reader.store import Store, StoreError, StoreLocked

if TYPE_CHECKING:
    from reader.search.index import SearchIndex

UNHEALTHY = EXIT_NO_RESULTS
"""Exit code when something could not be repaired."""

NOT_IN_USE = "not in use"


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `doctor` to the command parser."""
    doctor = commands.add_parser(
        "doctor", parents=[common], help="check and repair your data, the catalog and the index"
    )
    doctor.set_defaults(handler=command_doctor)


def command_doctor(args: argparse.Namespace) -> int:
    """Open everything reader keeps, repairing what it can, and say what was done."""
    store = _check_store()
    healthy = store is not None
    try:
        with open_library(args.library) as library:
            healthy = _check(library, store) and healthy
    except (sqlite3.Error, OSError) as error:
        print(f"catalog: cannot be opened ({safe_line(error)})")
        healthy = False
    finally:
        if store is not None:
            store.close()
    print("All good." if healthy else "Some problems could not be repaired (see above).")
    return EXIT_OK if healthy else UNHEALTHY


def _check(library: Library, store: Store | None) -> bool:
    """Check the catalog, then refresh everything in full and report on each part."""
    damaged = _catalog_damage(library)
    opened: list[SearchIndex | str] = []

    def index() -> SearchIndex | None:
        opened.append(_open_index(library))
        found = opened[0]
        # Without the store the notes it indexes are unknown: a sync would drop them.
        return None if isinstance(found, str) or store is None else found

    refreshed = refresh(library, store=store, index=index, full=True)
    healthy = _report_catalog(library, refreshed.scan, damaged)
    if store is not None:
        healthy = _report_links(library, store, refreshed) and healthy
    found = opened[0]
    if isinstance(found, str):
        print(f"index: {found}")
        return healthy and found == NOT_IN_USE
    _report_index(found)
    found.close()
    return healthy


def _check_store() -> Store | None:
    try:
        store = Store.open(lock_timeout=userdata.LOCK_TIMEOUT)
    except StoreLocked:
        raise  # one line from main: another instance is writing, nothing to repair
    except StoreError as error:
        print(f"store: cannot be opened: {safe_line(error)}")
        return None
    userdata.report_notices(store)
    data = store.export_all()
    count = sum(len(v) for v in data.values() if isinstance(v, list))
    state = "repaired" if store.notices else "ok"
    print(f"store: {state}, {_count(count, 'record')} in {safe_line(store.path)}")
    for warning in store.backup_warnings():
        print(f"store: {safe_line(warning)}")
    return store


def _catalog_damage(library: Library) -> str | None:
    """What was wrong with the catalog file before the scan (it is rebuilt), or None."""
    if library.catalog_rebuilt:
        return "was damaged or outdated, rebuilt from the files"
    if not library.check():
        return "was damaged (SQLite quick_check failed), rebuilt from the files"
    return None


def _report_catalog(library: Library, result: ScanResult | None, damaged: str | None) -> bool:
    if damaged:
        print(f"catalog: {damaged}")
    if library.notice:
        print(f"catalog: {safe_line(library.notice)}")
        return False
    assert result is not None  # a full scan always reports
    unreadable = f", {_count(len(result.problems), 'file')} unreadable" if result.problems else ""
    where = safe_line(library.catalog_path)
    print(f"catalog: ok, {_count(result.total, 'article')}{unreadable} ({where})")
    return True


def _open_index(library: Library) -> SearchIndex | str:
    """The library's index, or what to say when search is not in use or it cannot be opened."""
    if importlib.util.find_spec("reader.search.sync") is None:
        return NOT_IN_USE
    sync: Any = importlib.import_module("reader.search.sync")
    try:
        index: SearchIndex = sync.open_index(library)
    except Exception as error:  # any failure of the engine is reported, not raised
        return f"cannot be opened ({safe_line(error)})"
    return index


def _report_index(index: SearchIndex) -> None:
    if index.notice:
        print(f"index: {safe_line(index.notice)}")
    state = "rebuilt" if index.rebuilt else "ok"
    print(f"index: {state}, {_count(index.count(), 'article')} indexed")


def _report_links(library: Library, store: Store, refreshed: Refreshed) -> bool:
    if refreshed.relink_error is not None:
        print(f"annotations: cannot be re-linked: {safe_line(refreshed.relink_error)}")
        return False
    if refreshed.relinked:
        print(f"annotations: {refreshed.relinked} records re-linked to moved or edited articles")
    gone = [item for item in annotated_articles(library, store) if item.orphaned]
    if gone:
        print(f"annotations: {len(gone)} annotated articles are not in this library (kept)")
    else:
        print("annotations: ok, every annotated article is in the library")
    return True


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
