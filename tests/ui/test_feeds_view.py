"""Pilot tests of the feeds view (`f`): counts, grouping, listing a feed, and changing feeds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader import paths
from reader.feeds.refresh import subscribe
from reader.feeds.registry import FeedRegistry
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader.ui.feeds_keeper import FeedsKeeper
from reader.ui.feeds_manage import VIEW_NAME
from reader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from reader.ui.screens.feeds import FeedsScreen
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.feed_tree import FeedTree, TreeRow
from tests.conftest import SAMPLE_DATA
from tests.http_server import LoopbackServer, Route

from .conftest import settle, type_text

HARBOUR = SAMPLE_DATA / "feeds" / "harbour-bulletin.xml"
RSS_TYPE = "application/rss+xml"


def rss(title: str, *items: tuple[str, str]) -> bytes:
    """An RSS 2.0 feed called `title` of (guid, title) items with a little content each."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{name}</title><link>http://127.0.0.1/{guid}</link>"
        f"<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate><description>&lt;p&gt;{name} was "
        f"reported by the office this morning.&lt;/p&gt;</description></item>"
        for guid, name in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def registry() -> Iterator[FeedRegistry]:
    with FeedRegistry.open() as opened:
        yield opened


@pytest.fixture
def two_feeds(registry: FeedRegistry, tmp_path: Path) -> FeedRegistry:
    """Harbour Bulletin (3 entries, folder "coast") and Valley Notes (2 entries, no folder)."""
    subscribe(registry, str(HARBOUR), tags=["coast"])
    valley = tmp_path / "valley.xml"
    valley.write_bytes(rss("Valley Notes", ("v-1", "Orchard bloom"), ("v-2", "Bridge works")))
    subscribe(registry, str(valley))
    return registry


@pytest.fixture
def feeds_library(two_feeds: FeedRegistry, news_dir: Path) -> Iterator[Library]:
    with Library([paths.user_library_dir(), news_dir], processes=0) as lib:
        lib.scan()
        yield lib


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as opened:
        yield opened


def make(library: Library, registry: FeedRegistry, store: Store) -> ReaderApp:
    return ReaderApp(library=library, feeds=lambda: registry, store=store)


