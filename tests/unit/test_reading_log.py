"""The reading log: words read a day from the furthest point reached in each article."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from reader.store import Store
from reader.store.reading_log import LogDay, log_days, record_progress

DAY = date(2026, 3, 10)


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "s.json")
    yield made
    made.close()


def test_reading_further_adds_words_once(store: Store) -> None:
    assert record_progress(store, "a", 1000, 0.25, DAY) == 250
    assert record_progress(store, "a", 1000, 0.5, DAY) == 250
    assert record_progress(store, "a", 1000, 0.3, DAY) == 0  # scrolled back
    assert log_days(store) == [LogDay(DAY, "a", 500, 0.5)]


def test_days_and_articles_are_apart(store: Store) -> None:
    record_progress(store, "a", 1000, 0.5, DAY)
    record_progress(store, "b", 200, 1.0, DAY)
    next_day = DAY + timedelta(days=1)
    assert record_progress(store, "a", 1000, 1.0, next_day) == 500
    assert log_days(store) == [
        LogDay(DAY, "a", 500, 0.5),
        LogDay(DAY, "b", 200, 1.0),
        LogDay(next_day, "a", 500, 1.0),
    ]


def test_progress_out_of_range_is_clamped(store: Store) -> None:
    assert record_progress(store, "a", 100, 7.0, DAY) == 100
    assert record_progress(store, "b", 100, -1.0, DAY) == 0
    assert log_days(store) == [LogDay(DAY, "a", 100, 1.0)]


def test_the_log_survives_reopening(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as store:
        record_progress(store, "a", 400, 0.5, DAY)
    with Store.open(tmp_path / "s.json") as store:
        assert log_days(store) == [LogDay(DAY, "a", 200, 0.5)]
        assert record_progress(store, "a", 400, 0.5, DAY) == 0
