"""The action registry: every action runs on its owner, is reachable, is documented, and every
palette command does what it says."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.actions import parse
from textual.command import CommandList
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Markdown

from reader.library import Library
from reader.store import Store
from reader.ui import actions, help_keys
from reader.ui.app import ReaderApp
from reader.ui.commands import palette_entries
from reader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from reader.ui.screens.feeds import FeedsScreen
from reader.ui.screens.help import HelpScreen, help_text
from reader.ui.screens.links import LinksScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.note_editor import NoteEditor
from reader.ui.screens.notebook import NotebookScreen
from reader.ui.screens.related import RelatedScreen
from reader.ui.screens.review import ReviewScreen
from reader.ui.screens.stats import StatsScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchInput

from .conftest import house_text, settle

OWNERS: dict[str, type[DOMNode]] = {
    "app": ReaderApp,
    "main": MainScreen,
    "list": ArticleList,
    "pane": ReadingPane,
    "search": SearchInput,
    "help": HelpScreen,
    "note": NoteEditor,
    "notebook": NotebookScreen,
    "prompt": PromptScreen,
    "confirm": ConfirmScreen,
    "links": LinksScreen,
    "related": RelatedScreen,
    "review": ReviewScreen,
    "stats": StatsScreen,
    "feeds": FeedsScreen,
}
"""The class whose `action_*` methods run each scope's actions."""

UI = Path(__file__).resolve().parents[2] / "reader" / "ui"
ALL = [pytest.param(action, id=action.id) for action in actions.ACTIONS]


# --- the registry -------------------------------------------------------------------------


def test_every_scope_has_an_owner() -> None:
    assert set(OWNERS) == set(actions.SCOPES)
    assert {action.scope for action in actions.ACTIONS} == set(actions.SCOPES)


@pytest.mark.parametrize("action", ALL)
def test_the_action_is_a_method_of_its_owner_taking_its_parameters(
    action: actions.Action,
) -> None:
    namespace, name, parameters = parse(action.action)
    assert namespace == ""
    method = getattr(OWNERS[action.scope], f"action_{name}", None)
    assert callable(method), f"{OWNERS[action.scope].__name__} has no action_{name}"
    inspect.signature(method).bind(None, *parameters)  # raises when the arguments do not fit


@pytest.mark.parametrize("action", ALL)
def test_the_action_is_reachable_by_keys_or_the_palette(action: actions.Action) -> None:
    assert action.keys or action.palette
    # Only the main screen's and the app's actions are offered in the palette.
    assert not action.palette or action in palette_entries("main")


def test_binding_ids_are_unique_and_in_one_style() -> None:
    ids = [action.id for action in actions.ACTIONS]
    assert len(ids) == len(set(ids))
    for binding_id in ids:
        assert re.fullmatch(r"[a-z]+\.[a-z]+(-[a-z]+)*", binding_id), binding_id


def test_palette_titles_are_unique() -> None:
    titles = [action.palette for action in actions.ACTIONS if action.palette]
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("scope", actions.SCOPES)
def test_each_owner_binds_exactly_the_registry_keys(scope: str) -> None:
    owner = OWNERS[scope]
    assert owner.__dict__["BINDINGS"] == actions.bindings(scope)
    merged = owner._merge_bindings().key_to_bindings.values()
    bound = {binding.id for bindings in merged for binding in bindings if binding.id}
    wanted = {a.id for a in actions.in_scope(scope) if a.keys and not a.bound_by_textual}
    # Every registered key is bound, and nothing the registry does not know has an id.
    assert bound == wanted


