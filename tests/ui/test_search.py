"""Pilot tests of the search bar: results with snippets, matches in the pane, history, order."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from reader.config import Config
from reader.library import Library
from reader.search import SearchIndex
from reader.ui.app import ReaderApp
from reader.ui.matches import Matches
from reader.ui.results import ResultRows, count_text
from reader.ui.screens.main import MainScreen
from reader.ui.widgets.search_bar import QueryHistory, SearchBar, SearchInput
from tests.conftest import SAMPLE_DATA

from .conftest import settle

SUMMIT_FIRST = "2e6abf27b8d22d60"
"""The summit article: "summit" is in its title's story and first in relevance."""
SUMMIT_HITS = 4


@pytest.fixture
def sample_library() -> Iterator[Library]:
    """The sample library, catalogued under the test's READER_HOME."""
    with Library([SAMPLE_DATA]) as library:
        library.scan()
        yield library


@pytest.fixture
def index(sample_library: Library, tmp_path: Path) -> Iterator[SearchIndex]:
    """A search index of every sample article."""
    with SearchIndex.open(tmp_path / "index") as built:
        built.add(sample_library.load(article_id) for article_id in sample_library.ids())
        built.commit()
        yield built


@pytest.fixture
def search_app(sample_library: Library, index: SearchIndex) -> Callable[[], ReaderApp]:
    def make() -> ReaderApp:
        return ReaderApp(sample_library, config=Config(), scan_on_start=False, index=index)

    return make


def screen(pilot: Pilot[None]) -> MainScreen:
    main = pilot.app.screen
    assert isinstance(main, MainScreen)
    return main


async def search(pilot: Pilot[None], query: str) -> MainScreen:
    """Open the bar with `/`, type `query` and wait for the results to show."""
    await settle(pilot)
    await pilot.press("slash", *query)
    await settle(pilot)
    return screen(pilot)


def list_text(main: MainScreen) -> str:
    """The visible lines of the article list, as plain text."""
    articles = main.article_list
    lines = range(articles.scrollable_content_region.height)
    return "\n".join(articles.render_line(y).text for y in lines)


def info(main: MainScreen) -> str:
    return str(main.search_bar.info.render())


