"""Pilot tests: terminal sizes, the narrow one-pane layout, the empty library, untrusted titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import paths
from reader.library import Library
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_list import ArticleList

from .conftest import house_text, settle

SIZES = [(1, 1), (5, 3), (20, 6), (40, 12), (59, 20), (80, 24), (3, 40), (200, 2), (120, 35)]


async def test_resizing_through_tiny_sizes_does_not_crash(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            await pilot.press("j", "tab", "k", "tab")
            await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize("size", [(1, 1), (5, 3), (20, 6)])
async def test_starting_tiny_does_not_crash(make_app, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter", "question_mark")
        await settle(pilot)
        assert app.is_running


async def test_20x6_is_still_usable(make_app, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=(20, 6)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.article_list.size.width >= 18
        assert screen.article_list.size.height >= 2
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.opened_id == library.rows("date")[1].id


async def test_narrow_terminal_shows_one_pane_at_a_time(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.article_list.display and not screen.reading_pane.display
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reading_pane.display and not screen.article_list.display
        assert app.focused is screen.reading_pane
        await pilot.press("escape")
        assert screen.article_list.display and not screen.reading_pane.display
        await pilot.press("tab")
        assert screen.reading_pane.display
        await pilot.press("tab")
        assert screen.article_list.display


async def test_wide_terminal_shows_both_panes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.article_list.display and screen.reading_pane.display
        assert screen.article_list.size.width >= 28
        assert screen.reading_pane.size.width >= 30


async def test_resizing_keeps_the_top_paragraph(make_app, tmp_path: Path) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    story = "BAKU, Azerbaijan, March 1. Talks opened."
    (folder / "long.txt").write_text(house_text("2025-03-01", story, 60), encoding="utf-8")
    with Library([folder]) as library:
        library.scan()
        app = make_app(library, scan_on_start=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("enter", "space", "space", "space", "space")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            pane = screen.reading_pane
            top = pane.top_anchor()
            assert top is not None and top[0] > 10
            for size in [(160, 30), (100, 70), (70, 24), (50, 20), (120, 45), (100, 30)]:
                await pilot.resize_terminal(*size)
                await settle(pilot)
                assert pane.document is not None, size  # the one-pane layout shows the article
                first = pane.scroll_offset.y
                view = range(first, first + pane.scrollable_content_region.height)
                assert pane.document.line_of(*top) in view, size
            assert pane.top_anchor() == top
            assert app.focused is pane


async def test_empty_library_says_how_to_add_articles(make_app, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    with Library([tmp_path / "nothing"]) as empty:
        app = make_app(empty)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.has_class("-empty")
            panel = screen.query_one("#empty")
            assert panel.display and not screen.article_list.display
            text = str(panel.render())
            assert "reader ~/folder" in text and "Press a to save a web page" in text
            assert str(paths.user_library_dir()) in text
            await pilot.press("j", "enter", "right_square_bracket", "s")
            await settle(pilot)
            assert app.is_running


INJECTED = "[bold]x[/bold] [/] [link=x]y \x1b[31mred\x1b[0m \x1b]8;;http://e\x07link"


async def test_markup_and_escapes_in_titles_show_literally(make_app, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "odd.txt").write_text(
        house_text("2025-01-01", f"{INJECTED} is the first sentence. More."), encoding="utf-8"
    )
    with Library([folder]) as lib:
        lib.scan()
        app = make_app(lib)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            row = app.screen.query_one(ArticleList).render_line(0).text
            assert "[bold]x[/bold] [/] [link=x]" in row
            assert "\x1b" not in row and "\x07" not in row
            status = app.screen.query_one("StatusLine").render()
            assert "[/]" in str(status)
            assert "\x1b" not in str(status)
