"""This machine's own sync state in the data dir: its id, its clock and the snapshot.

The snapshot is derived data: when its file is missing or damaged it is rebuilt from this
machine's own log in the sync folder, so a lost state file never loses a change.
"""

from __future__ import annotations

import json
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.files import atomic_write, atomic_write_text, read_bytes, read_text
from reader.sync.changes import Snapshot
from reader.sync.clock import Stamp, stamp_of

STATE_LIMIT = 1 << 30
MACHINE_FILE = "machine-id"
STATE_FILE = "state.json"


def machine_id(folder: Path) -> str:
    """This machine's id, made once (12 hex digits) and kept in the data dir.

    The id is kept with where it was made (host name, the folder's device and inode): a data
    dir copied whole to another machine, or to another place, makes itself a new id there,
    so two machines never write one log.
    """
    path = folder / MACHINE_FILE
    folder.mkdir(parents=True, exist_ok=True)
    here = _whereabouts(folder)
    try:
        lines = read_text(path, 1024).split("\n")
    except (OSError, UnicodeDecodeError):
        lines = []
    text = lines[0].strip() if lines else ""
    if len(text) == 12 and all(c in "0123456789abcdef" for c in text):
        if len(lines) > 1 and lines[1].strip() == here:
            return text
        if len(lines) < 2 or not lines[1].strip():  # written before ids said where they were made
            atomic_write_text(path, f"{text}\n{here}\n")
            return text
    made = uuid.uuid4().hex[:12]
    atomic_write_text(path, f"{made}\n{here}\n")
    return made


def _whereabouts(folder: Path) -> str:
    """Where a data dir lives: the host's name and the folder's device and inode."""
    status = folder.stat()
    return f"{machine_name()} {status.st_dev}:{status.st_ino}"


def machine_name() -> str:
    """A name people recognise the machine by (its host name)."""
    try:
        return socket.gethostname()[:64] or "unknown"
    except OSError:
        return "unknown"


@dataclass
class State:
    """What this machine remembers between syncs."""

    folder: str = ""
    """The sync folder the snapshot was taken against (another folder starts afresh)."""
    clock: Stamp | None = None
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    """Per source file, what was last exported or taken in; None-like when rebuilt."""
    own_entries: int = 0
    """How many entries this machine's log held after the last sync."""
    logs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per machine: how far its log was read ("size", "crc") and when ("at")."""
    records: dict[str, Any] = field(default_factory=dict)
    """Every record merged so far, in its compact form (see crdt.Merged)."""
    damaged: bool = False


def load(folder: Path) -> State:
    """The saved state; an empty one flagged `damaged` when the file is unreadable."""
    path = folder / STATE_FILE
    try:
        raw = orjson.loads(read_bytes(path, STATE_LIMIT))
    except FileNotFoundError:
        return State(damaged=True)
    except (OSError, ValueError, RecursionError):
        return State(damaged=True)
    try:
        snapshots, logs, records = raw["snapshots"], raw["logs"], raw["records"]
        if not all(isinstance(v, dict) for v in (snapshots, logs, records)):
            raise TypeError
        for log in logs.values():
            if not (isinstance(log["size"], int) and isinstance(log["crc"], int)):
                raise TypeError
        return State(
            folder=str(raw["folder"]),
            clock=stamp_of(raw.get("clock")),
            snapshots=snapshots,
            own_entries=int(raw.get("own_entries") or 0),
            logs=logs,
            records=records,
        )
    except (KeyError, TypeError, ValueError):
        return State(damaged=True)


def save(folder: Path, state: State) -> None:
    """Write the state atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "folder": state.folder,
        "clock": list(state.clock) if state.clock else None,
        "own_entries": state.own_entries,
        "logs": state.logs,
        "snapshots": state.snapshots,
        "records": state.records,
    }
    try:
        body = orjson.dumps(data)
    except TypeError:  # text orjson refuses: the standard library takes anything
        body = json.dumps(data, separators=(",", ":")).encode("ascii")
    # Derived data: a power cut that brings back an older state only means changes are
    # sent or read again, which merging twice leaves as they are; so no fsync.
    atomic_write(folder / STATE_FILE, body, durable=False)
