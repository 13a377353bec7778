"""Pilot tests: the user's data keys (bookmarks, tags, read state, notes, highlights, views)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.library import Library
from reader.store import Position, Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.note_editor import NoteEditor
from reader.ui.screens.notebook import NotebookScreen

from .conftest import settle

SIZE = (100, 30)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real store file, as the app uses it."""
    with Store.open(tmp_path / "store.json") as opened:
        yield opened


@pytest.fixture
def app(make_app: Callable[..., ReaderApp], store: Store) -> ReaderApp:
    return make_app(store=store, scan_on_start=False)


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def listed_ids(screen: MainScreen) -> list[str]:
    rows = screen.article_list.rows
    return [rows[i].id for i in range(len(rows))]


def pane_text(screen: MainScreen) -> list[str]:
    """Every laid-out line of the open article, as plain text."""
    layout = screen.reading_pane.document
    assert layout is not None
    return [layout.text(i).plain for i in range(len(layout))]


async def open_first(pilot: Pilot[None]) -> MainScreen:
    """Open the first article; enter moves the focus to the reading pane."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return main_screen(pilot.app)  # type: ignore[arg-type]


# --- bookmarks ----------------------------------------------------------------------------


async def test_b_toggles_a_bookmark_in_the_store_and_the_list(app, library: Library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.article_list.markers is not None
        assert screen.article_list.markers(first.id) == "•"  # unread
        await pilot.press("b")
        await settle(pilot)
        assert store.is_bookmarked(first.id)
        assert screen.article_list.markers(first.id) == "•★"  # unread and bookmarked
        assert store.bookmark_for(first.id).title == first.title  # type: ignore[union-attr]
        await pilot.press("b")
        await settle(pilot)
        assert not store.is_bookmarked(first.id)


async def test_the_pane_header_shows_the_bookmark_and_its_tags(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        assert not any("Bookmarked" in line for line in pane_text(screen))
        await pilot.press("b")
        await settle(pilot)
        assert any("★ Bookmarked" in line for line in pane_text(screen))


async def test_t_edits_tags_with_completion_from_existing_ones(app, library, store) -> None:
    rows = library.rows()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"politics, asia", "enter")
        await settle(pilot)
        assert store.bookmark_for(rows[0].id).tags == ("politics", "asia")  # type: ignore[union-attr]
        await pilot.press("j", "t", *"po")
        await settle(pilot)
        await pilot.press("right", "enter")  # accept the suggested completion
        await settle(pilot)
        assert store.bookmark_for(rows[1].id).tags == ("politics",)  # type: ignore[union-attr]


async def test_escape_in_the_tags_prompt_changes_nothing(app, library, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", *"x", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert store.bookmarks() == []


# --- reading state ------------------------------------------------------------------------


async def test_m_toggles_read_and_unread(app, library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert store.reading_state_for(first.id).read  # type: ignore[union-attr]
        assert main_screen(app).article_list.markers(first.id) == ""  # type: ignore[misc]
        await pilot.press("m")
        await settle(pilot)
        assert not store.reading_state_for(first.id).read  # type: ignore[union-attr]


async def test_reaching_the_end_marks_read_and_opening_is_recorded(app, library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_first(pilot)
        await settle(pilot)
        state = store.reading_state_for(first.id)
        assert state is not None and state.last_opened is not None and not state.read
        await pilot.press("G")
        await settle(pilot)
        assert store.reading_state_for(first.id).read  # type: ignore[union-attr]


async def test_the_position_is_saved_on_leaving_and_restored_on_return(app, library, store):
    rows = library.rows()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        await pilot.press("j", "j", "j", "j", "j", "j", "j", "j")
        await settle(pilot)
        anchor = screen.reading_pane.top_anchor()
        assert anchor is not None and anchor[0] > 0
        await pilot.press("right_square_bracket")  # open the next article
        await settle(pilot)
        position = store.reading_state_for(rows[0].id).position  # type: ignore[union-attr]
        assert position is not None and position.block == anchor[0]
        await pilot.press("left_square_bracket")  # and back
        await settle(pilot)
        assert screen.reading_pane.top_anchor()[0] == anchor[0]  # type: ignore[index]


# --- notes --------------------------------------------------------------------------------


async def test_n_writes_a_note_saved_with_ctrl_s_and_shown_under_the_article(
    app, library, store
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Worth a follow-up", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert store.note_for(first.id).text == "Worth a follow-up"  # type: ignore[union-attr]
        text = pane_text(screen)
        assert "Your note" in text and "Worth a follow-up" in text


async def test_e_edits_the_note_and_an_empty_note_is_removed(app, library, store) -> None:
    first = library.rows()[0]
    store.set_note(first.id, first.path, first.title, "old")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.editor.text == "old"
        await pilot.press("backspace", "backspace", "backspace", "ctrl+s")
        await settle(pilot)
        assert store.note_for(first.id) is None


async def test_escape_asks_before_dropping_changes(app, library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *"draft", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert store.note_for(first.id) is None


async def test_enter_in_the_discard_dialog_keeps_the_changes(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", *"draft", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the safe answer: keep editing
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.editor.text == "draft"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [note.text for note in store.notes()] == ["draft"]


async def test_escape_without_changes_closes_at_once(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "escape")
        assert isinstance(app.screen, MainScreen)
        assert store.notes() == []


# --- highlights ---------------------------------------------------------------------------


async def test_h_highlights_the_paragraph_under_the_cursor(app, library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        await pilot.press("right_curly_bracket", "right_curly_bracket", "h")
        await settle(pilot)
        [highlight] = store.highlights_for(first.id)
        blocks = screen.reading_pane.article.blocks  # type: ignore[union-attr]
        assert highlight.block == 1
        assert highlight.quote == blocks[1].text
        assert highlight.prefix.endswith("\n\n") and highlight.suffix.startswith("\n\n")
        assert screen.reading_pane._decorations.highlights == {1: [(0, len(blocks[1].text))]}
        await pilot.press("h")  # again: removed
        await settle(pilot)
        assert store.highlights_for(first.id) == []


async def test_shift_h_highlights_with_a_note(app, library, store) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        await pilot.press("H")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"key point", "enter")
        await settle(pilot)
        [highlight] = store.highlights_for(first.id)
        assert highlight.note == "key point" and highlight.block == 0
        assert any("key point" in line for line in pane_text(screen))


async def test_an_orphaned_highlight_is_listed_under_the_article(app, library, store) -> None:
    first = library.rows()[0]
    store.add_highlight(first.id, first.path, first.title, "words no longer in the text")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_first(pilot)
        text = pane_text(screen)
        assert any(line.startswith("Orphaned highlights") for line in text)
        assert any("words no longer in the text" in line for line in text)
        assert len(store.highlights_for(first.id)) == 1


# --- views --------------------------------------------------------------------------------


async def test_bookmarks_and_continue_reading_views(app, library: Library, store) -> None:
    rows = library.rows()
    all_ids = [rows[i].id for i in range(len(rows))]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "b", "j", "j", "b")
        await settle(pilot)
        await pilot.press("B")
        assert screen.view == "bookmarks"
        assert listed_ids(screen) == [all_ids[3], all_ids[1]]  # newest bookmark first
        await pilot.press("escape")
        assert screen.view is None and listed_ids(screen) == all_ids
        await pilot.press("g", "enter")
        await settle(pilot)
        await pilot.press("escape", "c")
        assert screen.view == "continue" and listed_ids(screen) == [all_ids[0]]
        await pilot.press("escape")
        assert listed_ids(screen) == all_ids


# --- notices and restarting ---------------------------------------------------------------


async def test_repairs_made_on_open_are_shown(make_app, tmp_path: Path) -> None:
    path = tmp_path / "damaged.json"
    path.write_text('{"bookmarks": {"1": ', encoding="utf-8")
    with Store.open(path) as damaged:
        assert damaged.notices
        app = make_app(store=damaged, scan_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any(notice in messages for notice in damaged.notices)


async def test_everything_is_there_after_a_restart(make_app, library, tmp_path: Path) -> None:
    first = library.rows()[0]
    path = tmp_path / "store.json"
    with Store.open(path) as store:
        app = make_app(store=store, scan_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_first(pilot)
            await pilot.press(*"jjjjjjjjjj")
            await settle(pilot)
            anchor = screen.reading_pane.top_anchor()
            assert anchor is not None and anchor[0] > 0
            await pilot.press("b", "h", "m")  # bookmark, highlight the top paragraph, read
            await pilot.press("n", *"remember this", "ctrl+s")
            await settle(pilot)
        # Quitting saved the position without waiting for the debounce.
    with Store.open(path) as store:
        state = store.reading_state_for(first.id)
        assert state is not None and state.read and state.position is not None
        assert state.position == Position(anchor[0], state.position.fingerprint)
        app = make_app(store=store, scan_on_start=False)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_first(pilot)
            await settle(pilot)
            assert screen.article_list.markers(first.id) == " ★"  # type: ignore[misc]
            assert screen.annotator.user.is_read(first.id)
            assert screen.reading_pane.top_anchor()[0] == anchor[0]  # type: ignore[index]
            assert "remember this" in pane_text(screen)
            assert anchor[0] in screen.reading_pane._decorations.highlights
        assert store.is_bookmarked(first.id)
        assert store.note_for(first.id).text == "remember this"  # type: ignore[union-attr]
        assert [h.block for h in store.highlights_for(first.id)] == [anchor[0]]


async def test_the_notebook_filters_and_jumps_to_the_passage(app, library, store) -> None:
    rows = library.rows()
    store.set_note(rows[0].id, rows[0].path, rows[0].title, "about railways")
    store.add_highlight(rows[2].id, rows[2].path, rows[2].title, "Paragraph 4 goes on", block=3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        notebook = app.screen
        assert isinstance(notebook, NotebookScreen)
        assert {entry.kind for entry in notebook.shown} == {"Note", "Highlight"}
        await pilot.press(*"paragraph")
        assert [entry.article_id for entry in notebook.shown] == [rows[2].id]
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.opened_id == rows[2].id
        assert screen.reading_pane.top_anchor()[0] == 3  # type: ignore[index]
        assert screen.article_list.current.id == rows[2].id  # type: ignore[union-attr]


async def test_the_scan_relinks_a_bookmark_whose_article_id_changed(
    make_app: Callable[..., ReaderApp], library: Library, store: Store
) -> None:
    # A bookmark made under an id the catalog no longer gives (say the cache was deleted
    # after the file was edited) still remembers the article's path.
    meta = library.rows()[0]
    store.add_bookmark("0123456789abcdef", meta.path, meta.title)
    app = make_app(store=store, scan_on_start=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main_screen(app).annotator.user.bookmarks.keys() == {meta.id}
    assert [b.article_id for b in store.bookmarks()] == [meta.id]


async def test_a_note_saved_in_the_app_is_found_by_search(
    make_app: Callable[..., ReaderApp], library: Library, store: Store, tmp_path: Path
) -> None:
    from reader.search import SearchIndex

    first = library.rows()[0]
    with SearchIndex.open(tmp_path / "index") as index:
        app = make_app(store=store, scan_on_start=False, index=index)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_first(pilot)
            await pilot.press("n", *"Ask about the xylophone", "ctrl+s")
            await settle(pilot)
            await pilot.press("slash", *"xylophone")
            await settle(pilot)
            results = screen.search_bar.results
            assert results is not None
            assert [hit.id for hit in results.hits] == [first.id]
            assert results.hits[0].in_notes


async def test_a_key_typed_just_after_quitting_opens_no_screen(app) -> None:
    """`q n` typed together: the note editor opened while the app closed, and crashed."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key("n", "n"))
        for _ in range(5):
            await pilot.pause()
        assert not any(isinstance(screen, NoteEditor) for screen in app.screen_stack)
