"""A picture of the reader's reading: words a day, the streak, finished articles, top sources
and tags, from the reading log and the reading state in the store (no UI)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reader.models import WORDS_PER_MINUTE, ArticleMeta
from reader.store import Bookmark, ReadingState, Store
from reader.store.reading_log import LogDay, log_days

DAYS = 28
"""Days shown in the words-a-day chart."""
TOP = 5
"""Sources and tags listed."""


@dataclass(frozen=True, slots=True)
class ReadingStats:
    """The reader's stats as of `today`."""

    today: date
    days: tuple[tuple[date, int], ...]
    """Words read each day of the last `DAYS` days, oldest first (today last)."""
    streak: int
    """Days in a row with some reading, up to today (or yesterday, while today is young)."""
    finished: int
    """Articles marked read (by reaching their end or by hand)."""
    words: int
    """Words read in the days shown."""
    sources: tuple[tuple[str, int], ...]
    """The sources (or places) of the articles read most, with how many were read."""
    tags: tuple[tuple[str, int], ...]
    """The tags of the articles read most, with how many carry each."""

    @property
    def minutes(self) -> int:
        """Minutes of reading in the days shown, at an average reading speed."""
        return round(self.words / WORDS_PER_MINUTE)

    def as_json(self) -> dict[str, Any]:
        """The stats as `reader stats --json` prints them."""
        return {
            "today": self.today.isoformat(),
            "days": [{"day": day.isoformat(), "words": words} for day, words in self.days],
            "streak": self.streak,
            "finished": self.finished,
            "words": self.words,
            "minutes": self.minutes,
            "sources": [{"name": name, "articles": n} for name, n in self.sources],
            "tags": [{"name": name, "articles": n} for name, n in self.tags],
        }


def streak(words_by_day: dict[date, int], today: date) -> int:
    """Days in a row with words read, ending today, or yesterday when today has none yet."""
    day = today if words_by_day.get(today) else today - timedelta(days=1)
    count = 0
    while words_by_day.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


def summarise(
    log: Iterable[LogDay],
    states: Iterable[ReadingState],
    bookmarks: Iterable[Bookmark],
    meta_of: Callable[[str], ArticleMeta | None],
    today: date,
    days: int = DAYS,
) -> ReadingStats:
    """The stats from the store's records; `meta_of` gives an article's catalog entry."""
    log = list(log)
    words_by_day: Counter[date] = Counter()
    for entry in log:
        words_by_day[entry.day] += entry.words
    shown = tuple(
        (day, words_by_day.get(day, 0))
        for day in (today - timedelta(days=n) for n in range(days - 1, -1, -1))
    )
    finished = {state.article_id for state in states if state.read}
    read = finished | {entry.article_id for entry in log if entry.words}
    tags_of = {mark.article_id: mark.tags for mark in bookmarks}
    sources: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for article_id in read:
        meta = meta_of(article_id)
        if meta is not None and meta.origin:
            sources[meta.origin] += 1
        own = meta.tags if meta is not None else ()
        tags.update({tag.casefold(): 1 for tag in (*own, *tags_of.get(article_id, ()))})
    return ReadingStats(
        today=today,
        days=shown,
        streak=streak(dict(words_by_day), today),
        finished=len(finished),
        words=sum(words for _, words in shown),
        sources=_top(sources),
        tags=_top(tags),
    )


def _top(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """The most frequent first, ties by name, so the order is stable."""
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP])


def compute(
    store: Store, meta_of: Callable[[str], ArticleMeta | None], today: date, days: int = DAYS
) -> ReadingStats:
    """The reader's stats from the store, as of `today`."""
    return summarise(
        log_days(store), store.reading_states(), store.bookmarks(), meta_of, today, days
    )


BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Iterable[int]) -> str:
    """One character per value, its height in eighths of the largest (a space for none)."""
    values = list(values)
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    return "".join(
        BARS[min(len(BARS) - 1, (value * len(BARS) - 1) // top)] if value > 0 else "·"
        for value in values
    )


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def headline(stats: ReadingStats) -> str:
    """The line over the chart: the days it covers and the words and minutes read in them."""
    words = f"Words read a day, last {len(stats.days)} days: {stats.words:,} words"
    return f"{words}, about {stats.minutes:,} min"


def summary_lines(stats: ReadingStats) -> list[str]:
    """Everything under the chart, as plain lines (names as they are: the caller cleans)."""
    first, last = stats.days[0][0], stats.days[-1][0]

    def ranked(items: tuple[tuple[str, int], ...]) -> list[str]:
        return [f"  {count:>4}  {name}" for name, count in items] or ["  none yet"]

    return [
        f"{first.isoformat()} … {last.isoformat()}",
        "",
        f"Streak: {_plural(stats.streak, 'day')}",
        f"Finished: {_plural(stats.finished, 'article')}",
        "",
        "Top sources",
        *ranked(stats.sources),
        "",
        "Top tags",
        *ranked(stats.tags),
    ]
