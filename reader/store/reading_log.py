"""The reading log: words read per article per day, from how far into it the reader scrolled.

One document per article and day in the "reading_log" table: the words read that day and
the furthest point reached so far (a fraction of the article). Scrolling back over what was
already read adds nothing; reading further adds that share of the article's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from reader.store.api import Store
from reader.store.tables import documents, writing

LOG = "reading_log"


@dataclass(frozen=True, slots=True)
class LogDay:
    """What was read of one article on one day."""

    day: date
    article_id: str
    words: int
    furthest: float
    """The furthest point reached in the article by the end of that day (0.0-1.0)."""


def _entry(doc: dict[str, Any]) -> LogDay | None:
    day, article_id = doc.get("day"), doc.get("article_id")
    words, furthest = doc.get("words"), doc.get("furthest")
    if not (isinstance(day, str) and isinstance(article_id, str)):
        return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return None
    words = words if isinstance(words, int) and not isinstance(words, bool) else 0
    furthest = float(furthest) if isinstance(furthest, int | float) else 0.0
    return LogDay(parsed, article_id, max(0, words), min(1.0, max(0.0, furthest)))


def log_days(store: Store) -> list[LogDay]:
    """Every entry of the reading log, oldest day first."""
    entries = (_entry(doc) for doc in documents(store, LOG))
    return sorted((e for e in entries if e is not None), key=lambda e: (e.day, e.article_id))


def record_progress(store: Store, article_id: str, words: int, progress: float, today: date) -> int:
    """The reader reached `progress` (0.0-1.0) of an article of `words` words today: log the
    words newly read (those before the furthest point reached earlier count once); how many."""
    progress = min(1.0, max(0.0, progress))
    key = f"{today.isoformat()} {article_id}"
    with writing(store, LOG) as table:
        mine = [
            e for d in table.documents() if d.get("article_id") == article_id if (e := _entry(d))
        ]
        furthest = max((e.furthest for e in mine), default=0.0)
        if progress <= furthest:
            return 0
        added = round((progress - furthest) * max(0, words))
        before = next((e.words for e in mine if e.day == today), 0)
        fields = {"day": today.isoformat(), "article_id": article_id}
        table.put(key, {**fields, "words": before + added, "furthest": progress})
    return added