def test_no_binding_is_written_outside_the_registry() -> None:
    for path in sorted(UI.rglob("*.py")):
        if path.name == "actions.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "Binding(" not in source, path
        for match in re.finditer(r"BINDINGS\b[^=\n]*=\s*(.*)", source):
            assert match.group(1).startswith("actions.bindings("), (path, match.group(0))


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown action scope"):
        actions.bindings("mian")


async def test_shift_space_pages_up_in_the_list_as_in_the_reading_pane(make_app) -> None:
    app = make_app(scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        main.article_list.cursor = 3
        await pilot.press("shift+space")
        assert main.article_list.cursor == 0


# --- the help -----------------------------------------------------------------------------


def help_sections() -> dict[str, list[tuple[str, str]]]:
    """The help's tables: heading -> rows of (key cell, text cell)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    heading = ""
    for line in help_text().splitlines():
        if line.startswith("## "):
            heading = line[3:]
            sections[heading] = []
        elif line.startswith("| ") and not line.startswith(("| :--", "| Key ")):
            keys, text = line.strip("| ").split(" | ", 1)
            sections[heading].append((keys, text))
        elif line.startswith("- **"):  # a palette title and what it does
            title, text = line[4:].split("**: ", 1)
            sections[heading].append((title, text))
    return sections


@pytest.mark.parametrize("action", ALL)
def test_the_action_is_in_the_help(action: actions.Action) -> None:
    sections = help_sections()
    if not action.keys:
        assert (action.palette, action.tooltip) in sections[actions.PALETTE_HEADING]
        return
    rows = sections[actions.SECTIONS[action.section]]
    keys = [f"`{help_keys.key_label(key)}`" for key in action.keys.split(",")]
    aliases = [f"`{help_keys.key_label(key)}`" for key in action.aliases.split(",") if key]
    found = [
        text
        for cell, text in rows
        if all(key in cell.split() for key in keys) and all(alias in text for alias in aliases)
    ]
    assert found, f"no help row lists {keys} (also {aliases})"
    if action.help:
        assert any(text.startswith(action.help) for text in found)


def test_rows_shared_by_actions_have_one_text_and_one_section() -> None:
    rows: dict[str, list[actions.Action]] = {}
    for action in actions.ACTIONS:
        if action.row:
            rows.setdefault(action.row, []).append(action)
    for name, members in rows.items():
        assert len(members) > 1, name
        assert sum(bool(member.help) for member in members) == 1, name
        assert len({member.section for member in members}) == 1, name


def test_sections_are_known_and_palette_only_actions_have_their_own() -> None:
    for action in actions.ACTIONS:
        assert (action.section == "palette") == (not action.keys), action.id
        assert action.section == "palette" or action.section in actions.SECTIONS, action.id


def test_key_labels() -> None:
    assert help_keys.key_label("question_mark") == "?"
    assert help_keys.key_label("ctrl+down") == "ctrl+↓"
    assert help_keys.key_label("right_curly_bracket") == "}"
    assert help_keys.key_label("j") == "j"


def test_the_help_keeps_its_prose_around_the_tables() -> None:
    text = help_text()
    assert text.startswith("# Keys\n")
    assert "<!-- key tables -->" not in text
    assert "The mouse works too" in text and "config.toml" in text
    assert "`ctrl+p`" in text  # the palette's key, which Textual binds itself


async def test_the_help_screen_shows_the_registry_tables(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one(Markdown).source == help_text()


# --- every palette command runs its action --------------------------------------------------

Run = Callable[[], Awaitable[None]]
Check = Callable[[Pilot[None], MainScreen, Store, Run], Awaitable[None]]


def listed(main: MainScreen) -> list[str]:
    rows = main.article_list.rows
    return [rows[i].id for i in range(len(rows))]


def notified(pilot: Pilot[None], text: str) -> bool:
    return any(text in notice.message for notice in pilot.app._notifications)


async def open_row(pilot: Pilot[None], main: MainScreen, index: int) -> None:
    main.article_list.cursor = index
    await pilot.press("enter")
    await settle(pilot)


async def check_open(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    main.article_list.cursor = 1
    await run()
    assert main.opened_id == listed(main)[1]


async def check_next(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await open_row(pilot, main, 0)
    await run()
    assert main.opened_id == listed(main)[1]


async def check_previous(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await open_row(pilot, main, 2)
    await run()
    assert main.opened_id == listed(main)[1]


async def check_sort_date(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    main.sort = "title"
    await settle(pilot)
    await run()
    assert main.sort == "date"


async def check_sort_title(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert main.sort == "title"


async def check_help(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, HelpScreen)


async def check_focus_list(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    main.reading_pane.focus()
    await run()
    assert pilot.app.focused is main.article_list


async def check_focus_pane(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert pilot.app.focused is main.reading_pane


async def check_rescan(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    folder = main.library.roots[0]
    (folder / "ferry.txt").write_text(house_text("2025-04-02", "A new ferry."), encoding="utf-8")
    await run()
    assert len(listed(main)) == 5


async def check_add(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, PromptScreen)


async def check_import(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, PromptScreen)


async def check_fetch(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()  # nothing was imported, so there is nothing to fetch
    for _ in range(50):
        if notified(pilot, "Fetched 0 pages"):
            break
        await pilot.pause(0.05)
    assert notified(pilot, "Fetched 0 pages, 0 failed, 0 still to fetch")


async def check_feeds(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()  # this app was given no feeds: the action says so
    assert notified(pilot, "Feeds are not available")


async def check_bookmark(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert store.bookmarked_ids() == {listed(main)[0]}


async def check_tags(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press(*"ports", "enter")
    await settle(pilot)
    bookmark = store.bookmark_for(listed(main)[0])
    assert bookmark is not None and bookmark.tags == ("ports",)


async def check_read(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert store.read_ids() == {listed(main)[0]}


async def check_note(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, NoteEditor)


async def check_highlight(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await open_row(pilot, main, 0)
    await run()
    assert len(store.highlights_for(listed(main)[0])) == 1


async def check_bookmarks(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert main.view == "bookmarks"


async def check_continue(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert main.view == "continue"


async def check_notebook(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, NotebookScreen)


async def check_samples(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()  # tests/ui/test_samples.py removes real samples; this library has none
    assert notified(pilot, "The sample articles are not in this library")


async def check_search(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert main.search_bar.has_focus_within


async def check_order(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    assert main.search_bar.search_order == "relevance"
    await run()
    assert main.search_bar.search_order == "date"


async def check_browser(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()  # house-format articles have no web address: the action says so
    assert notified(pilot, "This article has no web address")


async def check_links(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await open_row(pilot, main, 0)
    await run()
    assert isinstance(pilot.app.screen, LinksScreen)


async def check_related(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, RelatedScreen)


async def check_review(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, ReviewScreen)


async def check_stats(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, StatsScreen)


async def check_feeds_view(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert isinstance(pilot.app.screen, FeedsScreen)


async def check_next_unread(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    assert main.opened_id == listed(main)[0]


async def check_mark_all(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await run()
    await pilot.press("y")
    await settle(pilot)
    assert store.read_ids() == set(listed(main))


async def check_undo_read(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    main.unread.mark_read(listed(main), "the list")
    await settle(pilot)
    await run()
    assert store.read_ids() == set()


async def check_save_search(pilot: Pilot[None], main: MainScreen, store: Store, run: Run) -> None:
    await main.feeds_manager.search_for("railway")
    await settle(pilot)
    await run()
    await pilot.press("enter")  # the name offered is the query itself
    await settle(pilot)
    assert [(s.name, s.query) for s in store.saved_searches()] == [("railway", "railway")]


CHECKS: dict[str, Check] = {
    "main.open-browser": check_browser,
    "main.links": check_links,
    "main.related": check_related,
    "main.review": check_review,
    "main.stats": check_stats,
    "main.open": check_open,
    "main.next-article": check_next,
    "main.prev-article": check_previous,
    "main.sort-date": check_sort_date,
    "main.sort-title": check_sort_title,
    "main.focus-list": check_focus_list,
    "main.focus-pane": check_focus_pane,
    "main.rescan": check_rescan,
    "main.add-article": check_add,
    "main.refresh-feeds": check_feeds,
    "main.import-file": check_import,
    "main.fetch-links": check_fetch,
    "main.toggle-bookmark": check_bookmark,
    "main.edit-tags": check_tags,
    "main.toggle-read": check_read,
    "main.edit-note": check_note,
    "main.highlight": check_highlight,
    "main.bookmarks": check_bookmarks,
    "main.continue": check_continue,
    "main.notebook": check_notebook,
    "main.remove-samples": check_samples,
    "main.search": check_search,
    "main.search-order": check_order,
    "app.help": check_help,
    "main.feeds": check_feeds_view,
    "main.next-unread": check_next_unread,
    "main.mark-all-read": check_mark_all,
    "main.undo-read": check_undo_read,
    "main.save-search": check_save_search,
}
"""For each palette command: set up, run it from the palette, assert on what it changed."""


def test_every_palette_command_has_a_check() -> None:
    assert set(CHECKS) == {action.id for action in palette_entries("main")}


async def run_from_palette(pilot: Pilot[None], title: str) -> None:
    """Open the palette, type the command's title, check it is the top hit, and run it."""
    await pilot.press("ctrl+p", *title)
    commands = pilot.app.screen.query_one(CommandList)
    top = ""
    for _ in range(100):  # the palette gathers its hits in a worker: wait for this search's
        await pilot.pause()
        if commands.option_count:
            top = str(commands.get_option_at_index(0).prompt).split("\n")[0]
            if top == title:
                break
    assert top == title
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("command", [pytest.param(a, id=a.id) for a in palette_entries("main")])
async def test_the_palette_command_runs_its_action(
    command: actions.Action, make_app: Callable[..., ReaderApp], library: Library, tmp_path: Path
) -> None:
    check = CHECKS.get(command.id)
    if check is None:
        pytest.fail(f"no check for the palette command {command.id}")
    with Store.open(tmp_path / "store.json") as store:
        app = make_app(store=store, scan_on_start=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            main = app.screen
            assert isinstance(main, MainScreen)

            async def run() -> None:
                await run_from_palette(pilot, command.palette)

            await check(pilot, main, store, run)
