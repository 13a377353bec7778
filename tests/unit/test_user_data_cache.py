"""The Annotator's copy of the user's data: read from a real store, then changed in step with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.store import Position, Store
from reader.ui.user_data import UserCache, quote_block, restore_block

IDS = ("a1", "b2", "c3", "d4")


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A real store, in memory or in a JSON file."""
    opened = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "s.json")
    yield opened
    opened.close()


def test_load_reads_every_kind_of_record(store: Store) -> None:
    # GIVEN a store with two bookmarks (the later one with tags), a note, highlights, a state
    store.add_bookmark("a1", "a1.txt", "A")
    store.add_bookmark("b2", "b2.txt", "B", ["trains"])
    store.set_note("a1", "a1.txt", "A", "a thought")
    store.add_highlight("c3", "c3.txt", "C", "second", block=2)
    store.add_highlight("c3", "c3.txt", "C", "first", block=0)
    store.set_read("d4", "d4.txt", "D")
    # WHEN the cache reads it
    cache = UserCache.load(store)
    # THEN it holds all of it, highlights in reading order
    assert cache.loaded
    assert cache.bookmarks == {"a1": (), "b2": ("trains",)}
    assert cache.notes == {"a1": "a thought"}
    assert [h.quote for h in cache.highlights["c3"]] == ["first", "second"]
    assert cache.is_read("d4") and not cache.is_read("a1")


def test_markers_show_unread_then_bookmarked() -> None:
    cache = UserCache(bookmarks={"a1": ()})
    cache.set_read("b2", True)
    assert cache.marker("a1") == "•★"
    assert cache.marker("b2") == ""
    assert cache.marker("c3") == "•"
    cache.set_read("a1", True)
    assert cache.marker("a1") == " ★"


def test_opening_keeps_the_read_state_and_the_last_position() -> None:
    cache = UserCache()
    cache.set_read("a1", True)
    cache.set_opened("a1", Position(3, "words"))
    cache.set_opened("a1")  # opened again: the position scrolled to before stays
    state = cache.state("a1")
    assert state.read and state.position == Position(3, "words") and state.last_opened


def test_continue_lists_opened_unfinished_articles_newest_first() -> None:
    cache = UserCache()
    for article_id in ("a1", "b2", "c3"):
        cache.set_opened(article_id)
    cache.set_read("b2", True)
    assert cache.continue_ids() == ["c3", "a1"]
    assert cache.view_ids("continue") == ["c3", "a1"]


def test_bookmarks_view_and_tags() -> None:
    cache = UserCache(bookmarks={"b2": ("Zebra", "apple"), "a1": ("apple",)})
    assert cache.view_ids("bookmarks") == ["b2", "a1"]
    assert cache.all_tags() == ["apple", "Zebra"]


def test_filters_follow_changes_made_to_the_copy_before_any_write() -> None:
    # GIVEN a loaded copy of an empty store
    store = Store.in_memory()
    cache = UserCache.load(store)
    # WHEN the UI changes only the copy (the writes are still queued)
    cache.bookmarks = {"a1": (), **cache.bookmarks}
    cache.set_read("b2", True)
    cache.notes["c3"] = "noted"
    cache.highlights["d4"] = []  # every highlight removed: not highlighted
    filters = cache.filters()
    # THEN the search filters see the change, though the store does not have it yet
    assert set(filters.bookmarked) == {"a1"} and not store.bookmarked_ids()
    assert set(filters.read) == {"b2"}
    assert set(filters.noted) == {"c3"}
    assert not filters.highlighted


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["bookmark", "unbookmark", "read", "unread", "note", "clear"]),
        st.sampled_from(IDS),
    ),
    max_size=20,
)


@settings(max_examples=40, deadline=None)
@given(OPERATIONS)
def test_the_copy_filters_as_the_store_does_after_the_same_changes(
    operations: list[tuple[str, str]],
) -> None:
    # The Annotator changes its copy and queues the same write: both must then agree.
    store = Store.in_memory()
    cache = UserCache.load(store)
    for operation, article_id in operations:
        _apply(operation, article_id, store, cache)
    mine, stored = cache.filters(), UserCache.load(store).filters()
    assert set(mine.bookmarked) == store.bookmarked_ids() == set(stored.bookmarked)
    assert set(mine.read) == store.read_ids() == set(stored.read)
    assert set(mine.noted) == store.noted_ids() == set(stored.noted)


def _apply(operation: str, article_id: str, store: Store, cache: UserCache) -> None:
    """One change as the Annotator makes it: to the copy, and the matching store write."""
    path, title = f"{article_id}.txt", article_id.upper()
    if operation == "bookmark":
        cache.bookmarks = {article_id: (), **cache.bookmarks}
        store.add_bookmark(article_id, path, title)
    elif operation == "unbookmark":
        cache.bookmarks.pop(article_id, None)
        store.remove_bookmark(article_id)
    elif operation in ("read", "unread"):
        cache.set_read(article_id, operation == "read")
        store.set_read(article_id, path, title, operation == "read")
    elif operation == "note":
        cache.notes[article_id] = "text"
        store.edit_note(article_id, path, title, "text", base=store_note(store, article_id))
    else:
        cache.notes.pop(article_id, None)
        store.delete_note(article_id)


def store_note(store: Store, article_id: str) -> str:
    note = store.note_for(article_id)
    return note.text if note is not None else ""


def test_quote_block_takes_the_block_with_its_neighbours_as_context() -> None:
    texts = ["First paragraph.", "The quoted one.", "Last."]
    quote, prefix, suffix = quote_block(texts, 1)
    assert quote == "The quoted one."
    assert prefix.endswith("First paragraph.\n\n")
    assert suffix.startswith("\n\nLast.")


def test_restore_block_finds_a_moved_paragraph_by_its_opening_words() -> None:
    texts = ["Intro.", "Moved paragraph starts here.", "End."]
    position = Position.at(0, "Moved paragraph starts here.")
    assert restore_block(texts, position) == 1
    assert restore_block(texts, Position(9, "")) == 2  # no words to look for: clamped
    assert restore_block([], position) == 0
