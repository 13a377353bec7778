"""Pilot tests: notes stay readable where they are listed (search results, the notebook)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import TextArea

from reader.library import Library
from reader.search import SearchIndex, Snippet
from reader.search.documents import NOTE_LABEL
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.screens.notebook import NotebookScreen
from reader.ui.widgets.article_list import fit_snippet

from .conftest import settle

SIZE = (100, 30)
LONG_NOTE = " ".join(["Some thoughts on the railway story that go on for a while."] * 6)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as opened:
        yield opened


def test_a_cut_snippet_keeps_its_label_and_cuts_the_text() -> None:
    text = NOTE_LABEL + "word " * 40 + "xylophone at the end"
    at = text.index("xylophone")
    fitted = fit_snippet(Snippet(text, ((at, at + 9),)), 40, NOTE_LABEL)
    assert fitted.text.startswith(NOTE_LABEL + "…")
    start, end = fitted.spans[0]
    assert fitted.text[start:end] == "xylophone"
    assert end <= 40


def test_a_snippet_without_its_label_is_cut_as_before() -> None:
    text = "word " * 40 + "xylophone"
    at = text.index("xylophone")
    assert fit_snippet(Snippet(text, ((at, at + 9),)), 40, NOTE_LABEL) == fit_snippet(
        Snippet(text, ((at, at + 9),)), 40
    )


async def test_a_result_from_a_long_note_keeps_the_your_note_label(
    make_app: Callable[..., ReaderApp], library: Library, store: Store, tmp_path: Path
) -> None:
    with SearchIndex.open(tmp_path / "index") as index:
        app = make_app(store=store, scan_on_start=False, index=index)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("n", *"Ask ")
            await settle(pilot)
            # The rest of a long note pasted in one go: typing it key by key takes 30 s.
            app.screen.query_one(TextArea).insert(LONG_NOTE + " about the xylophone")
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("slash", *"xylophone")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            articles = screen.article_list
            snippet_line = articles.render_line(1).text
            assert NOTE_LABEL.strip() in snippet_line
            assert "xylophone" in snippet_line


async def test_the_notebook_shows_a_highlights_note_in_full(
    make_app: Callable[..., ReaderApp], library: Library, store: Store
) -> None:
    meta = library.rows()[0]
    quote = " ".join(["A very long quoted passage from the article body."] * 8)
    note = "This is the note on the highlight, which must be shown whole. " * 3
    store.add_highlight(meta.id, meta.path, meta.title, quote, block=1, note=note.strip())
    app = make_app(store=store, scan_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        notebook = app.screen
        assert isinstance(notebook, NotebookScreen)
        label = notebook.shown[0].label().plain
        lines = label.split("\n")
        assert "— " + note.strip() in [line.strip() for line in lines]
        assert any(line.strip().startswith("“A very long") for line in lines)
        assert len(label) < len(quote) + len(note) + len(meta.title) + 20


async def test_the_notebook_filter_finds_a_highlight_by_its_note(
    make_app: Callable[..., ReaderApp], library: Library, store: Store
) -> None:
    meta = library.rows()[0]
    store.add_highlight(meta.id, meta.path, meta.title, "A quoted line.", block=1, note="zebra")
    store.add_highlight(meta.id, meta.path, meta.title, "Another line.", block=2)
    app = make_app(store=store, scan_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"zebra")
        await settle(pilot)
        notebook = app.screen
        assert isinstance(notebook, NotebookScreen)
        assert [entry.note for entry in notebook.shown] == ["zebra"]
