"""The daily review: scheduling (again, keep, done), the day's picks, and the stored state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.review import DEFAULT_PER_DAY, ReviewState, graded, todays
from reader.store import Highlight, Store
from reader.store.review import REVIEW, grade_highlight, review_states

DAY = date(2026, 3, 10)


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "s.json")
    yield made
    made.close()


def add(store: Store, count: int) -> list[Highlight]:
    return [
        store.add_highlight(f"a{n}", f"/a{n}.txt", f"Article {n}", f"quote {n}", block=n)
        for n in range(count)
    ]


def test_again_comes_back_tomorrow() -> None:
    state = graded(None, "h", "again", DAY)
    assert (state.due, state.interval, state.reviews, state.last) == (
        DAY + timedelta(days=1),
        0,
        1,
        DAY,
    )


def test_keep_goes_further_each_time() -> None:
    intervals = []
    state = None
    day = DAY
    for _ in range(4):
        state = graded(state, "h", "keep", day)
        intervals.append(state.interval)
        day = state.due
    assert intervals == [3, 8, 20, 50]


def test_again_after_keeps_starts_over_and_done_retires() -> None:
    state = graded(graded(None, "h", "keep", DAY), "h", "keep", DAY + timedelta(days=3))
    assert graded(state, "h", "again", DAY).interval == 0
    assert graded(state, "h", "done", DAY).retired


def test_an_unknown_grade_is_refused() -> None:
    with pytest.raises(ValueError):
        graded(None, "h", "later", DAY)


@given(st.lists(st.sampled_from(["again", "keep", "done"]), max_size=30))
def test_every_grade_moves_the_due_day_forward_or_retires(grades: list[str]) -> None:
    state: ReviewState | None = None
    day = DAY
    for grade in grades:
        state = graded(state, "h", grade, day)
        assert state.retired or state.due > day
        assert state.interval <= 365
        day = max(day, state.due)


def test_the_day_offers_per_day_new_highlights_oldest_first(store: Store) -> None:
    highlights = add(store, 8)
    picked = todays(store.highlights(), {}, DAY)
    assert [h.uuid for h in picked] == [h.uuid for h in highlights[:DEFAULT_PER_DAY]]
    assert len(todays(highlights, {}, DAY, per_day=2)) == 2


def test_graded_today_counts_against_the_day(store: Store) -> None:
    highlights = add(store, 8)
    grade_highlight(store, highlights[0].uuid, "keep", DAY)
    grade_highlight(store, highlights[1].uuid, "again", DAY)
    states = review_states(store)
    picked = todays(store.highlights(), states, DAY)
    assert [h.uuid for h in picked] == [h.uuid for h in highlights[2:5]]
    tomorrow = todays(store.highlights(), states, DAY + timedelta(days=1))
    assert tomorrow[0].uuid == highlights[1].uuid  # "again" first, then new ones


def test_done_highlights_never_come_back(store: Store) -> None:
    (highlight,) = add(store, 1)
    grade_highlight(store, highlight.uuid, "done", DAY)
    later = DAY + timedelta(days=400)
    assert todays(store.highlights(), review_states(store), later) == []


def test_state_is_stored_and_read_back(store: Store, tmp_path: Path) -> None:
    (highlight,) = add(store, 1)
    grade_highlight(store, highlight.uuid, "keep", DAY)
    state = grade_highlight(store, highlight.uuid, "keep", DAY + timedelta(days=3))
    assert review_states(store) == {highlight.uuid: state}
    assert state.reviews == 2 and state.interval == 8
    if store.path is not None:
        store.close()
        with Store.open(store.path) as again:
            assert review_states(again) == {highlight.uuid: state}
            assert again.highlights()[0].uuid == highlight.uuid  # the records are intact


def test_damaged_review_documents_are_skipped(store: Store) -> None:
    from reader.store.tables import writing

    with writing(store, REVIEW) as table:
        table.put("bad-day", {"due": "not a day"})
        table.put("good", {"due": "2026-01-01", "interval": "x", "retired": 1})
    states = review_states(store)
    assert set(states) == {"good"}
    assert states["good"].interval == 0 and not states["good"].retired
