"""The daily review of highlights: which come up today, and when each comes back (no I/O).

Spaced repetition, kept simple: a highlight marked "again" comes back tomorrow, "keep"
pushes it further out each time (3 days, then about 2.5 times the last interval), and
"done" retires it. New highlights are due at once. Each day offers at most `per_day`
highlights, counting those already graded that day, so the review is a few minutes long.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from reader.store.records import Highlight

GRADES = ("again", "keep", "done")
DEFAULT_PER_DAY = 5
FIRST_KEEP = 3
"""Days until a highlight kept for the first time (or after "again") comes back."""
GROWTH = 2.5
"""Each further "keep" multiplies the interval by this much."""
MAX_INTERVAL = 365


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Where a highlight stands in the review."""

    highlight_uuid: str
    due: date
    """The first day it may come up again."""
    interval: int = 0
    """Days between its last two showings (0: never kept)."""
    reviews: int = 0
    """How many times it was graded."""
    retired: bool = False
    """Marked "done": it no longer comes up."""
    last: date | None = None
    """The day it was last graded."""


def graded(state: ReviewState | None, uuid: str, grade: str, today: date) -> ReviewState:
    """The state after grading a highlight `grade` ("again", "keep" or "done") today."""
    if grade not in GRADES:
        raise ValueError(f"unknown grade {grade!r}")
    current = state or ReviewState(uuid, today)
    current = replace(current, reviews=current.reviews + 1, last=today)
    if grade == "done":
        return replace(current, retired=True)
    if grade == "again":
        return replace(current, interval=0, due=today + timedelta(days=1), retired=False)
    interval = FIRST_KEEP if current.interval < FIRST_KEEP else round(current.interval * GROWTH)
    interval = min(MAX_INTERVAL, interval)
    return replace(current, interval=interval, due=today + timedelta(days=interval))


def todays(
    highlights: Iterable[Highlight],
    states: Mapping[str, ReviewState],
    today: date,
    per_day: int = DEFAULT_PER_DAY,
) -> list[Highlight]:
    """The highlights to review today: the longest overdue first, then new ones oldest first,
    at most `per_day` less those already graded today."""
    graded_today = sum(1 for state in states.values() if state.last == today)
    room = max(0, per_day - graded_today)
    overdue: list[tuple[date, str, Highlight]] = []
    new: list[tuple[str, str, Highlight]] = []
    for highlight in highlights:
        state = states.get(highlight.uuid)
        if state is None:
            new.append((highlight.created.isoformat(), highlight.uuid, highlight))
        elif not state.retired and state.due <= today and state.last != today:
            overdue.append((state.due, highlight.uuid, highlight))
    ordered = [item[2] for item in sorted(overdue)] + [item[2] for item in sorted(new)]
    return ordered[:room]
