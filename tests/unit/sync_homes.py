"""Helpers for sync tests: several homes (data dirs) sharing one sync folder."""

from __future__ import annotations

import json
from pathlib import Path

from reader.store import Store
from reader.store.fileio import decode
from reader.sync.engine import data_files
from reader.sync.rules import local_fields, syncs


def store_at(data: Path) -> Store:
    """The store of one home's data dir."""
    return Store.open(data / "store.json")


def shared_view(data: Path) -> dict[str, list[str]]:
    """A home's synced records, without what each machine keeps for itself, sorted.

    Two homes that converged have equal views.
    """
    out: dict[str, list[str]] = {}
    for source, path in data_files(data).items():
        if not path.exists():
            continue
        for table, docs in decode(path.read_bytes()).items():
            if not syncs(source, table):
                continue
            hidden = local_fields(source)
            rows = sorted(
                json.dumps({k: v for k, v in doc.items() if k not in hidden}, sort_keys=True)
                for doc in docs.values()
            )
            if rows:
                out[f"{source}/{table}"] = rows
    return out
