"""Opening the store file: clear leftovers, repair damage from salvage and backups, migrate."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.files import (
    FileTooLarge,
    NotRegularFile,
    atomic_write,
    link_target,
    read_bytes,
    rename,
    temp_prefix,
)
from reader.store import schema
from reader.store.backups import MAX_BYTES, Backup, Backups
from reader.store.errors import StoreError, StoreTooNew
from reader.store.fileio import (
    Damaged,
    Tables,
    decode,
    encode,
    new_stamp,
    stamp_of,
)
from reader.store.salvage import Salvage, salvage


@dataclass
class Opened:
    """The store's tables as opened, and one-line notices of what was repaired or changed."""

    data: Tables
    notices: list[str] = field(default_factory=list)
    stamp: str | None = None
    """The write token of the file the data was read from as it is (None: repaired, migrated)."""


def open_file(path: Path, backups: Backups) -> Opened:
    """Load the store file, repairing and migrating it as needed (call under the store lock).

    A damaged file is renamed aside, never deleted, and its readable documents are merged
    with the newest good backup. A missing file is restored from the newest good backup.
    Whatever is loaded is written back through the atomic writer when it differs from
    what is on disk.
    """
    remove_leftovers(path)
    backups.remove_leftovers()
    try:
        raw = read_store_bytes(path)
    except FileNotFoundError:
        return _restore_missing(path, backups)
    try:
        data = decode(raw)
    except Damaged as damage:
        return _save(path, _repair(path, raw, str(damage), backups))
    if schema.version_of(data) < schema.CURRENT_VERSION:
        return _save(path, _migrate(data, raw, backups))
    schema.migrate(data)  # raises StoreTooNew for a newer schema
    opened = Opened(data, stamp=stamp_of(raw[:64]))
    try:
        backups.take_on_open(raw, schema.count_records(data))
    except OSError as error:
        opened.notices.append(f"no backup could be taken ({describe(error)}).")
    return opened


def open_read_only(path: Path, why: OSError) -> Opened:
    """Load the store file without writing anything, for a folder that cannot be written."""
    notice = f"{path.parent} cannot be written ({why.strerror or why}): your data is read-only."
    try:
        raw = read_store_bytes(path)
    except FileNotFoundError:
        return Opened(schema.empty(), [notice])
    try:
        return Opened(schema.migrate(decode(raw)), [notice])
    except Damaged as damage:
        raise StoreError(
            f"{path.name} is damaged ({damage}) and cannot be repaired: {notice}"
        ) from None


def read_store_bytes(path: Path) -> bytes:
    """A store file's bytes: only a regular file, of at most MAX_BYTES (StoreError if not)."""
    try:
        return read_bytes(path, MAX_BYTES)
    except FileNotFoundError:
        raise
    except (NotRegularFile, FileTooLarge) as error:
        raise StoreError(
            f"{path} cannot be used as the store: {error.strerror}; move it away "
            f"(backups are kept in {path.parent / 'backups'})"
        ) from None
    except OSError as error:
        raise StoreError(f"cannot read the store: {describe(error)}") from None


def describe(error: OSError) -> str:
    """An OSError as one line: what failed, on which path."""
    where = f"{error.filename}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


def _restore_missing(path: Path, backups: Backups) -> Opened:
    backup, restored = _newest_good_backup(backups)
    if backup is None:
        return Opened(schema.empty())
    count = schema.count_records(restored)
    records = "1 record" if count == 1 else f"{count} records"
    note = (
        f"{path.name} was missing; restored {records} from the backup of "
        f"{backup.label} ({backup.path.name})."
    )
    return _save(path, Opened(restored, [note]))


def has_leftovers(path: Path) -> bool:
    """Whether a crashed write left a temp file beside the store."""
    prefix = temp_prefix(path)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        return any(entry.name.startswith(prefix) for entry in os.scandir(path.parent))
    return False