def main(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    return screen


def view(pilot: Pilot[None]) -> FeedsScreen:
    assert isinstance(pilot.app.screen, FeedsScreen)
    return pilot.app.screen


def feed_rows(pilot: Pilot[None]) -> dict[str, TreeRow]:
    return {row.label: row for row in view(pilot).feed_tree.rows if row.kind == "feed"}


async def open_view(pilot: Pilot[None]) -> FeedsScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    return view(pilot)


async def go_to(pilot: Pilot[None], label: str) -> None:
    tree = view(pilot).feed_tree
    tree.cursor = next(n for n, row in enumerate(tree.rows) if row.label == label)
    await pilot.pause()


async def test_f_lists_every_feed_by_folder_with_unread_and_total(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        screen = await open_view(pilot)
        rows = screen.feed_tree.rows
        labels = [(row.kind, row.label) for row in rows if row.kind in ("heading", "feed")]
        assert labels == [
            ("heading", "Smart folders"),
            ("heading", "coast"),
            ("feed", "Harbour Bulletin"),
            ("heading", "Feeds"),
            ("feed", "Valley Notes"),
        ]
        found = feed_rows(pilot)
        assert (found["Harbour Bulletin"].unread, found["Harbour Bulletin"].total) == (3, 3)
        assert (found["Valley Notes"].unread, found["Valley Notes"].total) == (2, 2)
        assert screen.sub_title == "5 unread · 2 feeds"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)


async def test_enter_lists_the_feed_and_escape_goes_back_to_it(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await go_to(pilot, "Valley Notes")
        await pilot.press("enter")
        await settle(pilot)
        screen = main(pilot)
        assert pilot.app.screen is screen
        titles = {screen.article_list.rows[n].title for n in range(len(screen.article_list.rows))}
        assert titles == {"Orchard bloom", "Bridge works"}
        assert screen.sub_title.startswith("Feed: Valley Notes · 2")
        await pilot.press("escape")
        await settle(pilot)
        current = view(pilot).feed_tree.current
        assert current is not None and current.label == "Valley Notes"


async def test_counts_follow_articles_read_in_the_list(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await go_to(pilot, "Harbour Bulletin")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")  # the first article of the feed: read
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        harbour = feed_rows(pilot)["Harbour Bulletin"]
        assert (harbour.unread, harbour.total) == (2, 3)
        assert view(pilot).sub_title == "4 unread · 2 feeds"
    assert len(store.read_ids()) == 1


async def test_counts_follow_a_refresh_from_the_view(
    feeds_library: Library, registry: FeedRegistry, store: Store, http_server: LoopbackServer
) -> None:
    http_server.routes["/tide.xml"] = Route(
        rss("Tide Tables", ("t-1", "Spring tide")), content_type=RSS_TYPE
    )
    subscribe(registry, http_server.url("/tide.xml"))
    feeds_library.scan()
    async with make(feeds_library, registry, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        assert feed_rows(pilot)["Tide Tables"].total == 1
        http_server.routes["/tide.xml"] = Route(
            rss("Tide Tables", ("t-1", "Spring tide"), ("t-2", "Neap tide")),
            content_type=RSS_TYPE,
        )
        await go_to(pilot, "Tide Tables")
        await pilot.press("r")
        for _ in range(3):  # the refresh, the scan it starts, the count after it
            await settle(pilot)
        tide = feed_rows(pilot)["Tide Tables"]
        assert (tide.unread, tide.total) == (2, 2)


async def test_a_failing_feed_is_marked_and_says_why_when_selected(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    two_feeds.update("valley-notes", last_error="HTTP 404 Not Found")
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        assert feed_rows(pilot)["Valley Notes"].error == "HTTP 404 Not Found"
        assert feed_rows(pilot)["Harbour Bulletin"].error is None
        await go_to(pilot, "Valley Notes")
        assert "HTTP 404 Not Found" in view(pilot).status.message


async def test_mark_a_feed_read_asks_then_marks_and_u_undoes(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await go_to(pilot, "Harbour Bulletin")
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert feed_rows(pilot)["Harbour Bulletin"].unread == 3
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert feed_rows(pilot)["Harbour Bulletin"].unread == 0
        assert feed_rows(pilot)["Valley Notes"].unread == 2
        assert len(store.read_ids()) == 3
        await pilot.press("U")  # in the view itself
        await settle(pilot)
        assert feed_rows(pilot)["Harbour Bulletin"].unread == 3
    assert store.read_ids() == set()


async def test_rename_full_text_and_unsubscribe_change_the_subscriptions(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await go_to(pilot, "Valley Notes")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"Valley Diary", "enter")  # the old title starts selected
        await settle(pilot)
        assert "Valley Diary" in feed_rows(pilot)
        await pilot.press("F")
        await settle(pilot)
        sub = two_feeds.get("valley-notes")
        assert sub is not None and sub.title == "Valley Diary" and sub.full_text
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "Valley Diary" not in feed_rows(pilot)
    assert two_feeds.get("valley-notes") is None
    # Unsubscribing keeps what was saved.
    assert len(list((paths.user_library_dir() / "feeds" / "valley-notes").glob("*.md"))) == 2


async def test_a_in_the_view_subscribes_to_a_feed_file(
    feeds_library: Library, registry: FeedRegistry, store: Store, tmp_path: Path
) -> None:
    hills = tmp_path / "hills.rss"
    hills.write_bytes(rss("Hill Walks", ("h-1", "Ridge path reopened")))
    async with make(feeds_library, registry, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, str(hills))
        await pilot.press("enter")
        for _ in range(3):
            await settle(pilot)
        assert feed_rows(pilot)["Hill Walks"].total == 1
    assert registry.get("hill-walks") is not None


async def test_the_view_survives_a_tiny_terminal(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(20, 6)) as pilot:
        await open_view(pilot)
        await pilot.press("j", "j", "G", "g")
        await pilot.pause()
        assert view(pilot).feed_tree.current is not None


async def test_a_refresh_in_the_app_applies_the_feeds_keep_rule(
    news_dir: Path, registry: FeedRegistry, store: Store, http_server: LoopbackServer
) -> None:
    from tests.unit.test_feeds_retention import rss as dated_rss

    http_server.routes["/log.xml"] = Route(dated_rss(4), content_type=RSS_TYPE)
    sub, _ = subscribe(registry, http_server.url("/log.xml"))
    registry.update(sub.name, keep="2")
    folder = paths.user_library_dir() / "feeds" / sub.name
    with Library([paths.user_library_dir(), news_dir], processes=0) as library:
        library.scan()
        oldest = next(m for m in library.metas(library.ids()).values() if m.title == "Entry 3")
        store.add_bookmark(oldest.id, oldest.path, oldest.title)  # touched: it stays
        async with make(library, registry, store).run_test(size=(100, 30)) as pilot:
            await open_view(pilot)
            await pilot.press("R")
            for _ in range(4):  # refresh, scan, prune, the scan after it
                await settle(pilot)
            assert feed_rows(pilot)["Harbour Log"].total == 3
            assert any("Removed 1 old" in n.message for n in pilot.app._notifications)
    names = sorted(path.name for path in folder.glob("*.md"))
    assert len(names) == 3 and Path(oldest.path).name in names


@pytest.mark.parametrize("suffix", [".xml", ".rss", ".atom"])
async def test_adding_a_feed_file_with_a_offers_to_subscribe(
    feeds_library: Library,
    registry: FeedRegistry,
    store: Store,
    tmp_path: Path,
    suffix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hills = tmp_path / f"hills{suffix}"
    hills.write_bytes(rss("Hill Walks", ("h-1", "Ridge path reopened")))
    monkeypatch.chdir(tmp_path)  # typed relative to where the app was started
    async with make(feeds_library, registry, store).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for answer in ("n", "y"):
            await pilot.press("a")
            await pilot.pause()
            await pilot.press(*hills.name, "enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ConfirmScreen)
            await pilot.press(answer)
            for _ in range(3):
                await settle(pilot)
            subscribed = registry.get("hill-walks")
            assert (subscribed is not None) == (answer == "y")
        # Subscribed by its full path, so a refresh started elsewhere still finds it.
        assert subscribed is not None and Path(subscribed.url) == hills.resolve()
        screen = main(pilot)
        titles = {screen.article_list.rows[n].title for n in range(len(screen.article_list.rows))}
        assert "Ridge path reopened" in titles
    # The file itself was not saved as an article.
    assert not list((paths.user_library_dir() / "web").glob("hills*"))


async def test_u_in_a_read_feed_goes_on_to_the_next_feed_with_unread(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await open_view(pilot)
        await go_to(pilot, "Harbour Bulletin")
        await pilot.press("enter")
        await settle(pilot)
        screen = main(pilot)
        rows = screen.article_list.rows
        screen.unread.mark_read([rows[n].id for n in range(len(rows))], "the feed")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert screen.view == "feed:valley-notes"
        opened = screen.library.get(screen.opened_id or "")
        assert opened is not None and opened.title in {"Orchard bloom", "Bridge works"}


async def prepared_view(pilot: Pilot[None]) -> object:
    """The feeds view the app builds at idle once the feeds are counted: waited for a few
    refreshes, since a loaded machine may take more than one to get there."""
    for _ in range(50):
        try:
            built = pilot.app.get_screen(VIEW_NAME)
        except KeyError:
            await pilot.pause(0.02)
            continue
        if built.is_running:
            return built
        await pilot.pause(0.02)
    raise AssertionError("the feeds view was not built ahead of its key")


async def test_the_view_is_built_once_counted_before_its_key(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    # GIVEN the app once the scan after start has been counted
    app = make(feeds_library, two_feeds, store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main(pilot)
        # THEN the feeds view is already built and styled, yet not shown, focus untouched
        built = await prepared_view(pilot)
        assert isinstance(built, FeedsScreen) and built.is_running
        assert built.query_one(FeedTree).is_mounted
        assert app.screen is screen and app.focused is screen.article_list
        # WHEN f is pressed THEN that same screen shows the counts, and escape goes back
        assert await open_view(pilot) is built
        found = feed_rows(pilot)
        assert (found["Harbour Bulletin"].unread, found["Harbour Bulletin"].total) == (3, 3)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and app.focused is screen.article_list


async def test_a_count_of_a_replaced_copy_of_the_read_state_is_made_again(
    feeds_library: Library, two_feeds: FeedRegistry, store: Store
) -> None:
    async with make(feeds_library, two_feeds, store).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        keeper = main(pilot).feeds
        counted = keeper.counted
        assert counted is not None
        # GIVEN a count that was made against a copy of the user's data since replaced
        stale = replace(counted, reads=replace(counted.reads, cache_id=0))
        # WHEN it arrives THEN the feeds are counted again against the copy in use
        keeper.take(FeedsKeeper.CountsReady(stale))
        await settle(pilot)
        assert keeper.counted is not None and keeper.counted is not stale
        assert keeper.counted.reads.cache_id == id(main(pilot).annotator.user)
