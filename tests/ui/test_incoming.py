"""Pilot tests: saving a web page through the `a` dialog and refreshing feeds with `r`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader import paths
from reader.feeds.registry import FeedRegistry
from reader.library import Library
from reader.models import ArticleMeta
from reader.ui.app import ReaderApp
from reader.ui.incoming import Incoming
from reader.ui.screens.dialogs import PromptScreen
from reader.ui.screens.main import MainScreen
from tests.http_server import LoopbackServer, Route

from .conftest import settle, type_text

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Lighthouse keepers return to Skerry Point | Coastal Courier</title>
<meta property="og:site_name" content="Coastal Courier">
<meta name="author" content="Ines Halloran">
<meta property="article:published_time" content="2026-03-14">
</head><body>
<nav><a href="/">Home</a> <a href="/weather">Weather</a> <a href="/tides">Tide tables</a></nav>
<article>
<h1>Lighthouse keepers return to Skerry Point</h1>
<p>For the first time in forty years, two keepers will live beside the lamp at Skerry Point,
a granite tower on the northern headland that has guided fishing boats since 1871.</p>
<p>The harbour board voted on Tuesday to restore the keepers' cottage after a winter in which
the automatic lamp failed three times during storms, leaving the channel dark for hours.</p>
<h2>Why people, not machines</h2>
<p>Board members said a person on site can reset the lamp, watch the sea and call the lifeboat
faster than any remote alarm, and that the cottage would otherwise fall into ruin.</p>
<ul><li>Two keepers, on four-week rotations</li><li>A restored fog signal</li></ul>
<p>The first keepers arrive in May, once the cottage roof is mended.</p>
</article>
<footer>Copyright Coastal Courier. Subscribe to our newsletter.</footer>
</body></html>
"""

TITLE = "Lighthouse keepers return to Skerry Point"


def web_folder() -> Path:
    return paths.user_library_dir() / "web"


@pytest.fixture
def user_library(news_dir: Path) -> Iterator[Library]:
    """The default library: the user's own folder beside a folder of articles, scanned."""
    with Library([paths.user_library_dir(), news_dir], processes=0) as lib:
        lib.scan()
        yield lib


@pytest.fixture
def registry() -> Iterator[FeedRegistry]:
    """The feed subscriptions in the test's data dir, closed after the test."""
    with FeedRegistry.open() as opened:
        yield opened


async def type_into_dialog(pilot: Pilot[None], text: str) -> None:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PromptScreen)
    await type_text(pilot, text)
    await pilot.press("enter")
    for _ in range(3):  # the save, the scan it starts, then opening the new article
        await settle(pilot)


async def test_a_saves_a_web_page_lists_and_opens_it(
    user_library: Library, http_server: LoopbackServer
) -> None:
    http_server.routes["/skerry"] = Route(PAGE.encode())
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        before = len(screen.article_list.rows)
        await type_into_dialog(pilot, http_server.url("/skerry"))
        assert isinstance(app.screen, MainScreen)
        assert len(screen.article_list.rows) == before + 1
        current = screen.article_list.current
        assert current is not None and current.title == TITLE
        assert screen.opened_id == current.id
        assert current.source == "Coastal Courier"
        assert current.url == http_server.url("/skerry")
    saved = list(web_folder().glob("*.md"))
    assert len(saved) == 1
    text = saved[0].read_text(encoding="utf-8")
    assert text.startswith("---\n") and "saved:" in text
    assert "Tide tables" not in text and "newsletter" not in text


async def test_the_same_page_twice_is_recognised(
    user_library: Library, http_server: LoopbackServer
) -> None:
    http_server.routes["/skerry"] = Route(PAGE.encode())
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_into_dialog(pilot, http_server.url("/skerry"))
        await type_into_dialog(pilot, http_server.url("/skerry#comments"))
        messages = [notice.message for notice in app._notifications]
        assert any(message.startswith("Already saved") for message in messages)
    assert len(list(web_folder().glob("*.md"))) == 1


