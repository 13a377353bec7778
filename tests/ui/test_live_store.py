"""Pilot tests: the app never overwrites what another writer put in the store while it was open.

The other writer is the real CLI in a subprocess, or a second Store on the same file.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from reader import paths
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import PromptScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.note_editor import NoteEditor
from tests.conftest import PROJECT_ROOT

from .conftest import settle

SIZE = (100, 30)


@pytest.fixture
def store_path() -> Path:
    """The store file the CLI uses too (under the test's READER_HOME)."""
    return paths.data_dir() / "store.json"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store.open(store_path) as opened:
        yield opened


@pytest.fixture
def app(make_app: Callable[..., ReaderApp], store: Store) -> ReaderApp:
    return make_app(store=store, scan_on_start=False)


def cli(news_dir: Path, *argv: str) -> None:
    """Run `reader ARGV -l NEWS_DIR` in its own process; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "reader", *argv, "-l", str(news_dir)],
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()


def other_writer(store_path: Path, write: Callable[[Store], object]) -> None:
    """Write through a second Store on the same file, as another app would."""
    with Store.open(store_path) as other:
        write(other)


def main_screen(app: ReaderApp) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app run (its timers included) until `condition` holds, or give up."""
    for _ in range(150):
        if condition():
            return
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
    assert condition()


# --- the repro: a note and a tag written by the CLI while the app is open ------------------


async def test_cli_note_and_tag_survive_editing_in_the_app(
    app: ReaderApp, library: Library, news_dir: Path, store: Store
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cli(news_dir, "note", first.id, "CLI-NOTE")
        cli(news_dir, "bookmark", first.id, "--tag", "cli-tag")
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert editor.query_one(TextArea).text == "CLI-NOTE"
        await pilot.press(*" and APP-NOTE", "ctrl+s")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "cli-tag, "
        await pilot.press(*"app-tag", "enter")
        await settle(pilot)
    note = store.note_for(first.id)
    assert note is not None and note.text == "CLI-NOTE and APP-NOTE"
    bookmark = store.bookmark_for(first.id)
    assert bookmark is not None and set(bookmark.tags) == {"cli-tag", "app-tag"}


async def test_a_note_appended_by_the_cli_while_the_editor_is_open_is_kept(
    app: ReaderApp, library: Library, news_dir: Path, store: Store
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"APP-NOTE")
        cli(news_dir, "note", first.id, "CLI-NOTE")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_for(
            pilot, lambda: "CLI-NOTE" in main_screen(app).annotator.user.notes.get(first.id, "")
        )
    note = store.note_for(first.id)
    assert note is not None
    assert "APP-NOTE" in note.text and "CLI-NOTE" in note.text


async def test_an_edit_of_an_old_note_keeps_what_was_appended_meanwhile(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    first = library.rows()[0]
    store.set_note(first.id, first.path, first.title, "First thoughts.")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        app.screen.query_one(TextArea).text = "Rewritten thoughts."
        other_writer(store_path, lambda s: s.append_note(first.id, first.path, first.title, "PS"))
        await pilot.press("ctrl+s")
        await settle(pilot)
    note = store.note_for(first.id)
    assert note is not None and note.text == "Rewritten thoughts.\n\nPS"


async def test_tags_added_elsewhere_while_the_prompt_is_open_are_kept(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    first = library.rows()[0]
    store.add_bookmark(first.id, first.path, first.title, ["old", "gone"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        other_writer(store_path, lambda s: s.add_bookmark_tags(first.id, "", "", ["theirs"]))
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one(Input).value = "old, mine"  # "gone" deleted, "mine" added
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(
            pilot, lambda: "theirs" in main_screen(app).annotator.user.bookmarks[first.id]
        )
    bookmark = store.bookmark_for(first.id)
    assert bookmark is not None and set(bookmark.tags) == {"old", "mine", "theirs"}


async def test_an_emptied_note_does_not_delete_a_note_written_meanwhile(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    first = library.rows()[0]
    store.set_note(first.id, first.path, first.title, "Mine.")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        app.screen.query_one(TextArea).text = ""
        other_writer(store_path, lambda s: s.set_note(first.id, first.path, first.title, "Theirs."))
        await pilot.press("ctrl+s")
        await settle(pilot)
    note = store.note_for(first.id)
    assert note is not None and note.text == "Theirs."


# --- noticing outside changes without a key -------------------------------------------------


async def test_the_list_markers_follow_outside_writes_on_a_timer(
    app: ReaderApp, library: Library, store_path: Path
) -> None:
    first, second = library.rows()[0], library.rows()[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.article_list.markers is not None
        assert screen.article_list.markers(first.id) == "•"

        def write(other: Store) -> None:
            other.add_bookmark(first.id, first.path, first.title)
            other.set_read(second.id, second.path, second.title)

        other_writer(store_path, write)
        await wait_for(pilot, lambda: screen.annotator.user.marker(first.id) == "•★")
        assert screen.article_list.markers(first.id) == "•★"
        assert screen.article_list.markers(second.id) == ""
        rendered = screen.article_list.render_line(0).text
        assert "★" in rendered


async def test_the_open_articles_highlights_and_note_follow_outside_writes(
    app: ReaderApp, library: Library, store_path: Path
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        article = screen.reading_pane.article
        assert article is not None
        quote = article.blocks[1].text

        def write(other: Store) -> None:
            other.add_highlight(first.id, first.path, first.title, quote, block=1)
            other.set_note(first.id, first.path, first.title, "Written elsewhere.")

        other_writer(store_path, write)
        app.post_message(events.AppFocus())  # coming back to the terminal checks at once
        await settle(pilot)
        assert screen.reading_pane._decorations.highlights.get(1)
        lines = screen.reading_pane.document
        assert lines is not None
        assert any("Written elsewhere." in lines.text(i).plain for i in range(len(lines)))


async def test_the_bookmarks_view_follows_outside_writes(
    app: ReaderApp, library: Library, store_path: Path
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = main_screen(app)
        assert len(screen.article_list.rows) == 0
        other_writer(store_path, lambda s: s.add_bookmark(first.id, first.path, first.title))
        assert screen.annotator.check_store()
        await settle(pilot)
        assert len(screen.article_list.rows) == 1
        assert "Bookmarks · 1" in screen.sub_title


async def test_app_writes_made_during_a_reload_are_not_undone(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    first, second = library.rows()[0], library.rows()[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        other_writer(store_path, lambda s: s.add_bookmark(second.id, second.path, second.title))
        screen.annotator.check_store()
        await pilot.press("b")  # bookmarks the first article while the reload is queued
        await settle(pilot)
        await asyncio.sleep(0)
        await settle(pilot)
        assert set(screen.annotator.user.bookmarks) == {first.id, second.id}
    assert store.bookmarked_ids() == {first.id, second.id}


async def test_an_outside_write_is_noticed_after_another_part_of_the_app_read_the_store(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    first = library.rows()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        other_writer(store_path, lambda s: s.add_bookmark(first.id, first.path, first.title))
        store.bookmarked_ids()  # as a search with is:bookmarked does, in its own thread
        assert not store.changed()
        assert screen.annotator.check_store()
        await settle(pilot)
        assert first.id in screen.annotator.user.bookmarks


async def test_the_apps_own_writes_do_not_look_like_outside_ones(
    app: ReaderApp, library: Library
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b", "m", "j", "b")
        await settle(pilot)
        assert not main_screen(app).annotator.check_store()


async def test_quitting_while_a_write_meets_an_outside_change_does_not_hang(
    app: ReaderApp, library: Library, store_path: Path, store: Store
) -> None:
    import faulthandler
    import time

    first = library.rows()[0]
    # A hang here would block the event loop itself: end the run with a traceback instead.
    faulthandler.dump_traceback_later(120, exit=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            other_writer(store_path, lambda s: s.add_bookmark(first.id, first.path, first.title))
            # A write still running when the app quits, after the outside change was seen.
            screen.annotator.writes.put(
                lambda: (time.sleep(0.3), store.set_read(first.id, "", "", True))
            )
            await pilot.press("q")
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert store.is_bookmarked(first.id)
    assert store.read_ids() == {first.id}
