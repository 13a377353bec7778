"""Snapshot tests, one per distinct screen state; fixed articles, dates and sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from .conftest import settle

SIZE = (100, 30)


async def open_second(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


class TestScreens:
    def test_startup(self, snap_compare, make_app) -> None:
        """Header "news — 4 articles", four two-line rows newest first, the pane's placeholder."""
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle)

    def test_article_open(self, snap_compare, make_app) -> None:
        """The second row (water-sharing, 2025-02-14) highlighted and shown in the pane."""
        assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_second)

    def test_help_screen(self, snap_compare, make_app) -> None:
        """The key table in a modal over the main screen."""

        async def show_help(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("question_mark")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=show_help)

    def test_narrow_40x12_reading(self, snap_compare, make_app) -> None:
        """At 40x12 only the reading pane shows once an article is open."""
        assert snap_compare(make_app(), terminal_size=(40, 12), run_before=open_second)

    def test_add_dialog(self, snap_compare, make_app) -> None:
        """`a` opens the add dialog over the list, with an address typed and the hint below."""

        async def open_dialog(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("a")
            await pilot.press(*"https://example.org/a-page")

        assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_dialog)

    def test_web_page_article(self, snap_compare, tmp_path) -> None:
        """A saved news page: its title, site and author, a heading, a list and a quote."""
        from reader.library import Library
        from reader.ui.app import ReaderApp

        folder = tmp_path / "pages"
        folder.mkdir()
        page = Path(__file__).resolve().parent.parent / "fixtures" / "html" / "harbour-ferry.html"
        shutil.copy(page, folder / page.name)
        library = Library([folder], processes=0)
        library.scan()

        async def open_first(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

        try:
            app = ReaderApp(library=library)
            assert snap_compare(app, terminal_size=(100, 40), run_before=open_first)
        finally:
            library.close()


class TestReviewAndStats:
    """The daily review and the stats, on fixed highlights, reading and dates."""

    @staticmethod
    def app_with_data(make_app, library):
        from datetime import date, timedelta

        from reader.store import Store
        from reader.store.reading_log import record_progress

        store = Store.in_memory()
        listed = library.rows()
        ids = [listed[i].id for i in range(len(listed))]
        for n, article_id in enumerate(ids):
            article = library.load(article_id)
            note = "The ports matter more than the line." if n == 0 else None
            text = article.blocks[0].text
            store.add_highlight(article_id, article.meta.path, article.title, text, note=note)
        today = date(2026, 3, 10)
        for back, words in enumerate((420, 0, 910, 300, 660, 0, 0, 120, 800)):
            article_id = ids[back % len(ids)]
            record_progress(store, f"{article_id}-{back}", words, 1.0, today - timedelta(back))
        store.set_read(ids[0], listed[0].path, listed[0].title)
        store.add_bookmark(ids[0], listed[0].path, listed[0].title, tags=["Caspian", "rail"])
        record_progress(store, ids[0], 100, 1.0, today)
        app = make_app(store=store)
        app.today = lambda: today
        return app

    @staticmethod
    async def press(pilot: Pilot[None], key: str) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    def test_review(self, snap_compare, make_app, library) -> None:
        """Four highlights with their titles and quotes, the first with its note, one graded
        "keep" and the cursor on the second; "3 of 4 left today" in the title."""

        async def grade_one(pilot: Pilot[None]) -> None:
            await self.press(pilot, "D")
            await pilot.press("2")
            await pilot.pause()

        app = self.app_with_data(make_app, library)
        assert snap_compare(app, terminal_size=SIZE, run_before=grade_one)

    def test_stats(self, snap_compare, make_app, library) -> None:
        """Words a day over 28 days as a sparkline, a one-day streak, one finished article,
        the top sources (places) and tags."""
        app = self.app_with_data(make_app, library)
        assert snap_compare(app, terminal_size=SIZE, run_before=lambda p: self.press(p, "S"))


class TestFeedsView:
    def test_feeds_view(self, snap_compare, news_dir, tmp_path) -> None:
        """`f`: the smart folders with their counts, then the "coast" folder with Harbour
        Bulletin (3/3) and the untagged Valley Notes (2/2) marked "!" as failing; the cursor on
        Valley Notes, whose failure the bottom line explains; "5 unread · 2 feeds" on top."""
        from reader import paths
        from reader.feeds.refresh import subscribe
        from reader.feeds.registry import FeedRegistry
        from reader.library import Library
        from reader.ui.app import ReaderApp

        from .test_feeds_view import HARBOUR, rss

        valley = tmp_path / "valley.xml"
        valley.write_bytes(rss("Valley Notes", ("v-1", "Orchard bloom"), ("v-2", "Bridge works")))
        registry = FeedRegistry.open()
        subscribe(registry, str(HARBOUR), tags=["coast"])
        subscribe(registry, str(valley))
        registry.update("valley-notes", last_error="HTTP 503 Service Unavailable")
        library = Library([paths.user_library_dir(), news_dir], processes=0)
        library.scan()

        async def show_feeds(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("f")
            await settle(pilot)
            await pilot.press("G")
            await settle(pilot)

        try:
            app = ReaderApp(library=library, feeds=lambda: registry)
            assert snap_compare(app, terminal_size=SIZE, run_before=show_feeds)
        finally:
            library.close()
            registry.close()
