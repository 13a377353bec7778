"""Pilot tests of the unread flow: `u` opens the next unread, `A` marks a list read, `U` undoes."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.screens.dialogs import ConfirmScreen
from reader.ui.screens.main import MainScreen

from .conftest import settle

TITLES = ("railway", "water", "bridge", "apricot")
"""A word of each fixture article's title, newest first (the list's order)."""


def main(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def opened_word(pilot: Pilot[None]) -> str:
    screen = main(pilot)
    meta = screen.library.get(screen.opened_id or "")
    assert meta is not None
    return next(word for word in TITLES if word in meta.title.lower())


def ids(library: Library) -> list[str]:
    rows = library.rows("date")
    return [rows[n].id for n in range(len(rows))]


async def test_u_opens_each_unread_article_in_turn_skipping_read_ones(
    make_app: Callable[..., ReaderApp], library: Library
) -> None:
    store = Store.in_memory()
    water = ids(library)[1]
    store.set_read(water, "", "water", True)
    async with make_app(store=store).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(3):
            await pilot.press("u")
            await settle(pilot)
            seen.append(opened_word(pilot))
        assert seen == ["railway", "bridge", "apricot"]
        await pilot.press("u")  # round to the top again: railway is still unread
        await settle(pilot)
        assert opened_word(pilot) == "railway"
        assert main(pilot).status.unread  # the open article's line says it is unread


async def test_u_with_nothing_unread_says_so(
    make_app: Callable[..., ReaderApp], library: Library
) -> None:
    store = Store.in_memory()
    store.set_read_many([(id_, "", "") for id_ in ids(library)])
    async with make_app(store=store).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert main(pilot).opened_id is None
        assert any("No unread" in n.message for n in pilot.app._notifications)


async def test_mark_all_read_asks_marks_the_list_and_undo_restores_it_once(
    make_app: Callable[..., ReaderApp], library: Library
) -> None:
    store = Store.in_memory()
    first = ids(library)[0]
    store.set_read(first, "", "railway", True)  # read before: the undo must leave it read
    async with make_app(store=store).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("enter")  # enter answers no
        await settle(pilot)
        assert store.read_ids() == {first}
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert store.read_ids() == set(ids(library))
        screen = main(pilot)
        assert all(screen.article_list.markers(id_) == "" for id_ in ids(library))
        await pilot.press("U")
        await settle(pilot)
        assert store.read_ids() == {first}
        await pilot.press("U")  # only once
        await settle(pilot)
        assert any("Nothing to undo" in n.message for n in pilot.app._notifications)
    assert store.read_ids() == {first}


async def test_read_state_shows_in_the_status_line_of_the_open_article(
    make_app: Callable[..., ReaderApp],
) -> None:
    async with make_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main(pilot)
        assert screen.status.unread
        await pilot.press("m")
        await settle(pilot)
        assert not screen.status.unread
        assert "•" not in screen.status.render().plain
