"""Pilot tests: moving in the list, opening articles, the mouse and the keys around them."""

from __future__ import annotations

from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.article_list import ArticleList

from .conftest import settle

SIZE = (100, 30)


def ids(library: Library, sort: str = "date") -> list[str]:
    rows = library.rows(sort)
    return [rows[i].id for i in range(len(rows))]


def main_screen(app: ReaderApp) -> MainScreen:
    assert isinstance(app.screen, MainScreen)
    return app.screen


async def test_startup_lists_the_catalog_newest_first(make_app, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        rows = screen.article_list.rows
        assert [rows[i].id for i in range(len(rows))] == ids(library)
        assert screen.title == "news"
        assert screen.sub_title == "4 articles"
        assert app.focused is screen.article_list


async def test_keys_move_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = main_screen(app).article_list
        await pilot.press("j", "j")
        assert articles.cursor == 2
        await pilot.press("k")
        assert articles.cursor == 1
        await pilot.press("down", "down", "down")
        assert articles.cursor == 3  # stops at the last row
        await pilot.press("up")
        assert articles.cursor == 2
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("G")
        assert articles.cursor == 3
        await pilot.press("home")
        assert articles.cursor == 0


async def test_enter_opens_the_article_under_the_cursor(make_app, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        second = library.rows("date")[1]
        assert screen.opened_id == second.id
        assert screen.status.message == second.title
        assert screen.status.progress is not None


async def test_l_opens_too(make_app, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert main_screen(app).opened_id == ids(library)[0]


async def test_brackets_open_next_and_previous(make_app, library: Library) -> None:
    app = make_app()
    order = ids(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.opened_id == order[0]  # nothing open yet: opens the current row
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.opened_id == order[2]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.opened_id == order[1]
        assert screen.article_list.cursor == 1


async def test_brackets_step_from_the_open_article_not_the_cursor(make_app, library) -> None:
    app = make_app()
    order = ids(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "enter")  # open the second article
        await settle(pilot)
        await pilot.press("escape", "j", "j")  # back in the list, the cursor on the last row
        assert screen.article_list.cursor == 3
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.opened_id == order[2]
        assert screen.article_list.cursor == 2
        await pilot.press("k", "k", "left_square_bracket")
        await settle(pilot)
        assert screen.opened_id == order[1]
        assert screen.article_list.cursor == 1


async def test_enter_moves_to_the_article_and_escape_back_to_the_list(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is screen.reading_pane
        await pilot.press("j", "j")
        assert screen.reading_pane.scroll_offset.y == 2  # j scrolls the article
        assert screen.article_list.cursor == 0
        await pilot.press("space")
        assert screen.reading_pane.scroll_offset.y > 2
        await pilot.press("escape", "j")
        assert app.focused is screen.article_list
        assert screen.article_list.cursor == 1


async def test_one_pane_layout_enter_reads_and_escape_returns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reading and app.focused is screen.reading_pane
        await pilot.press("j")
        assert screen.reading_pane.scroll_offset.y == 1
        await pilot.press("escape")
        assert not screen.reading and app.focused is screen.article_list
        await pilot.press("j")
        assert screen.article_list.cursor == 1


async def test_a_bookmarked_row_still_shows_whether_it_is_unread(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = main_screen(app).article_list

        def lead() -> str:
            return articles.render_line(0).text[:3]

        assert lead() == "•  "  # unread
        await pilot.press("b")
        await settle(pilot)
        assert lead() == "•★ "  # unread and bookmarked: both show
        await pilot.press("m")
        await settle(pilot)
        assert lead() == " ★ "  # read and bookmarked
        await pilot.press("b")
        await settle(pilot)
        assert lead() == "   "


async def test_selected_message_is_posted(make_app) -> None:
    app = make_app()
    seen: list[object] = []
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert any(isinstance(message, ArticleList.Selected) for message in seen)


async def test_click_on_a_row_opens_it(make_app, library: Library) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.click(ArticleList, offset=(5, 5))  # second line of the third row
        await settle(pilot)
        assert screen.article_list.cursor == 2
        assert screen.opened_id == ids(library)[2]


async def test_tab_switches_between_list_and_pane(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("tab")
        assert app.focused is screen.reading_pane
        await pilot.press("tab")
        assert app.focused is screen.article_list
        await pilot.press("tab", "escape")
        assert app.focused is screen.article_list


async def test_help_opens_and_closes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("f1")
        assert isinstance(app.screen, MainScreen)


async def test_reading_keys_scroll_the_help(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 16)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("j", "j")
        assert body.scroll_y == 2
        await pilot.press("k")
        assert body.scroll_y == 1
        await pilot.press("space")
        assert body.scroll_y > 2
        await pilot.press("G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        assert body.scroll_y == 0


async def palette_titles(pilot, query: str = "") -> list[str]:
    """The titles the command palette lists for `query`, top first."""
    from textual.command import CommandList

    await pilot.press("ctrl+p", *query)
    await pilot.pause(0.3)
    options = pilot.app.screen.query_one(CommandList).options
    await pilot.press("escape")
    return [str(option.prompt).split("\n")[0] for option in options]


async def test_palette_lists_no_textual_developer_entries(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = await palette_titles(pilot)
        assert titles[0] == "Open article" and titles[-2:] == ["Theme", "Quit"]
        assert "Search" in titles
        assert not {"Keys", "Maximize", "Screenshot"} & set(titles)
        await pilot.press("tab")  # a focused reading pane could be maximized
        for query in ("keys", "maxim", "screensh"):
            assert not {"Keys", "Maximize", "Screenshot"} & set(await palette_titles(pilot, query))


async def test_palette_runs_reader_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"sort by title")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(app).sort == "title"


async def test_load_error_shows_one_line(make_app, library: Library, news_dir) -> None:
    first = library.rows("date")[0]
    app = make_app(scan_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (news_dir / "railway.txt").unlink()
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.opened_id == first.id
        assert screen.status.message.startswith("Could not open this article")
        assert "\n" not in screen.status.message
        assert "Traceback" not in screen.status.message


async def test_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
