"""Retention: a feed's optional `keep` (days or a count) removes its old untouched entries.

Only entries the user never touched go: unread, never opened, not bookmarked, without a note
or a highlight. Whatever the user read, marked or wrote on stays, however old, so nothing the
user did is ever lost to a retention rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reader.feeds.common import FeedError

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription
    from reader.library import Library
    from reader.models import ArticleMeta
    from reader.store import Store

_KEEP = re.compile(r"(\d{1,6})\s*(d|days?)?")
OFF = frozenset({"", "off", "none", "all", "0"})
"""What `--keep` takes to keep every entry again."""


@dataclass(frozen=True, slots=True)
class Keep:
    """Keep entries younger than `days`, or the newest `count` of them."""

    days: int | None = None
    count: int | None = None

    def __str__(self) -> str:
        return f"{self.days}d" if self.days is not None else str(self.count)


def parse_keep(text: str) -> Keep | None:
    """`30d` (days), `200` (entries), or `off` (None); FeedError for anything else."""
    cleaned = text.strip().lower()
    if cleaned in OFF:
        return None
    found = _KEEP.fullmatch(cleaned)
    if found is None:
        raise FeedError(f"not a retention: {text!r} (give days like 30d, a count like 200, or off)")
    number = int(found.group(1))
    return Keep(days=number) if found.group(2) else Keep(count=number)


def protected_ids(store: Store) -> set[str]:
    """Articles the user touched: read, opened, bookmarked, noted or highlighted."""
    opened = {state.article_id for state in store.reading_states() if state.last_opened}
    marks = store.bookmarked_ids() | store.noted_ids() | store.highlighted_ids()
    return opened | marks | store.read_ids()


def _day(meta: ArticleMeta) -> date:
    """An entry's date; its file's time when the feed gave none."""
    if meta.date is not None:
        return meta.date
    return datetime.fromtimestamp(meta.mtime_ns / 1e9, UTC).date()


def expired(
    keep: Keep, entries: Iterable[ArticleMeta], protected: Set[str], today: date
) -> list[ArticleMeta]:
    """The entries `keep` lets go: beyond the count or the age, and never a protected one."""
    newest = sorted(entries, key=lambda meta: (_day(meta), meta.path), reverse=True)
    if keep.count is not None:
        old = newest[keep.count :]
    else:
        limit = today - timedelta(days=keep.days or 0)
        old = [meta for meta in newest if _day(meta) < limit]
    return [meta for meta in old if meta.id not in protected]


def prune(
    library: Library,
    subs: Sequence[Subscription],
    store: Store,
    today: date | None = None,
    also: Set[str] = frozenset(),
) -> list[Path]:
    """Delete the entry files each feed's `keep` lets go; the paths deleted.

    Reads the catalog for the entries (rescan afterwards so it forgets them); a file already
    gone is skipped, one that cannot be deleted is left for the next time. `also` protects
    more articles (what an app changed but has not written yet).
    """
    from reader.feeds.registry import feed_folder

    kept = [sub for sub in subs if sub.keep]
    if not kept:
        return []
    protected = protected_ids(store) | set(also)
    day = today or datetime.now(UTC).date()
    removed: list[Path] = []
    for sub in kept:
        keep = parse_keep(sub.keep or "")
        if keep is None:
            continue
        folder = feed_folder(sub.name).resolve()
        ids = [article_id for article_id, _ in library.ids_under(folder)]
        for meta in expired(keep, library.metas(ids).values(), protected, day):
            path = Path(meta.path)
            if not path.is_relative_to(folder):  # only the feed's own entries, ever
                continue
            try:
                path.unlink()
            except OSError:  # gone already, or not ours to delete: the next time tries again
                continue
            removed.append(path)
    return removed
