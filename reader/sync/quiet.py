"""A sync with nothing to do, told in a few stats: nothing it reads changed since the last one.

After each full sync, the identity of everything it read is kept in the data dir: each data
file's (inode, size, mtime, ctime) and write token as the sync last read or wrote it, each
machine's log's (inode, size, mtime, ctime) as it was opened, the state file's as saved.
The next sync compares them with the files as they are now; if every one matches (and no
machine came or went), merging again would change nothing and send nothing, so it is
skipped. Any write, append, copy or replace changes an identity, and a missing or
unreadable record of them only means a full sync.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson

from reader.files import atomic_write, read_bytes
from reader.store.storage import identity_now
from reader.sync import journal
from reader.sync.state import STATE_FILE

QUIET_FILE = "last-sync.json"
QUIET_LIMIT = 1 << 20

Identity = list[Any] | None


def data_identity(path: Path) -> Identity:
    """A data file's signature and write token now, as the store's storage knows them."""
    try:
        return known_identity(*identity_now(path))
    except OSError:
        return ["unreadable"]  # never equal to a remembered identity: a full sync says why


def known_identity(signature: tuple[int, ...] | None, stamp: str | None) -> Identity:
    """The identity `data_identity` gives for a file last read or written with these."""
    return None if signature is None else [*signature, stamp]


def file_identity(path: Path) -> Identity:
    """A log's or the state file's identity now (None when it is missing)."""
    try:
        return journal.identity_of(os.stat(path))
    except FileNotFoundError:
        return None
    except OSError:
        return ["unreadable"]


def log_identities(folder: Path, machines: str) -> dict[str, Identity] | None:
    """Each machine's log identity now, as `read_logs` would meet them; None if unlistable."""
    try:
        names = os.listdir(folder / machines)
    except OSError:
        return None
    return {
        name: file_identity(folder / machines / name / journal.LOG_NAME)
        for name in names
        if not name.startswith(".")
    }


def remember(home: Path, value: dict[str, Any]) -> None:
    """Keep what the sync just read and wrote, with the state file's identity as saved."""
    value = {**value, "state": file_identity(home / STATE_FILE)}
    # Derived data: losing it (a power cut) only means the next sync runs in full.
    with contextlib.suppress(OSError):
        atomic_write(home / QUIET_FILE, orjson.dumps(value), durable=False)


def forget(home: Path) -> None:
    """Make the next sync run in full."""
    with contextlib.suppress(OSError):
        os.unlink(home / QUIET_FILE)


def previous(home: Path) -> dict[str, Any] | None:
    """What the last sync remembered (None when missing or damaged)."""
    try:
        value = orjson.loads(read_bytes(home / QUIET_FILE, QUIET_LIMIT))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _same_state(last: dict[str, Any], home: Path) -> bool:
    return last.get("state") is not None and last.get("state") == file_identity(home / STATE_FILE)


def unchanged(
    last: dict[str, Any],
    home: Path,
    folder: Path,
    machine: str,
    machines: str,
    files: dict[str, Path],
) -> bool:
    """Whether nothing a sync reads has changed since the last one."""
    if last.get("folder") != str(folder) or last.get("machine") != machine:
        return False
    if not _same_state(last, home) or not isinstance(last.get("logs"), dict):
        return False
    if last.get("files") != {name: data_identity(path) for name, path in files.items()}:
        return False
    return bool(last.get("logs") == log_identities(folder, machines))


def settled(last: dict[str, Any] | None, home: Path) -> dict[str, Identity]:
    """Per data file the last sync left exactly as its snapshot says: its identity then.

    Only while the state file holding that snapshot is the one that sync saved; a file
    found with this identity again has no change to find.
    """
    if last is None or not _same_state(last, home):
        return {}
    files, calm = last.get("files"), last.get("settled")
    if not isinstance(files, dict) or not isinstance(calm, list):
        return {}
    return {name: files[name] for name in calm if name in files and files[name] is not None}
