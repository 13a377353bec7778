"""The reader's notes, highlight notes and bookmark tags are found by search with the article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.annotations import user_texts
from reader.library import Library
from reader.models import UserText
from reader.search import SearchIndex
from reader.search.documents import NOTE_LABEL
from reader.search.sync import SyncResult, open_index, sync_index
from reader.store import Store
from tests.unit.library_files import write_article


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    root = tmp_path / "news"
    write_article(root / "ferry.txt", "Electric ferries cross the fjord", body="Batteries hum.")
    write_article(root / "harvest.txt", "Farmers bring in the harvest", body="Wheat and barley.")
    with Library([root]) as opened:
        opened.scan()
        yield opened


@pytest.fixture
def index(library: Library) -> Iterator[SearchIndex]:
    with open_index(library) as opened:
        yield opened


def ferry_id(library: Library) -> str:
    return next(meta.id for meta in (library.rows()[i] for i in range(2)) if "ferr" in meta.title)


def test_a_word_only_in_a_note_finds_the_article_and_says_so(library, index) -> None:
    ferry = ferry_id(library)
    texts = {ferry: UserText("Ask the harbour master about the xylophone concert.")}
    sync_index(library, index, processes=0, user_texts=texts)
    hits = index.search("xylophone").hits
    assert [hit.id for hit in hits] == [ferry]
    assert hits[0].in_notes
    snippet = hits[0].snippet
    assert snippet.text.startswith(NOTE_LABEL)
    start, end = snippet.spans[0]
    assert snippet.text[start:end].lower() == "xylophone"


def test_a_word_in_the_article_keeps_the_article_snippet(library, index) -> None:
    ferry = ferry_id(library)
    sync_index(library, index, processes=0, user_texts={ferry: UserText("batteries again")})
    hit = index.search("batteries").hits[0]
    assert not hit.in_notes and not hit.snippet.text.startswith(NOTE_LABEL)


def test_words_may_be_split_between_article_and_note(library, index) -> None:
    ferry = ferry_id(library)
    sync_index(library, index, processes=0, user_texts={ferry: UserText("a xylophone")})
    assert [hit.id for hit in index.search("ferries xylophone").hits] == [ferry]


def test_bookmark_tags_answer_tag_filters(library, index) -> None:
    ferry = ferry_id(library)
    sync_index(library, index, processes=0, user_texts={ferry: UserText(tags=("transport",))})
    assert [hit.id for hit in index.search("tag:transport").hits] == [ferry]


def test_a_changed_note_reindexes_only_its_article(library, index) -> None:
    ferry = ferry_id(library)
    sync_index(library, index, processes=0)
    changed = sync_index(library, index, processes=0, user_texts={ferry: UserText("kayak")})
    assert changed == SyncResult(0, 1, 0, 2)
    assert [hit.id for hit in index.search("kayak").hits] == [ferry]
    assert sync_index(library, index, processes=0, user_texts={}) == SyncResult(0, 1, 0, 2)
    assert index.search("kayak").hits == ()


def test_user_texts_gather_notes_highlight_notes_and_tags(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store.json") as store:
        store.set_note("a" * 16, "/x.txt", "X", "The note.")
        store.add_highlight("a" * 16, "/x.txt", "X", "quoted words", note="Why it matters.")
        store.add_highlight("b" * 16, "/y.txt", "Y", "no note here")
        store.add_bookmark("c" * 16, "/z.txt", "Z", tags=["later"])
        texts = user_texts(store)
    assert texts == {
        "a" * 16: UserText("The note.\n\nWhy it matters."),
        "c" * 16: UserText("", ("later",)),
    }
