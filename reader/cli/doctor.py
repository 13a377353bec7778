"""The `doctor` command: check and repair the store, the catalog and the search index."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sqlite3
from typing import Any

from reader.annotations import annotated_articles, relink_annotations, user_texts
from reader.cli import userdata
from reader.cli.common import EXIT_NO_RESULTS, EXIT_OK, open_library
from reader.library import Library
from reader.sanitize import safe_line
from reader.store import Store, StoreError, StoreLocked

UNHEALTHY = EXIT_NO_RESULTS
"""Exit code when something could not be repaired."""


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
            healthy = _check_catalog(library) and healthy
            if store is not None:
                _check_links(library, store)
            healthy = _check_index(library, store) and healthy
    except (sqlite3.Error, OSError) as error:
        print(f"catalog: cannot be opened ({safe_line(error)})")
        healthy = False
    finally:
        if store is not None:
            store.close()
    print("All good." if healthy else "Some problems could not be repaired (see above).")
    return EXIT_OK if healthy else UNHEALTHY


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


def _check_catalog(library: Library) -> bool:
    if library.catalog_rebuilt:
        print("catalog: was damaged or outdated, rebuilt from the files")
    elif not library.check():
        print("catalog: was damaged (SQLite quick_check failed), rebuilt from the files")
    result = library.scan()
    if library.notice:
        print(f"catalog: {safe_line(library.notice)}")
        return False
    unreadable = f", {_count(len(result.problems), 'file')} unreadable" if result.problems else ""
    where = safe_line(library.catalog_path)
    print(f"catalog: ok, {_count(result.total, 'article')}{unreadable} ({where})")
    return True


def _check_index(library: Library, store: Store | None) -> bool:
    if importlib.util.find_spec("reader.search.sync") is None:
        print("index: not in use")
        return True
    sync: Any = importlib.import_module("reader.search.sync")
    try:
        index = sync.open_index(library)
    except Exception as error:  # any failure of the engine is reported, not raised
        print(f"index: cannot be opened ({safe_line(error)})")
        return False
    with index:
        if index.notice:
            print(f"index: {safe_line(index.notice)}")
        # Without the store the notes it indexes are unknown: a sync would drop them.
        if store is not None and not index.read_only:
            sync.sync_index(library, index, user_texts=user_texts(store))
        state = "rebuilt" if index.rebuilt else "ok"
        print(f"index: {state}, {_count(index.count(), 'article')} indexed")
    return True


def _check_links(library: Library, store: Store) -> None:
    relinked = relink_annotations(library, store)
    if relinked:
        print(f"annotations: {relinked} records re-linked to moved or edited articles")
    gone = [item for item in annotated_articles(library, store) if item.orphaned]
    if gone:
        print(f"annotations: {len(gone)} annotated articles are not in this library (kept)")
    else:
        print("annotations: ok, every annotated article is in the library")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
