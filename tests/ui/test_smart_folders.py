"""Pilot tests of smart folders: saved searches pinned in the feeds view with live counts, and
the built-ins (Unread, Bookmarks, Continue reading, Notebook)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.config import Config
from reader.library import Library
from reader.search import SearchIndex
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from reader.ui.screens.feeds import FeedsScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.notebook import NotebookScreen
from reader.ui.widgets.feed_tree import TreeRow
from tests.conftest import SAMPLE_DATA

from .conftest import settle

QUERY = "summit"
HITS = 4
"""Sample articles that mention a summit."""


@pytest.fixture
def sample_library() -> Iterator[Library]:
    with Library([SAMPLE_DATA]) as library:
        library.scan()
        yield library


@pytest.fixture
def index(sample_library: Library, tmp_path: Path) -> Iterator[SearchIndex]:
    with SearchIndex.open(tmp_path / "index") as built:
        built.add(sample_library.load(article_id) for article_id in sample_library.ids())
        built.commit()
        yield built


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as opened:
        yield opened


@pytest.fixture
def app(sample_library: Library, index: SearchIndex, store: Store) -> ReaderApp:
    return ReaderApp(sample_library, config=Config(), scan_on_start=False, index=index, store=store)


def main(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def smart_rows(pilot: Pilot[None]) -> dict[str, TreeRow]:
    screen = pilot.app.screen
    assert isinstance(screen, FeedsScreen)
    return {row.label: row for row in screen.feed_tree.rows if row.kind in ("smart", "search")}


async def open_view(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FeedsScreen)


async def pick(pilot: Pilot[None], label: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, FeedsScreen)
    tree = screen.feed_tree
    tree.cursor = next(n for n, row in enumerate(tree.rows) if row.label == label)
    await pilot.press("enter")
    await settle(pilot)


async def test_ctrl_s_in_the_search_bar_saves_a_smart_folder_with_a_live_count(
    app: ReaderApp, store: Store
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *QUERY)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Summits", "enter")
        await settle(pilot)
        assert [(s.name, s.query) for s in store.saved_searches()] == [("Summits", QUERY)]
        await pilot.press("escape", "escape")
        await open_view(pilot)
        assert smart_rows(pilot)["Summits"].unread == HITS
        await pick(pilot, "Summits")
        screen = main(pilot)
        assert screen.search_bar.search_query == QUERY
        assert len(screen.article_list.rows) == HITS


async def test_a_saved_search_of_unread_articles_counts_down_as_they_are_read(
    app: ReaderApp, store: Store
) -> None:
    store.save_search("Unread summits", f"{QUERY} is:unread")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        assert smart_rows(pilot)["Unread summits"].unread == HITS
        await pick(pilot, "Unread summits")
        await pilot.press("m")  # the first result: read
        await settle(pilot)
        await pilot.press("escape", "escape")
        await open_view(pilot)
        assert smart_rows(pilot)["Unread summits"].unread == HITS - 1


async def test_built_in_folders_count_and_open_their_lists(
    app: ReaderApp, store: Store, sample_library: Library
) -> None:
    total = len(sample_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b", "m")  # bookmark the first article and mark it read
        await settle(pilot)
        await open_view(pilot)
        rows = smart_rows(pilot)
        assert (rows["Unread"].unread, rows["Bookmarks"].unread) == (total - 1, 1)
        assert rows["Continue reading"].unread == 0
        await pick(pilot, "Bookmarks")
        assert main(pilot).view == "bookmarks"
        await pilot.press("escape", "j", "m")  # one more read, after the last count
        await pilot.pause()
        screen = main(pilot)
        now = {row.key: row.unread for row in screen.feeds.rows(screen.annotator.user)}
        assert now["unread"] == total - 2  # the rows follow it before any new count
        await pilot.press("k")
        await pilot.press("escape")
        await open_view(pilot)
        await pick(pilot, "Unread")
        screen = main(pilot)
        assert screen.search_bar.search_query == "is:unread"
        assert len(screen.article_list.rows) == total - 2
        await pilot.press("escape")
        await open_view(pilot)
        await pick(pilot, "Notebook")
        assert isinstance(app.screen, NotebookScreen)


async def test_d_removes_a_saved_search_after_asking(app: ReaderApp, store: Store) -> None:
    store.save_search("Summits", QUERY)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        screen = app.screen
        assert isinstance(screen, FeedsScreen)
        tree = screen.feed_tree
        tree.cursor = next(n for n, row in enumerate(tree.rows) if row.label == "Summits")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "Summits" not in smart_rows(pilot)
    assert store.saved_searches() == []
