"""Article ids that survive renames, moves and light edits (DESIGN.md section 4).

Rules, applied per scan:

1. A file at a known path keeps its id, whatever its content now is (an edit).
2. A new path whose content hash equals that of a path gone in the same scan takes
   over the gone article's id (a rename or move).
3. A new path whose title and date match exactly one gone article takes over its id
   (a move plus an edit).
4. Otherwise the id is the content hash; when another live article already has that
   id (a duplicate file), a distinct id is derived from the hash and the file's path
   relative to its root, so the same library always gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

ID_LENGTH = 16
"""Ids are this many lowercase hex digits."""

TitleDate = tuple[str, str | None]


@dataclass(slots=True)
class Gone:
    """An article whose path disappeared in this scan, until a new path claims it."""

    path: str
    id: str
    claimed: bool = False


class Identities:
    """Hands out ids for one scan, given the live ids and the articles that went away."""

    def __init__(
        self,
        live_ids: Iterable[str],
        gone: Iterable[tuple[str, str, str, str, str | None]],
    ) -> None:
        self._used = set(live_ids)
        self._by_hash: dict[str, list[Gone]] = {}
        self._by_title: dict[TitleDate, list[Gone]] = {}
        self.gone: list[Gone] = []
        for path, id_, content_hash, title, day in gone:
            entry = Gone(path, id_)
            self.gone.append(entry)
            self._by_hash.setdefault(content_hash, []).append(entry)
            self._by_title.setdefault((title, day), []).append(entry)

    def by_content(self, content_hash: str) -> str | None:
        """Rule 2: the id of an unclaimed gone article with this content, now claimed."""
        for entry in self._by_hash.get(content_hash, ()):
            if not entry.claimed:
                entry.claimed = True
                return entry.id
        return None

    def may_match_title(self, title: str, day: str | None) -> bool:
        """Whether rule 3 could still apply (decided once every new file is hashed)."""
        return any(not entry.claimed for entry in self._by_title.get((title, day), ()))

    def by_title(self, title: str, day: str | None) -> str | None:
        """Rule 3: the id of the one unclaimed gone article with this title and date."""
        candidates = [e for e in self._by_title.get((title, day), ()) if not e.claimed]
        if len(candidates) != 1:
            return None
        candidates[0].claimed = True
        return candidates[0].id

    def fresh(self, content_hash: str, relative_path: str) -> str:
        """Rule 4: the content hash, or a derived id when that one is taken."""
        candidate = content_hash
        attempt = 0
        while candidate in self._used:
            seed = f"{content_hash}\0{relative_path}\0{attempt}"
            candidate = hashlib.sha256(seed.encode("utf-8", "surrogateescape")).hexdigest()
            candidate = candidate[:ID_LENGTH]
            attempt += 1
        self._used.add(candidate)
        return candidate

    def unclaimed(self) -> list[str]:
        """Paths of gone articles no new path took over: they are removed."""
        return [entry.path for entry in self.gone if not entry.claimed]
