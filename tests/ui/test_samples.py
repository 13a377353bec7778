"""The bundled samples stay in the default library, with what was written on them, until removed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import paths, samples
from reader.cli.common import default_roots
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import ConfirmScreen
from reader.ui.screens.main import MainScreen

from .conftest import house_text, settle

SIZE = (100, 30)


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open(paths.data_dir() / "store.json") as opened:
        yield opened


def default_library() -> Library:
    library = Library(default_roots(), name="library")
    library.scan()
    return library


def sample_rows(library: Library) -> list[str]:
    rows = library.rows()
    return [rows[i].id for i in range(len(rows)) if samples.is_sample(rows[i].path)]


def add_own_article() -> None:
    own = paths.user_library_dir() / "files" / "mine.txt"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(house_text("2025-05-01", "My own article about the harbour."), "utf-8")


def test_adding_an_article_keeps_the_samples_and_their_notes(store: Store) -> None:
    with default_library() as before:
        sample_id = sample_rows(before)[0]
        meta = before.get(sample_id)
        assert meta is not None
        store.set_note(sample_id, meta.path, meta.title, "A note on a sample.")
    add_own_article()
    with default_library() as after:
        assert sample_id in sample_rows(after)
        assert any(not samples.is_sample(after.rows()[i].path) for i in range(len(after)))


async def test_remove_the_samples_from_the_palette(
    make_app: Callable[..., ReaderApp], store: Store
) -> None:
    add_own_article()
    with default_library() as library:
        sample_id = sample_rows(library)[0]
        meta = library.get(sample_id)
        assert meta is not None
        store.set_note(sample_id, meta.path, meta.title, "A note on a sample.")
        store.add_bookmark(sample_id, meta.path, meta.title)
        app = make_app(library, store=store, scan_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p", *"Remove the sample")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)
            assert "notes" in str(confirm.query_one(".dialog-title").render())
            await pilot.press("y")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            rows = screen.article_list.rows
            listed = [rows[i].path for i in range(len(rows))]
            assert listed and not any(samples.is_sample(path) for path in listed)
            assert sample_id not in screen.annotator.user.notes
        assert store.note_for(sample_id) is None
        assert not store.is_bookmarked(sample_id)
    assert samples.removed()
    assert paths.sample_data_dir() not in default_roots()


async def test_saying_no_keeps_the_samples(make_app: Callable[..., ReaderApp]) -> None:
    with default_library() as library:
        app = make_app(library, scan_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            await screen.run_action("remove_samples")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await settle(pilot)
            assert sample_rows(library)
    assert not samples.removed()
    assert paths.sample_data_dir() in default_roots()


def test_forgetting_sample_annotations_leaves_the_others(store: Store, tmp_path: Path) -> None:
    sample = str(paths.sample_data_dir() / "x.txt")
    own = str(tmp_path / "own.txt")
    store.set_note("a" * 16, sample, "S", "on a sample")
    store.set_note("b" * 16, own, "O", "on my own")
    store.add_highlight("a" * 16, sample, "S", "quote")
    assert samples.forget_annotations(store) == 2
    assert [note.article_id for note in store.notes()] == ["b" * 16]
    assert store.highlights() == []
