"""Pilot tests of the background feed refresh: on start and on a timer, against a real server on
127.0.0.1, told quietly, and never in the way of typing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader import paths
from reader.config import Config
from reader.feeds.registry import FeedRegistry
from reader.library import Library
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from tests.http_server import LoopbackServer, Route

from .conftest import settle
from .test_feeds_view import RSS_TYPE, rss

TWO = (("f-1", "Ferry timetable changes"), ("f-2", "Harbour dues frozen"))


@pytest.fixture
def registry() -> Iterator[FeedRegistry]:
    with FeedRegistry.open() as opened:
        yield opened


@pytest.fixture
def user_library(news_dir: Path) -> Iterator[Library]:
    with Library([paths.user_library_dir(), news_dir], processes=0) as lib:
        lib.scan()
        yield lib


@pytest.fixture
def feed(http_server: LoopbackServer, registry: FeedRegistry) -> str:
    """A feed of two entries on the loopback server, subscribed but never fetched."""
    http_server.routes["/ferry.xml"] = Route(rss("Ferry News", *TWO), content_type=RSS_TYPE)
    registry.add(http_server.url("/ferry.xml"), "Ferry News")
    return "/ferry.xml"


def main(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


async def until(pilot: Pilot[None], done: Callable[[], bool], tries: int = 200) -> None:
    """Let the app run until `done()` (a bounded wait, not a timing assertion)."""
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.05)
    assert done()


def titles(pilot: Pilot[None]) -> set[str]:
    rows = main(pilot).article_list.rows
    return {rows[n].title for n in range(len(rows))}


async def test_feeds_refresh_on_start_and_say_so_quietly(
    user_library: Library,
    registry: FeedRegistry,
    feed: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.ui.screens.main.START_REFRESH_DELAY", 0.05)
    settings = Config(refresh_on_start=True, refresh_minutes=0)
    app = ReaderApp(user_library, config=settings, feeds=lambda: registry)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        wanted = {"Ferry timetable changes", "Harbour dues frozen"}
        await until(pilot, lambda: wanted <= titles(pilot))
        messages = [notice.message for notice in app._notifications]
        assert "2 new articles" in messages
        assert not any("from 1 feed" in message for message in messages)  # no long summary


async def test_no_refresh_on_start_when_the_settings_say_so(
    user_library: Library,
    registry: FeedRegistry,
    feed: str,
    http_server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.ui.screens.main.START_REFRESH_DELAY", 0.05)
    settings = Config(refresh_on_start=False, refresh_minutes=0)
    app = ReaderApp(user_library, config=settings, feeds=lambda: registry)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
    assert http_server.hits(feed) == 0


async def test_feeds_refresh_every_refresh_minutes(
    user_library: Library,
    registry: FeedRegistry,
    feed: str,
    http_server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reader.ui.feeds_keeper.MINUTE", 0.1)  # a minute lasts 0.1 s here
    settings = Config(refresh_on_start=False, refresh_minutes=1)
    app = ReaderApp(user_library, config=settings, feeds=lambda: registry)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: http_server.hits(feed) >= 2)
        http_server.routes[feed] = Route(
            rss("Ferry News", *TWO, ("f-3", "New gangway fitted")), content_type=RSS_TYPE
        )
        await until(pilot, lambda: "New gangway fitted" in titles(pilot))


async def test_typing_goes_on_while_a_slow_refresh_runs(
    user_library: Library,
    registry: FeedRegistry,
    feed: str,
    http_server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    http_server.routes[feed] = Route(rss("Ferry News", *TWO), content_type=RSS_TYPE, delay=3.0)
    monkeypatch.setattr("reader.ui.screens.main.START_REFRESH_DELAY", 0.01)
    settings = Config(refresh_on_start=True, refresh_minutes=0)
    app = ReaderApp(user_library, config=settings, feeds=lambda: registry)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = main(pilot)
        await until(pilot, lambda: http_server.hits(feed) == 1)  # the server is answering slowly
        await pilot.press("j", "slash", *"bridge")
        await pilot.pause()
        refreshing = [w for w in screen.workers if w.group == "feeds" and w.is_running]
        assert refreshing, "the refresh should still be waiting for the server"
        assert screen.search_bar.input.value == "bridge"
        assert screen.article_list.cursor == 1
        await settle(pilot)
    sub = registry.get("ferry-news")
    assert sub is not None and sub.last_checked is not None  # and it did finish
