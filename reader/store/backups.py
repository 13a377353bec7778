"""Rotating backups of the store file in a backups/ folder beside it."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader.files import atomic_write, read_bytes

MAX_BYTES = 1024 * 1024 * 1024
"""The largest store file (or backup) read; anything larger is refused, never read."""

KEEP = 5
"""How many rotating backups to keep."""

INTERVAL = 10 * 60.0
"""Seconds between two backups taken after writes (one is also taken on open)."""

_ROTATING = "store-"
_COUNT = re.compile(r"-n([0-9]{1,12})\.json$")
_PRE_MIGRATION = "pre-migration-"


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file and when it was taken."""

    path: Path
    mtime: float

    @property
    def label(self) -> str:
        """When the backup was taken, in local time, for messages."""
        return datetime.fromtimestamp(self.mtime).strftime("%Y-%m-%d %H:%M")


class Backups:
    """The backups of one store file: take, rotate and list them newest first."""

    def __init__(self, store_path: Path, keep: int = KEEP, interval: float = INTERVAL) -> None:
        self.folder = store_path.parent / "backups"
        if store_path.name != "store.json":
            # Each other file keeps its own backups: a restore must never mix two files.
            self.folder = self.folder / store_path.stem
        self.keep = keep
        self.interval = interval
        self._last: float | None = None

    def all(self) -> list[Backup]:
        """Every backup (rotating and pre-migration), newest first."""
        found: list[Backup] = []
        # A backups path that is a file, or unreadable, simply holds no backups.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, PermissionError):
            for entry in os.scandir(self.folder):
                if entry.name.endswith(".json") and entry.is_file():
                    found.append(Backup(Path(entry.path), entry.stat().st_mtime))
        return sorted(found, key=lambda b: (b.mtime, b.path.name), reverse=True)

    def _rotating(self) -> list[Backup]:
        return [b for b in self.all() if b.path.name.startswith(_ROTATING)]

    def take(self, payload: bytes, records: int) -> Path:
        """Write a rotating backup of `payload` (holding `records` records), then rotate.

        The oldest backups beyond `keep` are dropped, except the one holding the most
        records when that is more than this: a store emptied by mistake keeps its data.
        """
        path = self._write(_ROTATING, payload, f"-n{records}")
        rotating = self._rotating()
        richest = max(rotating, key=self.records_in)  # newest first: ties keep the newest
        richer = richest if self.records_in(richest) > records else None
        for old in rotating[self.keep :]:
            if old != richer:
                with contextlib.suppress(OSError):
                    old.path.unlink()
        return path

    def take_on_open(self, payload: bytes, records: int) -> None:
        """Back up the file as found on open, unless the newest backup already holds it."""
        newest = self._rotating()
        self._last = newest[0].mtime if newest else None
        if newest and _same_bytes(newest[0].path, payload):
            return
        self.take(payload, records)

    def take_if_due(self, payload: Callable[[], bytes], records: int) -> None:
        """Back up after a write when the last backup is older than `interval`."""
        if self._last is None or time.time() - self._last >= self.interval:
            self.take(payload(), records)

    def records_in(self, backup: Backup) -> int:
        """How many records a backup holds (-1 if it cannot be read)."""
        found = _COUNT.search(backup.path.name)
        if found:
            return int(found.group(1))
        # Imported here: backups from before counts were kept in names are rare.
        from reader.store.fileio import Damaged, decode
        from reader.store.schema import count_records

        try:
            return count_records(decode(read_bytes(backup.path, MAX_BYTES)))
        except (OSError, Damaged):
            return -1

    def warnings(self, current: int, store: Path) -> list[str]:
        """A line when a backup holds more records than the store's `current`."""
        richest = self.richest()
        if richest is None or richest[1] <= current:
            return []
        backup, count = richest
        return [
            f"the backup of {backup.label} holds {count} records, the store {current}; "
            f"to go back to it, quit reader and copy {backup.path} over {store}"
        ]

    def richest(self) -> tuple[Backup, int] | None:
        """The backup holding the most records, newest first among equals."""
        counted = [(backup, self.records_in(backup)) for backup in self.all()]
        return max(counted, key=lambda pair: pair[1], default=None)

    def take_before_migration(self, payload: bytes, version: int) -> Path:
        """Keep a copy of a file about to be migrated; these are never rotated away."""
        return self._write(f"{_PRE_MIGRATION}v{version}-", payload)

    def _write(self, prefix: str, payload: bytes, suffix: str = "") -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{prefix}{stamp}{suffix}.json"
        atomic_write(path, payload)
        self._last = time.time()
        return path

    def remove_leftovers(self) -> None:
        """Delete temp files of backups interrupted by a crash (call under the store lock)."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, PermissionError):
            for entry in os.scandir(self.folder):
                if entry.name.startswith(".") and ".tmp-" in entry.name:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def _same_bytes(path: Path, payload: bytes) -> bool:
    try:
        return path.stat().st_size == len(payload) and read_bytes(path, MAX_BYTES) == payload
    except OSError:
        return False
