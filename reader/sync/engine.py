"""One sync: export this machine's changes to its log, merge every log, apply to the store.

    folder/machines/<machine id>/changes.log    this machine's changes (only it writes here)
    folder/machines/<machine id>/machine.json   its name and when it last synced

The whole run holds a lock in the data dir (one sync at a time per machine); each data
file (the store, the subscriptions) is diffed, logged and rewritten in one transaction
under its own lock, so a write made meanwhile by the app is either in the diff or after
the merge, never overwritten.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader import collector, paths
from reader.files import atomic_write
from reader.store.backups import Backups
from reader.store.errors import StoreError, StoreLocked
from reader.store.lock import DEFAULT_TIMEOUT, FileLock
from reader.store.storage import FileStorage
from reader.sync import journal, quiet
from reader.sync.changes import Snapshot, apply, local_changes
from reader.sync.clock import Clock, Stamp, wall_ms
from reader.sync.crdt import Entry, Merged, compacted
from reader.sync.rules import FEEDS, SOURCES, TEXT_FIELDS
from reader.sync.state import State, load, machine_id, machine_name, save

MACHINES = "machines"
INFO_NAME = "machine.json"
INFO_LIMIT = 64 * 1024
COMPACT_SLACK = 64
"""Own log entries beyond twice the records they describe before the log is compacted."""


class SyncError(StoreError):
    """A sync could not run; the message is one line fit for a user. Nothing was lost."""


@dataclass
class SyncReport:
    """What one sync did."""

    machine: str
    sent: int = 0
    """Changes of this machine written to its log."""
    changed: int = 0
    """Records of this machine's data changed by other machines' changes."""
    machines: int = 0
    """Other machines whose logs were read."""
    skipped: int = 0
    """Damaged or half-copied log lines left for a later sync."""


def data_files(data: Path) -> dict[str, Path]:
    """The data-dir file of each source."""
    return {"store": data / "store.json", FEEDS: data / "feeds.json"}


def sync(
    folder: Path,
    *,
    data: Path | None = None,
    wall: Callable[[], int] = wall_ms,
    lock_timeout: float = DEFAULT_TIMEOUT,
) -> SyncReport:
    """Exchange changes with the other machines through `folder`; SyncError says why not."""
    folder = checked_folder(folder)
    data = data or paths.data_dir()
    home = data / "sync"
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(home / "sync.lock", lock_timeout)
    except OSError as error:
        raise SyncError(f"cannot keep sync state in {home}: {_reason(error)}") from None
    try:
        lock.acquire()
    except StoreLocked as error:
        who = f" (pid {error.pid})" if error.pid else ""
        raise SyncError(f"another sync of this machine is running{who}; try again") from None
    try:
        # A sync of 10,000 changes makes hundreds of thousands of small dicts, none in a
        # cycle: the collector's passes over them cost a third of its time.
        with collector.paused():
            return _run(folder, data, home, wall, lock_timeout)
    finally:
        lock.release()


def checked_folder(folder: Path) -> Path:
    """The sync folder, absolute; SyncError when it is missing or not a folder."""
    folder = folder.expanduser().absolute()
    if not folder.exists():
        raise SyncError(f"the sync folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise SyncError(f"the sync folder {folder} is not a folder")
    return folder


def _run(
    folder: Path, data: Path, home: Path, wall: Callable[[], int], lock_timeout: float
) -> SyncReport:
    machine = machine_id(home)
    own_dir = folder / MACHINES / machine
    files = data_files(data)
    last = quiet.previous(home)
    if last is not None and quiet.unchanged(last, home, folder, machine, MACHINES, files):
        # Nothing changed since the last sync: only say this machine was here.
        _write_info(own_dir, machine, int(last.get("entries") or 0))
        others = max(len(last["logs"]) - 1, 0)
        return SyncReport(machine, machines=others, skipped=int(last.get("skipped") or 0))
    _write_info(own_dir, machine, None)  # first, so a read-only folder stops us before anything
    # Data files the last sync left settled (their snapshot is exactly them), if the
    # state file holding that snapshot is the one it saved.
    settled = quiet.settled(last, home)
    saved = load(home)
    if saved.folder != str(folder):
        saved = State(clock=saved.clock, damaged=True)  # another folder: start afresh there
    logs = read_logs(folder, saved.logs)
    own = logs.get(machine, journal.LogRead())
    clock = Clock(machine, saved.clock, wall)
    merged = Merged(saved.records)
    report = SyncReport(machine, machines=len(logs.keys() - {machine}))
    for log in logs.values():
        report.skipped += log.skipped
        for stamp, entry in log.entries:
            merged.take(stamp, entry)
    if merged.latest is not None:
        clock.see(merged.latest)
    snapshots = saved.snapshots
    if saved.damaged or own.full:
        # The state file, or this machine's own log, is not what the last sync left:
        # take what the log says was exported, and send again whatever differs from it.
        own = journal.read(own_dir / journal.LOG_NAME)
        snapshots = _rebuilt(own.entries)
        settled = {}
    own_count = len(own.entries) + (0 if own.full else saved.own_entries)
    new_snapshots: dict[str, Snapshot] = {}
    identities: dict[str, quiet.Identity] = {}
    calm: list[str] = []
    for source, path in files.items():
        snapshot, known = snapshots.get(source, {}), settled.get(source)
        sent, changed, new_snapshots[source], identities[source], held = _exchange(
            source, path, lock_timeout, (snapshot, known), merged, clock, own_dir
        )
        if not held:
            calm.append(source)
        report.sent += sent
        report.changed += changed
    own_count += report.sent
    records = merged.to_save(TEXT_FIELDS)
    log_path = own_dir / journal.LOG_NAME
    if own_count > 2 * sum(_count(records)) + COMPACT_SLACK:
        own_count = _compact(log_path)
    at = _now()
    positions = {
        name: {"size": log.consumed, "crc": log.crc, "at": at} for name, log in logs.items()
    }
    size, crc, own_identity = journal.position(log_path)
    positions[machine] = {"size": size, "crc": crc, "at": at}
    save(home, State(str(folder), clock.last, new_snapshots, own_count, positions, records))
    _write_info(own_dir, machine, own_count)
    read = {name: log.identity for name, log in logs.items()}
    read[machine] = own_identity
    quiet.remember(
        home,
        {"folder": str(folder), "machine": machine, "entries": own_count}
        | {"skipped": report.skipped, "settled": calm}
        | {"files": identities, "logs": read},
    )
    return report


def _count(records: dict[str, Any]) -> list[int]:
    return [len(keys) for tables in records.values() for keys in tables.values()]


def _exchange(
    source: str,
    path: Path,
    lock_timeout: float,
    known: tuple[Snapshot, quiet.Identity],
    merged: Merged,
    clock: Clock,
    own_dir: Path,
) -> tuple[int, int, Snapshot, quiet.Identity, int]:
    """Log this file's local changes and merge everything into it, in one transaction.

    `known` is the snapshot, and the file's identity when the last sync left the file
    exactly as the snapshot says (None otherwise).
    """
    snapshot, settled = known
    storage = _storage(source, path, lock_timeout)
    try:
        with storage.transaction():
            tables = storage.read()
            if settled is not None and quiet.known_identity(*storage.identity()) == settled:
                local = []  # not written since the last sync: no change to find
            else:
                local = local_changes(source, tables, snapshot, clock.tick)
            _append(own_dir / journal.LOG_NAME, local)
            for item in local:
                merged.take((item["h"][0], item["h"][1], item["h"][2]), item)
            new_tables, new_snapshot, count, held = apply(
                source, tables, merged.changed(source), snapshot
            )
            if count:
                storage.write(new_tables)
        # As this sync left the file: a write by anyone after it makes the next sync full.
        identity = quiet.known_identity(*storage.identity())
    finally:
        storage.close()
    return len(local), count, new_snapshot, identity, held


def _rebuilt(entries: list[tuple[Stamp, Entry]]) -> dict[str, Snapshot]:
    """The snapshot as this machine's own log says it exported it (the state file was lost)."""
    own = Merged()
    for stamp, entry in entries:
        own.take(stamp, entry)
    return {source: apply(source, {}, own.changed(source), {})[1] for source in SOURCES}


