"""The Store's API, run against both the crash-safe file storage and TinyDB's MemoryStorage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.store import Bookmark, Highlight, Note, Position, Store, StoreError, anchor

A, B = "0123456789abcdef", "fedcba9876543210"


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "s.json")
    yield made
    made.close()


def test_toggle_bookmark_adds_then_removes(store: Store) -> None:
    assert store.toggle_bookmark(A, "/a.txt", "Title A") is True
    assert store.is_bookmarked(A)
    [mark] = store.bookmarks()
    assert isinstance(mark, Bookmark)
    assert (mark.article_id, mark.path, mark.title, mark.tags) == (A, "/a.txt", "Title A", ())
    assert store.toggle_bookmark(A, "/a.txt", "Title A") is False
    assert store.bookmarks() == [] and not store.is_bookmarked(A)


def test_add_bookmark_is_idempotent_and_tags_are_cleaned(store: Store) -> None:
    first = store.add_bookmark(A, "/a.txt", "A", tags=["news", " news ", ""])
    again = store.add_bookmark(A, "/moved/a.txt", "A", tags=["peace  talks"])
    assert again.uuid == first.uuid
    assert again.tags == ("news", "peace talks") and again.path == "/moved/a.txt"
    assert store.set_bookmark_tags(A, ["x"]) == Bookmark(
        first.uuid, A, "/moved/a.txt", "A", ("x",), first.created
    )
    assert store.set_bookmark_tags(B, ["x"]) is None
    assert store.remove_bookmark(A) and not store.remove_bookmark(A)


def test_one_note_per_article_and_blank_text_deletes_it(store: Store) -> None:
    first = store.set_note(A, "/a.txt", "A", "# Thoughts")
    second = store.set_note(A, "/a.txt", "A", "# Better thoughts")
    assert isinstance(first, Note) and isinstance(second, Note)
    assert second.uuid == first.uuid and second.updated >= first.updated
    assert store.note_for(A) == second and store.notes() == [second]
    assert store.set_note(A, "/a.txt", "A", "  \n") is None
    assert store.note_for(A) is None and store.noted_ids() == set()


def test_highlights_are_anchored_and_removable(store: Store) -> None:
    text = "The talks opened on Monday. Both sides agreed to a ceasefire at dawn."
    quote, prefix, suffix = anchor(text, 28, 48)
    assert quote == "Both sides agreed to"
    late = store.add_highlight(A, "/a", "A", quote, prefix=prefix, suffix=suffix, block=3)
    early = store.add_highlight(A, "/a", "A", "opened", block=1, note="why Monday?")
    assert isinstance(late, Highlight) and late.uuid != early.uuid
    assert [h.uuid for h in store.highlights_for(A)] == [early.uuid, late.uuid]
    assert store.highlights_for(B) == []
    noted = store.set_highlight_note(late.uuid, "key line")
    assert noted is not None and noted.note == "key line"
    assert store.remove_highlight(early.uuid) and not store.remove_highlight(early.uuid)
    assert [h.note for h in store.highlights()] == ["key line"]
    assert store.highlighted_ids() == {A}


def test_reading_state_keeps_position_and_read_flag(store: Store) -> None:
    opened = store.mark_opened(A, "/a", "A", Position.at(4, "  The   opening words of block four"))
    assert opened.position == Position(4, "The opening words of block four")
    assert opened.read is False and opened.last_opened is not None
    store.set_read(A, "/a", "A")
    again = store.mark_opened(A, "/a", "A")  # no position: the old one is kept
    assert again.read is True and again.position == opened.position
    assert store.reading_state_for(A) == again and store.read_ids() == {A}
    store.set_read(A, "/a", "A", read=False)
    assert store.read_ids() == set() and len(store.reading_states()) == 1


def test_saved_searches_are_replaced_by_name(store: Store) -> None:
    first = store.save_search("peace", 'summit "peace talks"')
    second = store.save_search("peace", "summit -football")
    assert second.uuid == first.uuid
    assert [(s.name, s.query) for s in store.saved_searches()] == [("peace", "summit -football")]
    assert store.remove_search("peace") and store.saved_searches() == []


def test_relink_moves_every_record_and_merges_with_existing_ones(store: Store) -> None:
    store.add_bookmark(A, "/old.txt", "Old", tags=["a"])
    store.set_note(A, "/old.txt", "Old", "first note")
    store.add_highlight(A, "/old.txt", "Old", "quote")
    store.add_bookmark(B, "/new.txt", "New", tags=["b"])
    store.set_note(B, "/new.txt", "New", "second note")
    changed = store.relink(A, B, "/new.txt", "New")
    assert changed == 3
    [mark] = store.bookmarks()
    assert (mark.article_id, mark.tags) == (B, ("b", "a"))
    note = store.note_for(B)
    assert note is not None and "first note" in note.text and "second note" in note.text
    assert store.note_for(A) is None
    assert [(h.article_id, h.path) for h in store.highlights()] == [(B, "/new.txt")]


def test_relink_to_the_same_id_updates_the_last_known_path(store: Store) -> None:
    store.add_bookmark(A, "/old.txt", "Old")
    assert store.relink(A, A, "/renamed.txt", "Renamed") == 1
    assert [(b.path, b.title) for b in store.bookmarks()] == [("/renamed.txt", "Renamed")]


def _fill(store: Store) -> None:
    store.add_bookmark(A, "/a", "A", tags=["t"])
    store.set_note(A, "/a", "A", "note")
    store.add_highlight(A, "/a", "A", "quote")
    store.mark_opened(A, "/a", "A", Position(2, "x"))
    store.save_search("s", "q")


def test_export_then_import_into_an_empty_store_copies_everything(store: Store) -> None:
    _fill(store)
    exported = store.export_all()
    other = Store.in_memory()
    assert other.import_all(exported).added == 5
    assert other.export_all() == exported


def test_import_is_idempotent_by_uuid(store: Store) -> None:
    _fill(store)
    exported = store.export_all()
    result = store.import_all(exported)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 5)
    assert store.export_all() == exported


def test_import_merges_a_different_record_for_the_same_article(store: Store) -> None:
    store.set_note(A, "/a", "A", "mine")
    other = Store.in_memory()
    other.set_note(A, "/a", "A", "theirs")
    store.import_all(other.export_all())
    store.import_all(other.export_all())
    note = store.note_for(A)
    assert note is not None and note.text == "mine\n\ntheirs"


def test_import_refuses_what_is_not_an_export(store: Store) -> None:
    with pytest.raises(StoreError, match="not a reader export"):
        store.import_all({"bookmarks": []})


def test_records_survive_reopening(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.json") as store:
        _fill(store)
        before = store.export_all()
    with Store.open(tmp_path / "s.json") as again:
        assert again.export_all() == before
        assert again.notices == []


def test_default_path_is_in_the_data_dir(reader_home: Path) -> None:
    with Store.open() as store:
        store.toggle_bookmark(A, "/a", "A")
        assert store.path == reader_home / "data" / "store.json"
    assert (reader_home / "data" / "store.json").is_file()
