"""Article ids that survive renames, moves and light edits (DESIGN.md section 4).

Rules, applied per scan:

1. A file at a known path keeps its id, whatever its content now is (an edit).
2. A new path whose content hash equals that of a path gone in the same scan takes
   over the gone article's id (a rename or move).
3. A new path whose title and date match exactly one gone article takes over its id
   (a move plus an edit).
4. Otherwise the id is derived from the content hash and the file's path relative to
   its library folder (`natural_id`): two files with one body (a page saved twice, a
   copy, one entry in two feeds) are two articles, the same library always gives the
   same ids wherever it is (another machine), and no id depends on which file was read
   first. Should that id be taken already, a further one is derived from it.

Before all of these, a new path takes back the id the user's data recorded for it
(`Claim`, kept in the store): after the cache is deleted every file gets its own id
again, whichever order the files are read in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

ID_LENGTH = 16
"""Ids are this many lowercase hex digits."""

TitleDate = tuple[str, str | None]


def natural_id(content_hash: str, key: str) -> str:
    """The id a file gets when nothing else claims it: from its body and its relative path."""
    return _digest(f"{content_hash}\0{key}")


def _digest(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8", "surrogateescape")).hexdigest()[:ID_LENGTH]


@dataclass(frozen=True, slots=True)
class Claim:
    """An id recorded for a file: its absolute path then, its key and its content hash.

    The key is the path relative to its library folder (the file's name for a folder
    that is a single file), the same on every machine.
    """

    article_id: str
    path: str
    key: str
    content_hash: str
    url: str | None = None


@dataclass(slots=True)
class Gone:
    """An article whose path disappeared in this scan, until a new path claims it."""

    path: str
    id: str
    claimed: bool = False


class Identities:
    """Hands out ids for one scan, given which ids are live and the articles that went away.

    `live(id, path)` says whether an article at another path holds the id, from the catalog
    as the scan writes it, so a library of 100,000 articles is not held as a set of ids for
    every scan. Every id the catalog lost during the scan must be given in `retired` (the
    ids of known files read again, which leave the catalog should they no longer load): the
    ids taken are then those the catalog held when the scan began, plus those handed out
    since. The one difference is what another process's scan writes meanwhile: a file it
    gave an id to is not a file this scan places, so the same file gets the same id.
    """

    def __init__(
        self,
        live: Callable[[str, str], bool],
        gone: Iterable[tuple[str, str, str, str, str | None]],
        claims: Iterable[Claim] = (),
        retired: Iterable[str] = (),
    ) -> None:
        self._live = live
        self._used = set(retired)  # and every id handed out by this scan
        self._claim_at: dict[str, Claim] = {}
        self._claims_by_key: dict[str, list[Claim]] = {}
        self._holder: dict[str, str] = {}
        for claim in claims:
            self._claim_at.setdefault(claim.path, claim)
            self._claims_by_key.setdefault(claim.key, []).append(claim)
            self._holder.setdefault(claim.article_id, claim.path)
        self._by_hash: dict[str, list[Gone]] = {}
        self._by_title: dict[TitleDate, list[Gone]] = {}
        self.gone: list[Gone] = []
        for path, id_, content_hash, title, day in gone:
            entry = Gone(path, id_)
            self.gone.append(entry)
            self._by_hash.setdefault(content_hash, []).append(entry)
            self._by_title.setdefault((title, day), []).append(entry)

    def claimed(self, path: str, key: str, content_hash: str) -> str | None:
        """The id recorded for this file (by path, else by key and hash), if still free."""
        claim = self._claim_at.get(path)
        if claim is None or self._taken(claim.article_id, path):
            # On another machine, or with the folder moved, the key still matches.
            claim = next(
                (
                    c
                    for c in self._claims_by_key.get(key, ())
                    if c.content_hash == content_hash
                    and not self._taken(c.article_id, path)
                    and not os.path.exists(c.path)
                ),
                None,
            )
        if claim is None:
            return None
        self._used.add(claim.article_id)
        return claim.article_id

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

    def fresh(self, content_hash: str, relative_path: str, path: str = "") -> str:
        """Rule 4: the natural id, or one derived from it when that one is taken."""
        candidate = natural_id(content_hash, relative_path)
        attempt = 0
        while self._taken(candidate, path) or self._held_elsewhere(candidate, path):
            attempt += 1
            candidate = _digest(f"{content_hash}\0{relative_path}\0{attempt}")
        self._used.add(candidate)
        return candidate

    def _taken(self, article_id: str, path: str) -> bool:
        """Whether the id is handed out already, or held by an article at another path."""
        return article_id in self._used or self._live(article_id, path)

    def _held_elsewhere(self, article_id: str, path: str) -> bool:
        """Whether the user's data gave this id to another file that still exists."""
        holder = self._holder.get(article_id)
        return holder is not None and holder != path and os.path.exists(holder)

    def unclaimed(self) -> list[str]:
        """Paths of gone articles no new path took over: they are removed."""
        return [entry.path for entry in self.gone if not entry.claimed]
