"""Pilot tests: the daily review (`D`) grades highlights and opens one in context; the stats
(`S`) add up what was read, recorded as the reading pane scrolls."""

from __future__ import annotations

from datetime import date, timedelta

from textual.pilot import Pilot

from reader.config import Config
from reader.library import Library
from reader.store import Store
from reader.store.reading_log import log_days, record_progress
from reader.store.review import review_states
from reader.ui.app import ReaderApp
from reader.ui.screens.main import MainScreen
from reader.ui.screens.review import ReviewScreen
from reader.ui.screens.stats import StatsScreen

from .conftest import settle

TODAY = date(2026, 3, 10)


def rows(library: Library) -> list[str]:
    listed = library.rows()
    return [listed[i].id for i in range(len(listed))]


def highlight_all(store: Store, library: Library, per_article: int = 2) -> None:
    """Highlight the first paragraphs of every article, oldest article first."""
    for article_id in reversed(rows(library)):
        article = library.load(article_id)
        for block in range(per_article):
            text = article.blocks[block].text
            store.add_highlight(
                article_id, article.meta.path, article.title, text[:40], block=block,
                note="Worth a second look" if block == 0 else None,
            )  # fmt: skip


def make(library: Library, store: Store, **settings: object) -> ReaderApp:
    app = ReaderApp(library, config=Config(**settings), scan_on_start=False, store=store)  # type: ignore[arg-type]
    app.today = lambda: TODAY
    return app


async def open_review(pilot: Pilot[None]) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("D")
    await settle(pilot)
    review = pilot.app.screen
    assert isinstance(review, ReviewScreen)
    return review


async def test_review_offers_per_day_and_stores_grades(library: Library) -> None:
    store = Store.in_memory()
    highlight_all(store, library)
    app = make(library, store, review_per_day=4)
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        assert review.items is not None and len(review.items) == 4
        uuids = [item.highlight.uuid for item in review.items]
        await pilot.press("1", "2", "3")
        await settle(pilot)
        assert review.grades == dict(zip(uuids[:3], ["again", "keep", "done"], strict=True))
        assert review.entries.highlighted == 3
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    states = review_states(store)
    assert states[uuids[0]].due == TODAY + timedelta(days=1)
    assert states[uuids[1]].due == TODAY + timedelta(days=3)
    assert states[uuids[2]].retired
    assert uuids[3] not in states


async def test_review_counts_the_days_grades(library: Library) -> None:
    store = Store.in_memory()
    highlight_all(store, library)
    app = make(library, store, review_per_day=3)
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        await pilot.press("2", "2")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        review = await open_review(pilot)
        assert review.items is not None and len(review.items) == 1  # 3 a day, 2 done


async def test_enter_opens_the_highlight_in_context(library: Library) -> None:
    store = Store.in_memory()
    highlight_all(store, library)
    app = make(library, store)
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        assert review.items is not None
        await pilot.press("j")
        target = review.items[1].highlight
        await pilot.press("enter")
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.opened_id == target.article_id
        assert main.annotator.cursor == target.block


async def test_review_with_no_highlights_says_so(library: Library) -> None:
    app = make(library, Store.in_memory())
    async with app.run_test(size=(100, 30)) as pilot:
        review = await open_review(pilot)
        assert review.items == []
        await pilot.press("1", "enter")  # nothing to grade or open
        await settle(pilot)
        assert app.screen is review


async def test_scrolling_logs_words_and_stats_show_them(library: Library) -> None:
    store = Store.in_memory()
    app = make(library, store)
    async with app.run_test(size=(100, 12)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        opened = main.opened_id
        await pilot.press("G")  # to the end: the whole article read
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        stats_screen = app.screen
        assert isinstance(stats_screen, StatsScreen)
        stats = stats_screen.stats
        assert stats is not None
        meta = library.get(opened)  # type: ignore[arg-type]
        assert meta is not None
        assert stats.days[-1] == (TODAY, meta.words)
        assert stats.streak == 1 and stats.finished == 1
        assert stats.sources == ((meta.origin, 1),)
    assert [(entry.article_id, entry.furthest) for entry in log_days(store)] == [(opened, 1.0)]


async def test_progress_is_written_when_the_app_closes(library: Library) -> None:
    store = Store.in_memory()
    app = make(library, store)
    async with app.run_test(size=(100, 12)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()
    entries = log_days(store)
    assert len(entries) == 1 and 0 < entries[0].furthest < 1 and entries[0].words > 0


async def test_stats_count_a_streak_and_tags(library: Library) -> None:
    store = Store.in_memory()
    ids = rows(library)
    for back in range(3):
        record_progress(store, ids[back], 300, 1.0, TODAY - timedelta(days=back + 1))
    store.add_bookmark(ids[0], "/x", "x", tags=["Caspian"])
    app = make(library, store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        stats_screen = app.screen
        assert isinstance(stats_screen, StatsScreen) and stats_screen.stats is not None
        assert stats_screen.stats.streak == 3
        assert stats_screen.stats.tags == (("caspian", 1),)
        assert stats_screen.stats.days[-2:] == ((TODAY - timedelta(days=1), 300), (TODAY, 0))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_the_new_screens_in_a_20x6_terminal(library: Library) -> None:
    store = Store.in_memory()
    highlight_all(store, library, per_article=1)
    app = make(library, store)
    async with app.run_test(size=(20, 6)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for key in ("D", "S", "M", "L"):
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, MainScreen), key
            await pilot.resize_terminal(40, 10)
            await pilot.resize_terminal(20, 6)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        assert app.is_running
