"""Checking the index's files before reading them: a file cut short under a map is fatal.

tantivy maps its segment files into memory. When another program truncates one while
it is mapped, the next read of the lost part kills the process with SIGBUS, which no
exception handler can catch. Segment files never change once written, so a file that
is smaller than when it was first seen, a segment that `meta.json` lists but whose files
are gone, or a missing `meta.json` (the folder deleted) means the index must not be read
again: it is dropped and rebuilt instead. The one file of a live segment that may go is
its delete file (`ID.OPSTAMP.del`): each commit that deletes from the segment writes a
new one, and the old one is collected.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ATTEMPTS = 5
"""Listings taken at most, looking for one during which meta.json stayed the same: the last
one taken is judged in any case."""
SEGMENT_ID_LENGTH = 32
"""Segment files are named by a 32-digit hex id and a suffix (`.idx`, `.store`, ...)."""


class FileGuard:
    """Remembers the size of every segment file seen; `sound` says whether reading is safe."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._sizes: dict[str, int] = {}
        self._meta: tuple[tuple[int, int, int], set[str], set[str]] | None = None
        if directory is not None:
            self.sound()

    def sound(self) -> bool:
        """False when a segment file shrank or went missing, or meta.json is gone or bad."""
        if self._directory is None:
            return True
        meta_file = self._directory / "meta.json"
        # The writer's background merges replace meta.json and then delete the merged
        # segments' files: a listing taken across such a change would find files of the
        # segments meta.json listed gone. Only a listing during which meta.json stayed the
        # same tells of damage.
        for _ in range(ATTEMPTS):
            try:
                segments, deletes = self._segments(meta_file)
                listing = _sizes(self._directory)
                steady = _stamp(meta_file) == self.meta_stamp
            except (OSError, ValueError, TypeError, AttributeError, KeyError):
                return False
            if steady:
                break
        return self._matches(listing, segments, deletes)

    def _matches(self, listing: dict[str, int], segments: set[str], deletes: set[str]) -> bool:
        """Whether the folder's files are whole for the segments meta.json lists."""
        present: set[str] = set()
        for name, size in listing.items():
            stem = name.split(".", 1)[0]
            if len(stem) != SEGMENT_ID_LENGTH:
                continue
            present.add(stem)
            seen = self._sizes.get(name)
            if seen is not None and size < seen:
                return False
            self._sizes[name] = size
        # Files of merged-away segments go, and delete files a newer one replaced; the
        # other files of live segments must all be there.
        vanished = [
            name
            for name in self._sizes
            if name.split(".", 1)[0] in segments
            and name not in listing
            and (name in deletes or not name.endswith(".del"))
        ]
        return segments <= present and not vanished

    def _segments(self, meta_file: Path) -> tuple[set[str], set[str]]:
        """meta.json's segments and their current delete files, parsed again only when
        the file changed."""
        stamp = _stamp(meta_file)
        if self._meta is None or self._meta[0] != stamp:
            self._meta = (stamp, *_live_segments(meta_file))
        return self._meta[1], self._meta[2]

    @property
    def meta_stamp(self) -> tuple[int, int, int] | None:
        """(inode, mtime_ns, size) of meta.json when last checked: it changes with every
        commit (the writer replaces the file)."""
        return self._meta[0] if self._meta is not None else None

    def forget(self) -> None:
        """Start afresh (after the index was rebuilt)."""
        self._sizes.clear()
        self._meta = None
        self.sound()


def _sizes(directory: Path) -> dict[str, int]:
    """Each file's size; a file deleted while the folder is read (a merged-away segment's)
    is left out, as a listing a moment later would."""
    sizes: dict[str, int] = {}
    with os.scandir(directory) as entries:
        for entry in entries:
            try:
                sizes[entry.name] = entry.stat().st_size
            except FileNotFoundError:
                continue
    return sizes


def _stamp(meta_file: Path) -> tuple[int, int, int]:
    info = meta_file.stat()
    return info.st_ino, info.st_mtime_ns, info.st_size


def _live_segments(meta_file: Path) -> tuple[set[str], set[str]]:
    """The ids of the segments meta.json lists, as they appear in file names, and the
    names of their current delete files."""
    meta = json.loads(meta_file.read_bytes())
    segments: set[str] = set()
    deletes: set[str] = set()
    for segment in meta["segments"]:
        stem = str(segment["segment_id"]).replace("-", "")
        segments.add(stem)
        if segment.get("deletes"):
            deletes.add(f"{stem}.{segment['deletes']['opstamp']}.del")
    return segments, deletes
