"""The entry ids each feed has seen, one small file per feed beside the subscriptions file.

Kept out of `feeds.json` because they are most of what a busy subscriptions list holds (500
ids or more a feed): inside it, every feed's refresh read and rewrote every other feed's
ids, and each process held all of them. They are this machine's own (a sync leaves them
out), and a lost file costs only a look at entries that are found saved by their keys.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from reader.feeds.common import normalize_url
from reader.files import atomic_write_text, read_text

SEEN_LIMIT = 16 * 1024 * 1024
"""The largest seen-ids file read; a bigger one (never written by reader) counts as empty."""

SeenChange = Callable[[tuple[str, ...]], tuple[str, ...]]
"""A change to a feed's seen ids: given the ids as they are now, the ids to keep."""


class SeenFiles:
    """The seen-ids files in `folder`, named by a digest of each feed's address."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, url: str) -> Path:
        """The file of the feed at `url` (its address normalised, so any spelling finds it)."""
        key = hashlib.blake2b(normalize_url(url).encode("utf-8"), digest_size=12).hexdigest()
        return self.folder / f"{key}.json"

    def read(self, url: str) -> tuple[str, ...] | None:
        """The feed's seen ids, oldest first; None when it has no readable file."""
        try:
            data = json.loads(read_text(self.path(url), SEEN_LIMIT))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, list):
            return None
        return tuple(str(item) for item in data)

    def write(self, url: str, ids: Iterable[str]) -> None:
        """Replace the feed's seen ids, atomically and durably (OSError if it cannot)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # Escaped to ASCII: an id with a lone surrogate (from a badly encoded feed) is kept.
        atomic_write_text(self.path(url), json.dumps(list(ids)))

    def remove(self, url: str) -> None:
        """Forget the feed's seen ids (nothing to do when it has none)."""
        with contextlib.suppress(OSError):
            self.path(url).unlink()


def legacy_ids(doc: dict[str, object]) -> tuple[str, ...]:
    """The seen ids an older subscriptions file kept inside a feed's own record."""
    value = doc.get("seen")
    return tuple(str(item) for item in value) if isinstance(value, list) else ()