def remove_leftovers(path: Path) -> None:
    """Delete temp files left by writes that a crash interrupted; none was acknowledged."""
    for where in {path, link_target(path)}:
        prefix = temp_prefix(where)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entry in os.scandir(where.parent):
                if entry.name.startswith(prefix):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _save(path: Path, opened: Opened) -> Opened:
    atomic_write(path, encode(opened.data, new_stamp()))
    return opened


def _migrate(data: Tables, raw: bytes, backups: Backups) -> Opened:
    old = schema.version_of(data)
    kept = backups.take_before_migration(raw, old)
    migrated = schema.migrate(data)
    note = (
        f"Upgraded your saved data from schema {old} to {schema.CURRENT_VERSION}; "
        f"the old file is kept as {kept}."
    )
    return Opened(migrated, [note])


def _repair(path: Path, raw: bytes, reason: str, backups: Backups) -> Opened:
    found = salvage(raw)
    # Migrating first lets a file from a newer reader raise before anything is moved.
    rescued = schema.migrate(found.tables) if found.count else {}
    aside = move_aside(path)
    notices = [f"{path.name} was damaged ({reason}); it is kept as {aside.name}."]
    backup, restored = _newest_good_backup(backups)
    if backup is None:
        data = _merge(rescued, found, {})
        notices.append(_no_backup_notice(found.count - len(found.tables.get(schema.META, {}))))
    else:
        data = _merge(rescued, found, restored)
        notices.append(_restore_notice(found, restored, data, backup))
    if schema.META not in data:
        data[schema.META] = schema.empty()[schema.META]
    return Opened(data, notices)


def move_aside(path: Path) -> Path:
    """Rename a damaged file to `<name>.damaged-<timestamp>` beside it, never overwriting one."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    count = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{count}")
        count += 1
    rename(path, aside)
    return aside


def _newest_good_backup(backups: Backups) -> tuple[Backup | None, Tables]:
    for backup in backups.all():
        try:
            return backup, schema.migrate(decode(read_bytes(backup.path, MAX_BYTES)))
        except (Damaged, OSError, StoreTooNew):
            continue
    return None, {}


def _merge(rescued: Tables, found: Salvage, restored: Tables) -> Tables:
    """Salvaged documents win; a table the damage cut short is completed from the backup.

    Backup documents are added only when neither their UUID nor (for one-per-article
    tables) their article already appears among the salvaged ones.
    """
    data: Tables = {name: dict(docs) for name, docs in rescued.items()}
    for name, docs in restored.items():
        if name not in data:
            data[name] = dict(docs)
        elif name not in found.complete and name != schema.META:
            data[name] = _complete_table(name, data[name], docs)
    return data


def _complete_table(name: str, kept: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    uuids = {doc.get("uuid") for doc in kept.values()}
    articles = {doc.get("article_id") for doc in kept.values()}
    docs = list(kept.values())
    for doc in extra.values():
        if doc.get("uuid") in uuids:
            continue
        if name in schema.PER_ARTICLE and doc.get("article_id") in articles:
            continue  # one-per-article tables: the salvaged record is newer
        docs.append(doc)
    return {str(number): doc for number, doc in enumerate(docs, start=1)}


def _count(data: Tables) -> int:
    return sum(len(docs) for name, docs in data.items() if name != schema.META)


def _no_backup_notice(salvaged: int) -> str:
    if salvaged:
        return f"Recovered {salvaged} records from the damaged file; no backup was found."
    return "Nothing could be read from the damaged file and no backup was found: started empty."


def _restore_notice(found: Salvage, restored: Tables, data: Tables, backup: Backup) -> str:
    rescued = found.count - len(found.tables.get(schema.META, {}))
    from_backup = _count(data) - rescued
    if not from_backup:
        return f"Recovered {rescued} records from the damaged file."
    if not rescued:
        return (
            f"Restored {from_backup} records from the backup of {backup.label}; "
            "changes made after it are lost."
        )
    return (
        f"Recovered {rescued} records from the damaged file and {from_backup} "
        f"from the backup of {backup.label}."
    )
