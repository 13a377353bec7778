"""Pilot tests: sort order and theme are saved to config.toml and restored by a new app."""

from __future__ import annotations

from reader import config
from reader.library import Library
from reader.ui.screens.main import MainScreen

from .conftest import settle

SIZE = (100, 30)


async def test_sort_key_reorders_and_is_saved(make_app, library: Library) -> None:
    app = make_app()
    by_title = library.rows("title")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("s")
        await settle(pilot)
        rows = screen.article_list.rows
        assert [rows[i].id for i in range(len(rows))] == [
            by_title[i].id for i in range(len(by_title))
        ]
    assert config.load().config.sort == "title"


async def test_sort_keeps_the_cursor_on_the_same_article(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("j", "j")
        before = screen.article_list.current
        await pilot.press("s")
        await settle(pilot)
        assert screen.article_list.current == before


async def test_saved_sort_is_used_by_a_new_app(make_app) -> None:
    config.save(config.Config(sort="title"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.sort == "title"


async def test_theme_change_is_saved_and_restored(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert config.load().config.theme == "nord"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_unknown_saved_theme_is_ignored(make_app) -> None:
    config.save(config.Config(theme="no-such-theme"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"


async def test_bad_config_file_warns_and_uses_defaults(make_app, reader_home) -> None:
    config_path = config.paths.config_file()
    config_path.write_text("theme = [unclosed", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [n.severity for n in app._notifications] == ["warning"]
        assert app.settings == config.Config()