async def test_typing_shows_ranked_results_with_count_and_snippets(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        rows = main.article_list.rows
        assert isinstance(rows, ResultRows)
        assert len(rows) == SUMMIT_HITS
        assert rows[0].id == SUMMIT_FIRST
        assert info(main) == f"{SUMMIT_HITS} results"
        assert main.search_bar.input.has_focus
        assert all(rows.snippet(i).spans for i in range(len(rows)))
        assert "summit" in list_text(main).lower()
        assert main.article_list.row_height == 3


async def test_results_follow_typing_and_drop_stale_ones(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        summit = main.search_bar.results
        main.search_bar.input.value = ""
        await pilot.press(*"harvest")
        await settle(pilot)
        assert [meta.id for meta in _rows(main)] == ["2e8bfe201e75884e"]
        # results that arrive for an older query are not shown
        assert summit is not None
        main.post_message(SearchBar.ResultsReady("summit", "relevance", summit))
        await settle(pilot)
        assert [meta.id for meta in _rows(main)] == ["2e8bfe201e75884e"]


def _rows(main: MainScreen) -> list:
    rows = main.article_list.rows
    return [rows[i] for i in range(len(rows))]


async def test_open_result_marks_matches_and_n_N_jump_between_them(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter")  # to the results
        assert main.article_list.has_focus
        await pilot.press("enter")  # open the best one
        await settle(pilot)
        pane = main.reading_pane
        assert pane.article is not None and pane.article.id == SUMMIT_FIRST
        total = len(pane.matches)
        assert total >= 2 and pane.matches.current is None
        await pilot.press("n")
        await pilot.pause()
        assert pane.matches.current == 0
        assert main.status.message.startswith(f"match 1 of {total}")
        await pilot.press("n")
        await pilot.pause()
        assert pane.matches.current == 1
        _assert_in_view(main)
        await pilot.press("N", "N")
        await pilot.pause()
        assert pane.matches.current == total - 1  # wrapped around to the last
        assert main.status.message.startswith(f"match {total} of {total}")
        _assert_in_view(main)


def _assert_in_view(main: MainScreen) -> None:
    pane = main.reading_pane
    match = pane.matches.current_match
    assert match is not None and pane.document is not None
    line = pane.document.line_of(match[0], match[1])
    top = pane.scroll_offset.y
    assert top <= line < top + pane.scrollable_content_region.height


async def test_matches_are_drawn_in_the_pane(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter", "enter")
        await settle(pilot)
        pane = main.reading_pane
        await pilot.press("n")
        await pilot.pause()
        block, start, end = pane.matches.current_match
        line = pane.document.line_of(block, start)
        strip = pane.render_line(line - pane.scroll_offset.y)
        current = pane.get_component_rich_style("reading-pane--match-current", partial=True)
        assert current.bgcolor is not None
        marked = [seg.text for seg in strip if seg.style and seg.style.bgcolor == current.bgcolor]
        assert [text.lower() for text in marked] == ["summit"]


async def test_escape_restores_the_whole_list_keeping_the_cursor(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter", "j")
        chosen = main.article_list.current
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        assert main.reading_pane.matches
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert len(main.article_list.rows) == len(main.library)
        assert main.article_list.current is not None
        assert main.article_list.current.id == chosen.id
        assert main.article_list.has_focus
        assert not main.search_bar.has_class("-active")
        assert main.search_bar.search_query == "" and not main.reading_pane.matches
        assert main.article_list.row_height == 2


async def test_escape_in_the_bar_ends_the_search_n_goes_back_to_notes(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        assert main.check_action("step_match", (1,)) is True
        await pilot.press("escape")
        await settle(pilot)
        assert main.check_action("step_match", (1,)) is False
        assert main.check_action("step_match", (-1,)) is False


async def test_escape_in_the_results_clears_the_search(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter", "j", "enter")  # to the results, open the second one
        await settle(pilot)
        chosen = main.opened_id
        await pilot.press("escape")  # from the article back to the results
        await settle(pilot)
        assert main.article_list.has_focus and main.search_bar.search_active
        await pilot.press("escape")  # then out of the search
        await settle(pilot)
        assert main.search_bar.search_query == "" and not main.search_bar.search_active
        assert not main.search_bar.has_class("-active")
        assert len(main.article_list.rows) == len(main.library)
        assert main.article_list.current is not None
        assert main.article_list.current.id == chosen
        assert main.article_list.has_focus


async def test_order_toggles_between_relevance_and_date(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        ranked = [meta.id for meta in _rows(main)]
        await pilot.press("enter", "O")
        await settle(pilot)
        assert main.search_bar.search_order == "date"
        assert main.search_bar.results is not None and not main.search_bar.results.ranked
        dates = [meta.date for meta in _rows(main)]
        assert dates == sorted(dates, reverse=True)
        assert sorted(meta.id for meta in _rows(main)) == sorted(ranked)
        assert info(main).endswith("newest first")
        await pilot.press("O")
        await settle(pilot)
        assert [meta.id for meta in _rows(main)] == ranked


async def test_up_and_down_recall_recent_queries(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter", "slash", "escape")  # submitted, then cleared
        await pilot.press("slash", *"harvest", "escape")
        await settle(pilot)
        await pilot.press("slash", *"dra", "up")
        bar = main.search_bar.input
        assert bar.value == "harvest"
        await pilot.press("up")
        assert bar.value == "summit"
        await pilot.press("up")  # the oldest: stays
        assert bar.value == "summit"
        await pilot.press("down", "down")
        assert bar.value == "dra"  # back to what was being typed
        await settle(pilot)
        assert main.search_bar.search_query == "dra"


async def test_a_query_matching_nothing_says_so(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "zzqqxx")
        assert info(main) == "no results"
        assert len(main.article_list.rows) == 0
        assert main.article_list.current is None
        await pilot.press("enter", "enter", "n")  # nothing to open, nothing to jump to
        await settle(pilot)


async def test_a_nasty_query_shows_a_hint_and_does_not_crash(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, '"((title:')
        text = info(main)
        assert text.startswith("no results · ")
        assert "quote" in text
        assert main.search_bar.info.has_class("-hint")
        for key in ("up", "down", "enter", "O", "n", "N"):
            await pilot.press(key)
        await settle(pilot)
        assert pilot.app.is_running


async def test_state_filters_come_from_the_store(search_app, sample_library) -> None:
    app = search_app()
    store = getattr(app, "store", None)
    if store is None:
        pytest.skip("this app has no store")
    meta = sample_library.get(SUMMIT_FIRST)
    assert meta is not None
    store.add_bookmark(meta.id, meta.path, meta.title)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "is:bookmarked")
        assert [row.id for row in _rows(main)] == [SUMMIT_FIRST]


async def test_a_search_right_after_b_sees_the_new_bookmark(search_app) -> None:
    """`is:` filters read the Annotator's copy, which has the bookmark before the store does."""
    gate = threading.Event()
    async with search_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main = screen(pilot)
        first = main.article_list.current
        assert first is not None
        main.annotator.writes.put(lambda: gate.wait(10))  # every write waits behind this one
        try:
            await pilot.press("b", "slash", *"is:bookmarked")
            for _ in range(100):
                if main.search_bar.results is not None:
                    break
                await pilot.pause(0.05)
            assert not main.annotator.store.bookmarked_ids()  # the write has not landed yet
            assert [row.id for row in _rows(main)] == [first.id]
        finally:
            gate.set()
        await settle(pilot)
        assert main.annotator.store.bookmarked_ids() == {first.id}


async def test_a_view_asked_for_during_a_search_is_listed(search_app) -> None:
    async with search_app().run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        await pilot.press("enter", "b", "B")  # to the results, bookmark the first, the view
        await settle(pilot)
        assert main.view == "bookmarks" and main.search_bar.search_active
        assert [row.id for row in _rows(main)] == [SUMMIT_FIRST]
        await pilot.press("B")  # again: back to the results
        await settle(pilot)
        assert main.view is None and len(main.article_list.rows) == SUMMIT_HITS


async def test_without_an_index_the_bar_says_search_is_unavailable(sample_library) -> None:
    app = ReaderApp(sample_library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await search(pilot, "summit")
        assert "not available" in info(main)
        assert len(main.article_list.rows) == len(sample_library)


def test_query_history_keeps_the_newest_fifty_without_repeats() -> None:
    history = QueryHistory()
    for number in range(60):
        history.add(f"q{number}")
    history.add("q30")
    history.add("  ")
    entries = history.entries
    assert len(entries) == 50 and entries[-1] == "q30" and entries.count("q30") == 1
    assert history.older("draft") == "q30"
    assert history.newer() == "draft"
    assert history.newer() is None


def test_matches_wrap() -> None:
    matches = Matches(((0, 0, 3), (2, 5, 9), (4, 1, 2)))
    assert matches.step(1).current == 0
    assert matches.step(-1).current == 2
    assert matches.step(1, anchor=(2, 6)).current == 2
    assert matches.step(-1, anchor=(2, 6)).current == 1
    assert Matches(matches.spans, 2).step(1).current == 0
    assert not Matches().step(1)


@pytest.mark.parametrize(
    ("total", "listed", "ranked", "expected"),
    [
        (0, 0, True, "no results"),
        (1, 1, True, "1 result"),
        (4, 4, True, "4 results"),
        (4, 4, False, "4 results, newest first"),
        (1200, 500, True, "1,200 results, best 500 listed"),
        (1200, 500, False, "1,200 results, best 500 listed, newest first"),
        # Fewer listed than the limit (the first quick batch): no "best N listed" yet.
        (1200, 60, True, "1,200 results"),
    ],
)
def test_count_text_says_how_many_matched_and_how_they_are_listed(
    index: SearchIndex, total: int, listed: int, ranked: bool, expected: str
) -> None:
    found = index.search("summit", limit=1)
    assert found.hits
    results = replace(found, hits=found.hits * listed, total=total, ranked=ranked)
    assert count_text(results) == expected


class TestSnapshot:
    def test_search_results(self, snap_compare, search_app) -> None:
        """The bar reads "summit" over "4 results"; four ranked rows with a marked snippet each."""

        async def run_before(pilot: Pilot[None]) -> None:
            await search(pilot, "summit")
            pilot.app.query_one(SearchInput).cursor_blink = False
            await pilot.press("enter")
            await settle(pilot)

        assert snap_compare(search_app(), terminal_size=(100, 30), run_before=run_before)


async def test_a_query_typed_in_one_burst_after_the_slash_lands_whole_in_the_bar(
    search_app,
) -> None:
    # Keys a terminal delivers together ("/summit" pasted or typed fast) are queued before
    # the slash is handled; none may go to the list (where g, l and c are keys of their own).
    async with search_app().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for character in "/summit":
            key = "slash" if character == "/" else character
            pilot.app.post_message(events.Key(key, character))
        await settle(pilot)
        main = screen(pilot)
        assert main.search_bar.input.value == "summit"
        assert main.view is None and main.reading_pane.article is None
        await pilot.press("slash", "x")
        assert main.search_bar.input.value == "summit/x"