async def test_a_failed_fetch_says_why_and_saves_nothing(
    user_library: Library, http_server: LoopbackServer
) -> None:
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_into_dialog(pilot, http_server.url("/missing"))
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "404" in errors[0].message
    assert not web_folder().exists() or not list(web_folder().glob("*.md"))


async def test_a_file_with_spaces_in_its_path_is_added(
    user_library: Library, tmp_path: Path
) -> None:
    source = tmp_path / "my notes" / "Tide table notes.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Tide table notes\n---\nHigh water at six.\n", "utf-8")
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_into_dialog(pilot, str(source))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        current = screen.article_list.current
        assert current is not None and current.title == "Tide table notes"
        assert screen.opened_id == current.id
    assert (paths.user_library_dir() / "files" / source.name).read_bytes() == source.read_bytes()


async def test_escape_closes_the_dialog_without_saving(user_library: Library) -> None:
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"https://example.invalid/x", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert not web_folder().exists() or not list(web_folder().glob("*.md"))


RSS_TYPE = "application/rss+xml"


def listed(screen: MainScreen) -> list[ArticleMeta]:
    rows = screen.article_list.rows
    return [rows[index] for index in range(len(rows))]


def rss(*items: tuple[str, str]) -> bytes:
    """An RSS 2.0 feed of (guid, title) items with a little HTML content each."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>http://127.0.0.1/{guid}</link>"
        f"<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate><description>&lt;p&gt;{title} was "
        f"reported by the harbour office this morning.&lt;/p&gt;</description></item>"
        for guid, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Bulletin</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    ).encode()


async def test_r_refreshes_feeds_and_lists_new_entries(
    user_library: Library, http_server: LoopbackServer, registry: FeedRegistry
) -> None:
    first = [("ferry-1", "Morning ferry delayed by fog"), ("pier-2", "North pier reopens")]
    http_server.routes["/feed.xml"] = Route(rss(*first), content_type=RSS_TYPE)
    registry.add(http_server.url("/feed.xml"), "Harbour Bulletin")
    app = ReaderApp(library=user_library, feeds=lambda: registry)
    messages: list[object] = []
    async with app.run_test(size=(110, 30), message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        before = len(screen.article_list.rows)
        await pilot.press("r")
        for _ in range(2):
            await settle(pilot)
        # The hook sees a message at each node it bubbles through: count it once.
        found = {id(m): m for m in messages if isinstance(m, Incoming.FeedsProgressed)}
        [progress] = found.values()
        assert (progress.done, progress.total, progress.result.new) == (1, 1, 2)
        assert "feeds" not in screen.sub_title  # the progress is cleared once done
        titles = {row.title for row in listed(screen)}
        assert {"Morning ferry delayed by fog", "North pier reopens"} <= titles
        assert len(screen.article_list.rows) == before + 2
        assert any("2 new articles" in n.message for n in app._notifications)

        later = [*first, ("crane-3", "New crane lifts its first container")]
        http_server.routes["/feed.xml"] = Route(rss(*later), content_type=RSS_TYPE)
        await pilot.press("r")
        for _ in range(2):
            await settle(pilot)
        assert len(screen.article_list.rows) == before + 3
        sources = {row.source for row in listed(screen)}
        assert "Harbour Bulletin" in sources


async def test_r_without_feeds_says_how_to_add_one(
    user_library: Library, registry: FeedRegistry
) -> None:
    app = ReaderApp(library=user_library, feeds=lambda: registry)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("reader feeds add" in n.message for n in app._notifications)


async def test_the_dialog_survives_a_tiny_terminal(user_library: Library) -> None:
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(20, 6)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"https://example.invalid/a-long-address")
        await pilot.resize_terminal(24, 8)
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_r_on_other_folders_says_where_the_entries_went(
    library: Library, http_server: LoopbackServer, registry: FeedRegistry
) -> None:
    http_server.routes["/feed.xml"] = Route(rss(("a", "Tug race postponed")), content_type=RSS_TYPE)
    registry.add(http_server.url("/feed.xml"), "Harbour Bulletin")
    app = ReaderApp(library=library, feeds=lambda: registry)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        before = len(screen.article_list.rows)
        await pilot.press("r")
        await settle(pilot)
        assert len(screen.article_list.rows) == before
        assert any("run `reader` to see them" in n.message for n in app._notifications)
    assert len(list((paths.user_library_dir() / "feeds").rglob("*.md"))) == 1


async def test_the_palette_offers_adding_a_page(user_library: Library) -> None:
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"add a web page")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)


async def test_a_feed_address_in_the_dialog_subscribes_to_it(
    user_library: Library, http_server: LoopbackServer, registry: FeedRegistry
) -> None:
    feed = rss(("ferry-1", "Morning ferry delayed by fog"), ("pier-2", "North pier reopens"))
    http_server.routes["/feed.xml"] = Route(feed, content_type="application/xml")
    app = ReaderApp(library=user_library, feeds=lambda: registry)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await type_into_dialog(pilot, http_server.url("/feed.xml"))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        titles = {row.title for row in listed(screen)}
        assert {"Morning ferry delayed by fog", "North pier reopens"} <= titles
        messages = [n.message for n in app._notifications]
        assert any("Subscribed to the feed Harbour Bulletin" in m for m in messages)
    [subscription] = registry.all()
    assert subscription.url == http_server.url("/feed.xml")


async def test_a_damaged_subscriptions_file_is_told_not_hidden(user_library: Library) -> None:
    (paths.data_dir() / "feeds.json").write_text("{not json", encoding="utf-8")
    registry = FeedRegistry.open()
    app = ReaderApp(library=user_library, feeds=lambda: registry)
    try:
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            warnings = [n.message for n in app._notifications if n.severity == "warning"]
            assert any("feeds.json was damaged" in message for message in warnings)
    finally:
        registry.close()
    assert list(paths.data_dir().glob("feeds.json.damaged-*"))


async def test_a_feed_address_while_the_subscriptions_are_locked_is_one_line(
    user_library: Library, http_server: LoopbackServer
) -> None:
    from reader.feeds.registry import FeedRegistry
    from reader.store.lock import FileLock

    http_server.routes["/feed.xml"] = Route(rss(("a", "Tug race")), content_type=RSS_TYPE)
    registry = FeedRegistry.open(lock_timeout=0.2)
    other_process = FileLock(paths.data_dir() / "feeds.json.lock")
    app = ReaderApp(library=user_library, feeds=lambda: registry)
    try:
        async with app.run_test(size=(110, 30)) as pilot:
            await settle(pilot)
            other_process.acquire()
            await type_into_dialog(pilot, http_server.url("/feed.xml"))
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert len(errors) == 1 and http_server.url("/feed.xml") in errors[0]
            assert isinstance(app.screen, MainScreen)
    finally:
        if other_process.held:
            other_process.release()
        registry.close()
    assert registry.all() == []


async def test_notifications_show_outside_text_inert_and_never_as_markup(
    user_library: Library, http_server: LoopbackServer
) -> None:
    # A server whose 404 reason carries a title-changing escape and what looks like markup.
    http_server.routes["/hostile"] = Route(
        b"", status=404, headers={}, content_type="text/html\x1b]2;PWNED\x07"
    )
    app = ReaderApp(library=user_library)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        app.notify("[@click=app.quit]x[/] \x1b]2;PWNED\x07 \u202eevil", title="t\x1b[31m")
        await type_into_dialog(pilot, http_server.url("/hostile"))
        await pilot.pause()
        shown = list(app._notifications)
        assert shown and all(not notice.markup for notice in shown)
        for notice in shown:
            for text in (notice.message, notice.title):
                assert not any(char in text for char in "\x1b\x07\u202e"), text
        assert shown[0].message.startswith("[@click=app.quit]x[/]")
        assert app.is_running
