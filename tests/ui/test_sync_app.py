"""Pilot tests: the app syncs through the settings' sync folder at start, after edits, at quit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import paths
from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.sync import sync
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen

from .conftest import settle
from .test_live_store import wait_for

SIZE = (100, 30)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open(paths.data_dir() / "store.json") as opened:
        yield opened


def other_machine(tmp_path: Path, folder: Path, write: Callable[[Store], object]) -> Path:
    """Another home that writes and syncs into the folder; its data dir."""
    data = tmp_path / "other" / "data"
    with Store.open(data / "store.json") as other:
        write(other)
    sync(folder, data=data)
    return data


def make(library: Library, store: Store, folder: Path) -> ReaderApp:
    app = ReaderApp(library, config=Config(sync_folder=str(folder)), store=store)
    app.scan_on_start = False
    app.sync_keeper.DEBOUNCE = 0.2
    return app


def screen_of(app: ReaderApp) -> MainScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def test_what_another_machine_wrote_shows_after_the_start_sync(
    tmp_path: Path, folder: Path, library: Library, store: Store
) -> None:
    first, second = library.rows()[0], library.rows()[1]
    other_machine(tmp_path, folder, lambda s: s.add_bookmark(first.id, "/srv/x", "X", ["far"]))
    # An article this machine does not have: its records wait in the store.
    other_machine(tmp_path, folder, lambda s: s.set_note("not-here", "/srv/y", "Y", "kept"))
    app = make(library, store, folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: first.id in screen_of(app).annotator.user.bookmarks)
        assert screen_of(app).annotator.user.bookmarks[first.id] == ("far",)
        # An edit in the app goes out after a short pause.
        runs = app.sync_keeper.runs
        store.set_note(second.id, second.path, second.title, "written here")
        await wait_for(pilot, lambda: app.sync_keeper.runs > runs)
    assert app.sync_keeper.at_quit() is None
    note = store.note_for("not-here")
    assert note is not None and note.text == "kept"
    data = tmp_path / "third" / "data"
    sync(folder, data=data)
    with Store.open(data / "store.json") as third:
        found = third.note_for(second.id)
        assert found is not None and found.text == "written here"


async def test_a_bookmark_made_with_a_key_reaches_the_folder_at_quit(
    tmp_path: Path, folder: Path, library: Library, store: Store
) -> None:
    first = library.rows()[0]
    app = make(library, store, folder)
    app.sync_keeper.DEBOUNCE = 3600.0  # only the quit sync carries it
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
    assert app.sync_keeper.at_quit() is None
    data = tmp_path / "other" / "data"
    sync(folder, data=data)
    with Store.open(data / "store.json") as other:
        assert other.is_bookmarked(first.id)


async def test_a_missing_sync_folder_says_so_and_keeps_edits(
    tmp_path: Path, library: Library, store: Store
) -> None:
    first = library.rows()[0]
    app = make(library, store, tmp_path / "not-mounted")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.sync_keeper.error is not None)
        await pilot.press("b")
        await settle(pilot)
    assert "does not exist" in (app.sync_keeper.error or "")
    assert store.is_bookmarked(first.id)
    assert app.sync_keeper.at_quit() is not None
