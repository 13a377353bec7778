"""The daily review's state in the store: one document per highlight in the "review" table."""

from __future__ import annotations

from datetime import date
from typing import Any

from reader.review import ReviewState, graded
from reader.store.api import Store
from reader.store.tables import documents, writing

REVIEW = "review"
"""The table: one document per highlight ever graded, keyed by the highlight's UUID."""


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def review_state(doc: dict[str, Any]) -> ReviewState | None:
    """A stored document as a ReviewState; None when it is not one (hand-edited, damaged)."""
    key, due = doc.get("key"), _day(doc.get("due"))
    if not isinstance(key, str) or due is None:
        return None
    return ReviewState(
        highlight_uuid=key,
        due=due,
        interval=_int(doc.get("interval")),
        reviews=_int(doc.get("reviews")),
        retired=doc.get("retired") is True,
        last=_day(doc.get("last")),
    )


def review_states(store: Store) -> dict[str, ReviewState]:
    """Every highlight's review state, by highlight UUID."""
    states = (review_state(doc) for doc in documents(store, REVIEW))
    return {state.highlight_uuid: state for state in states if state is not None}


def grade_highlight(store: Store, highlight_uuid: str, grade: str, today: date) -> ReviewState:
    """Grade a highlight today, against its state as the file holds it now; the new state."""
    with writing(store, REVIEW) as table:
        found = next((d for d in table.documents() if d.get("key") == highlight_uuid), None)
        current = review_state(dict(found)) if found is not None else None
        state = graded(current, highlight_uuid, grade, today)
        table.put(
            highlight_uuid,
            {
                "due": state.due.isoformat(),
                "interval": state.interval,
                "reviews": state.reviews,
                "retired": state.retired,
                "last": state.last.isoformat() if state.last else None,
            },
        )
    return state
