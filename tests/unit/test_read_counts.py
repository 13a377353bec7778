"""The feeds view's read counts: a count taken once, then kept current by replaying the marks
made since, always equal to counting afresh."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.feeds.counts import FeedTally
from reader.ui.read_counts import ReadSnapshot
from reader.ui.user_data import UserCache

TALLY = FeedTally({"a": frozenset({"1", "2", "3"}), "b": frozenset({"4", "5"})})
LIBRARY = frozenset({"1", "2", "3", "4", "5", "6", "7"})
IDS = sorted(LIBRARY | {"gone"})  # "gone": read once, no longer in the library
MARKS = st.lists(st.tuples(st.sampled_from(IDS), st.booleans()), max_size=30)


def exact(user: UserCache) -> tuple[dict[str, int], int]:
    return TALLY.read_counts(user.read_ids), len(LIBRARY & user.read_ids)


@given(before=MARKS, after=MARKS)
def test_replaying_the_marks_made_since_the_count_equals_counting_afresh(
    before: list[tuple[str, bool]], after: list[tuple[str, bool]]
) -> None:
    user = UserCache()
    for article_id, read in before:
        user.set_read(article_id, read)
    snapshot = ReadSnapshot.take(id(user), len(user.read_log), set(user.read_ids), TALLY, LIBRARY)
    for article_id, read in after:
        user.set_read(article_id, read)
    assert snapshot.now(user) == exact(user)


def test_another_copy_of_the_data_is_counted_afresh() -> None:
    user = UserCache()
    user.set_read("1", True)
    snapshot = ReadSnapshot.take(id(user), len(user.read_log), set(user.read_ids), TALLY, LIBRARY)
    reloaded = UserCache()
    reloaded.set_read("4", True)
    assert snapshot.now(reloaded) == ({"a": 0, "b": 1}, 1)


def test_marking_what_is_already_marked_logs_nothing() -> None:
    user = UserCache()
    user.set_read("1", True)
    user.set_read("1", True)
    user.set_read("2", False)
    assert user.read_log == [("1", True)]