def _compact(path: Path) -> int:
    """Rewrite the own log without the entries later ones made redundant."""
    own = Merged()
    entries = journal.read(path).entries
    for stamp, entry in entries:
        own.take(stamp, entry)
    kept = compacted(own.records, TEXT_FIELDS)
    try:
        journal.rewrite(path, kept)
    except OSError:
        return len(entries)  # compaction is only tidying: the full log is still there
    return len(kept)


def read_logs(folder: Path, known: dict[str, dict[str, Any]]) -> dict[str, journal.LogRead]:
    """Every machine's log in the folder from where it was last read, by machine id."""
    logs: dict[str, journal.LogRead] = {}
    try:
        names = sorted(os.listdir(folder / MACHINES))
    except OSError:
        return logs
    for name in names:
        if name.startswith("."):
            continue  # a sync tool's temp folder, or ours mid-rename
        position = known.get(name)
        start = (position["size"], position["crc"]) if position else None
        try:
            logs[name] = journal.read(folder / MACHINES / name / journal.LOG_NAME, start)
        except OSError:
            logs[name] = journal.LogRead(skipped=1)
    return logs


def _append(path: Path, entries: list[Entry]) -> None:
    try:
        journal.append(path, entries)
    except OSError as error:
        raise SyncError(f"cannot write to the sync folder: {_reason(error)}") from None


