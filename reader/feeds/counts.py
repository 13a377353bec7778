"""Unread counts per feed, from the catalog's rows and the store's read ids (never the files)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription
    from reader.library import Library


def feeds_root() -> Path:
    """The folder holding one folder of entries per feed (see `registry.feed_folder`)."""
    return paths.user_library_dir() / "feeds"


@dataclass(frozen=True, slots=True)
class FeedTally:
    """Which articles each feed's folder holds, by folder name, as the catalog lists them."""

    members: dict[str, frozenset[str]] = field(default_factory=dict)

    def total(self, name: str) -> int:
        """How many entries of the feed are in the library."""
        return len(self.members.get(name, ()))

    def unread(self, name: str, read: Set[str]) -> int:
        """How many of the feed's entries are not in `read`."""
        ids = self.members.get(name, frozenset())
        # An intersection walks the smaller set, so a big read set costs nothing extra.
        return len(ids) - len(ids.intersection(read))

    def read_counts(self, read: Set[str]) -> dict[str, int]:
        """How many entries of each feed are in `read`."""
        return {name: len(ids.intersection(read)) for name, ids in self.members.items()}

    def owners(self) -> dict[str, str]:
        """Article id -> the folder name of its feed, for every entry."""
        return {article_id: name for name, ids in self.members.items() for article_id in ids}

    def feed_of(self, article_id: str) -> str | None:
        """The folder name of the feed an article came from, or None."""
        for name, ids in self.members.items():
            if article_id in ids:
                return name
        return None


def tally(library: Library, root: Path | None = None) -> FeedTally:
    """Group the catalog's articles below `root` (the feeds folder) by their feed's folder."""
    folder = (root if root is not None else feeds_root()).resolve()
    skip = len(str(folder)) + 1
    groups: dict[str, set[str]] = {}
    for article_id, path in library.ids_under(folder):
        name, slash, _ = path[skip:].partition("/")
        if slash:  # a file right in feeds/ belongs to no feed
            groups.setdefault(name, set()).add(article_id)
    return FeedTally({name: frozenset(ids) for name, ids in groups.items()})


@dataclass(frozen=True, slots=True)
class FeedLine:
    """One feed as the feeds view lists it."""

    name: str
    title: str
    folder: str
    """The feed's first tag (its OPML folder), or "" for none."""
    unread: int
    total: int
    error: str | None = None
    full_text: bool = False
    keep: str | None = None


def feed_lines(
    subs: Iterable[Subscription], counts: FeedTally, read: Mapping[str, int]
) -> list[FeedLine]:
    """Every subscription with its counts (`read`: how many of each feed's entries are read),
    by folder then title (untagged feeds last)."""
    lines = [
        FeedLine(
            name=sub.name,
            title=sub.title,
            folder=sub.tags[0] if sub.tags else "",
            unread=counts.total(sub.name) - read.get(sub.name, 0),
            total=counts.total(sub.name),
            error=sub.last_error,
            full_text=sub.full_text,
            keep=sub.keep,
        )
        for sub in subs
    ]
    return sorted(lines, key=lambda line: (not line.folder, line.folder.casefold(), _key(line)))


def _key(line: FeedLine) -> tuple[str, str]:
    return (line.title.casefold(), line.name)
