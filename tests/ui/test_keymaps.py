"""Pilot tests: the keys in config.toml's [keys] and the newsboat preset are the keys in force,
in the app, its help and its palette; bad entries are one warning, never a crash."""

from __future__ import annotations

from textual.command import CommandList

from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.help import HelpScreen, help_text
from reader.ui.screens.links import LinksScreen
from reader.ui.screens.main import MainScreen

from .conftest import settle


def make(library: Library, store: Store | None = None, **settings: object) -> ReaderApp:
    return ReaderApp(library, config=Config(**settings), scan_on_start=False, store=store)  # type: ignore[arg-type]


async def test_a_key_from_the_keys_table_runs_its_action(library: Library) -> None:
    app = make(library, keys={"main.links": "ctrl+l"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L")  # no longer the key
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LinksScreen)
        assert not app._notifications  # no warning


async def test_the_newsboat_preset(library: Library) -> None:
    store = Store.in_memory()
    app = make(library, store, keys_preset="newsboat")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        first = main.article_list.current
        assert first is not None
        await pilot.press("N")  # newsboat's toggle-read
        await settle(pilot)
        assert store.read_ids() == {first.id}
        await pilot.press("J", "J")  # the first article, then the next one
        await settle(pilot)
        assert main.opened_id is not None and main.opened_id != first.id
        await pilot.press("q")  # back to the list, not quitting
        await pilot.pause()
        assert app.is_running and main.article_list.has_focus
        await pilot.press("Q")
        await pilot.pause()
    assert not app.is_running


async def test_bad_entries_warn_once_and_the_good_ones_work(library: Library) -> None:
    keys = {"main.nope": "x", "main.links": "ctrl+", "main.stats": "ctrl+t"}
    app = make(library, keys=keys, keys_preset="emacs")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert "main.nope" in warnings[0].message and "emacs" in warnings[0].message
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("L")  # a bad entry leaves the default key
        await pilot.pause()
        assert isinstance(app.screen, LinksScreen)
        await pilot.press("escape", "ctrl+t")
        await settle(pilot)
        assert type(app.screen).__name__ == "StatsScreen"


async def test_help_and_palette_show_the_keys_in_force(library: Library) -> None:
    app = make(library, keys={"main.toggle-bookmark": "ctrl+b"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert help_text(app.keymap) != help_text()
        bookmark_row = next(
            line for line in help_text(app.keymap).splitlines() if "Bookmark the article" in line
        )
        assert bookmark_row.startswith("| `ctrl+b` |")
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"Bookmark article")
        commands = app.screen.query_one(CommandList)
        shown = ""
        for _ in range(100):
            await pilot.pause()
            if commands.option_count:
                shown = str(commands.get_option_at_index(0).prompt)
                if shown.startswith("Bookmark article"):
                    break
        assert "(key: ctrl+b)" in shown