def _write_info(own_dir: Path, machine: str, entries: int | None) -> None:
    """This machine's name and last sync time, read by `reader sync --status` elsewhere."""
    info: dict[str, object] = {"id": machine, "name": machine_name()}
    if entries is not None:
        info.update(synced=_now(), entries=entries)
    else:
        info.update(previous_info(own_dir))
        info.update(id=machine, name=machine_name())
    try:
        own_dir.mkdir(parents=True, exist_ok=True)
        # Only what --status shows elsewhere: not worth a flush to disk.
        atomic_write(own_dir / INFO_NAME, json.dumps(info).encode(), mode=0o644, durable=False)
    except OSError as error:
        where = own_dir.parents[1]
        raise SyncError(f"cannot write to the sync folder {where}: {_reason(error)}") from None


def previous_info(own_dir: Path) -> dict[str, object]:
    """A machine's machine.json as last written (empty when missing or damaged)."""
    try:
        with open(own_dir / INFO_NAME, "rb") as handle:
            value = json.loads(handle.read(INFO_LIMIT))
    except (OSError, ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _storage(source: str, path: Path, lock_timeout: float) -> FileStorage:
    backups = Backups(path)
    if source == FEEDS:
        # Beside the store's backups, never among them, as the subscriptions keep them.
        backups.folder = path.parent / "backups" / path.stem
    return FileStorage(path, lock_timeout=lock_timeout, backups=backups)


def _reason(error: OSError) -> str:
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "it is read-only"
    return error.strerror or str(error)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class MachineStatus:
    """One machine seen in the sync folder."""

    id: str
    name: str
    synced: str
    """When it last synced (its own word), or "" if never."""
    entries: int
    merged: str
    """When this machine last read its log, or "" if never."""
    waiting: bool
    """Whether its log changed since this machine last merged it."""


@dataclass
class SyncStatus:
    """`reader sync --status`: this machine, the others, and what waits to be synced."""

    folder: Path
    machine: str
    pending: int
    """Changes made here since the last sync."""
    machines: list[MachineStatus] = field(default_factory=list)


def sync_status(folder: Path, *, data: Path | None = None) -> SyncStatus:
    """What a sync would find, without changing anything."""
    folder = checked_folder(folder)
    data = data or paths.data_dir()
    home = data / "sync"
    machine = machine_id(home)
    saved = load(home)
    logs = read_logs(folder, {})
    pending = 0
    for source, path in data_files(data).items():
        storage = _storage(source, path, DEFAULT_TIMEOUT)
        try:
            with storage.fresh():
                tables = storage.read()
                known = {} if saved.damaged else saved.snapshots.get(source, {})
                pending += len(local_changes(source, tables, known, lambda: (0, 0, machine)))
        finally:
            storage.close()
    status = SyncStatus(folder, machine, pending)
    for name, log in logs.items():
        info = previous_info(folder / MACHINES / name)
        seen = saved.logs.get(name) or {}
        status.machines.append(
            MachineStatus(
                id=name,
                name=str(info.get("name") or "?"),
                synced=str(info.get("synced") or ""),
                entries=len(log.entries),
                merged=str(seen.get("at") or "") if name != machine else "",
                waiting=name != machine and seen.get("size", 0) != log.consumed,
            )
        )
    return status
