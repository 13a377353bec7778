"""The search bar: a query input that runs the search itself and posts the results."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.ui import actions
from reader.ui.plain import clean
from reader.ui.results import RESULT_LIMIT, count_text, uses_state

if TYPE_CHECKING:
    from reader.search import SearchIndex, SearchResults, StateFilters

HISTORY_SIZE = 50
"""Recent queries kept for up/down recall."""
PLACEHOLDER = 'Search: words, "a phrase", -without, pre*, title:, date:2025, is:bookmarked'
ORDERS = ("relevance", "date")
FIRST_RESULTS = 60
"""Results fetched first, enough for a tall screen: snippets for 500 cost tens of ms."""
MORE_DELAY = 0.15
"""Seconds typing must pause before the rest of the results are fetched."""
NO_INDEX = "search is not available: this library has no search index"


class QueryHistory:
    """Recent queries, oldest first, browsed from the newest with older()/newer()."""

    def __init__(self, entries: list[str] | None = None, size: int = HISTORY_SIZE) -> None:
        self._size = size
        self._entries: list[str] = list(entries or [])[-size:]
        self._position: int | None = None
        self._draft = ""

    @property
    def entries(self) -> list[str]:
        """The remembered queries, oldest first (a copy)."""
        return list(self._entries)

    def add(self, query: str) -> None:
        """Remember `query` as the newest entry (a repeat moves to the end)."""
        query = query.strip()
        self._position = None
        if not query:
            return
        if query in self._entries:
            self._entries.remove(query)
        self._entries.append(query)
        del self._entries[: -self._size]

    def older(self, current: str) -> str | None:
        """The entry before the one shown (or the newest), or None at the oldest."""
        if not self._entries:
            return None
        if self._position is None:
            self._draft = current
            self._position = len(self._entries)
        if self._position == 0:
            return None
        self._position -= 1
        return self._entries[self._position]

    def newer(self) -> str | None:
        """The entry after the one shown, the draft after the newest, or None if not browsing."""
        if self._position is None:
            return None
        self._position += 1
        if self._position >= len(self._entries):
            self._position = None
            return self._draft
        return self._entries[self._position]

    def reset(self) -> None:
        """Stop browsing: the next older() starts from the newest again."""
        self._position = None


class SearchInput(Input):
    """The query input: escape clears, up and down recall recent queries."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("search")

    def action_clear_search(self) -> None:
        bar = self.parent
        if isinstance(bar, SearchBar):
            bar.clear()

    def action_recall(self, step: int) -> None:
        bar = self.parent
        if isinstance(bar, SearchBar):
            bar.recall(step)

    def action_save_search(self) -> None:
        bar = self.parent
        if isinstance(bar, SearchBar):
            bar.post_message(SearchBar.SaveAsked(self.value))


class SearchBar(Vertical):
    """The query line and, under it, how many results and any hint about the query."""

    DEFAULT_CSS = """
    SearchBar {
        height: auto;
        display: none;
        padding: 0 1;
        background: $surface;
        &.-active { display: block; }
        & > SearchInput { background: $surface; }
        & > #search-info {
            height: 1;
            color: $text-muted;
        }
        & > #search-info.-hint { color: $text-warning; }
    }
    """

    @dataclass
    class QueryChanged(Message):
        """The query text changed (an empty query ends the search)."""

        query: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SearchBar.QueryChanged)

    @dataclass
    @dataclass
    class SaveAsked(Message):
        """The user asked to save `query` as a smart folder."""

        query: str

    class Cleared(Message):
        """The user cleared the bar with escape."""

    @dataclass
    class Submitted(Message):
        """The user pressed enter: move to the results."""

        query: str

    @dataclass
    class ResultsReady(Message):
        """The search worker has results for `query` in `order`."""

        query: str
        order: str
        results: SearchResults
        more: bool = False
        """True for the longer list that follows the first results of the same search."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.history = QueryHistory()
        """Recent queries, recalled with up and down."""
        self._recalling = False
        self.open_index: Callable[[], SearchIndex | None] = lambda: None
        """Gives the index to search (None: search is unavailable); set by the screen."""
        self.state: Callable[[], StateFilters | None] = lambda: None
        """Gives the reader's own data for `is:` and `has:` filters; set by the screen."""
        self.search_query = ""
        """The query whose results are wanted (empty: the whole library is listed)."""
        self.search_order = ORDERS[0]
        """"relevance" or "date": how results are ordered."""
        self.results: SearchResults | None = None
        """The results shown in the list, or None."""
        self.results_query = ""
        """The query `results` answer (the bar may already hold a newer one)."""
        self._notice_shown = False

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def info(self) -> Static:
        return self.query_one("#search-info", Static)

    @property
    def search_active(self) -> bool:
        """True while the list shows search results."""
        return bool(self.search_query.strip())

    @property
    def filters_by_state(self) -> bool:
        """True when the results depend on the reader's own data (`is:`, `has:`)."""
        return self.search_active and uses_state(self.search_query)

    def compose(self) -> ComposeResult:
        # The input is mounted when the bar is first shown: styling an Input costs the first
        # frame several milliseconds, and that frame does not show the bar.
        yield from ()

    async def activate(self) -> None:
        """Show the bar and put the cursor in it."""
        self.add_class("-active")
        if not self.children:
            await self.mount(
                SearchInput(placeholder=PLACEHOLDER, select_on_focus=False, compact=True),
                Static("", id="search-info", markup=False),
            )
        # Focus at once, not on the next message (as `focus()` does): the keys typed right
        # after `/`, already queued, must land in the bar.
        self.screen.set_focus(self.input)
        index = self.open_index()
        if index is not None and index.notice and not self._notice_shown:
            self._notice_shown = True
            self.notify(index.notice, title="Search", severity="warning", timeout=6)

    def clear(self) -> None:
        """Empty and hide the bar, remembering what was typed."""
        self.history.add(self.input.value)
        self.input.value = ""
        self.show_info("")
        self.remove_class("-active")
        self.post_message(self.Cleared())

    def recall(self, step: int) -> None:
        """Show an older (step < 0) or newer recent query."""
        history = self.history
        text = history.older(self.input.value) if step < 0 else history.newer()
        if text is None:
            self.app.bell()
            return
        self._recalling = text != self.input.value
        self.input.value = text
        self.input.cursor_position = len(text)

    def show_info(self, count: str, hint: str | None = None) -> None:
        """Show the hit count and, when the query needed one, a gentle hint after it."""
        parts = [count, clean(hint) if hint else ""]
        self.info.update(Content(" · ".join(part for part in parts if part)))
        self.info.set_class(bool(hint), "-hint")

    def toggle_order(self) -> str:
        """Order results by relevance or by date, newest first; returns the new order."""
        self.search_order = ORDERS[1] if self.search_order == ORDERS[0] else ORDERS[0]
        self.search()
        return self.search_order

    def search(self) -> None:
        """Search again for the current query (after a keystroke, a rescan or a new order)."""
        if not self.search_active:
            return
        if self.open_index() is None:
            self.show_info("", NO_INDEX)
            return
        self._search(self.search_query, self.search_order)

    def end(self) -> None:
        """Stop searching: drop the results and any search still running."""
        self.workers.cancel_group(self, "search")
        self.results, self.results_query = None, ""
        if self.children:
            self.show_info("")

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, order: str) -> None:
        index, worker = self.open_index(), get_current_worker()
        assert index is not None
        state = self.state() if uses_state(query) else None
        first = index.search(query, limit=FIRST_RESULTS, order=order, state=state)
        if worker.is_cancelled:
            return
        self.post_message(self.ResultsReady(query, order, first))
        if first.total <= len(first.hits):
            return
        # The next key cancels this worker: the long list is fetched only once typing pauses.
        time.sleep(MORE_DELAY)
        if worker.is_cancelled:
            return
        results = index.search(query, limit=RESULT_LIMIT, order=order, state=state)
        if not worker.is_cancelled:
            self.post_message(self.ResultsReady(query, order, results, more=True))

    def take(self, message: ResultsReady) -> bool:
        """Keep results that answer the current query and show their count; False if stale."""
        # Typing goes on while a search runs: results for an older query are dropped.
        if (message.query, message.order) != (self.search_query, self.search_order):
            return False
        self.results, self.results_query = message.results, message.query
        self.show_info(count_text(message.results), message.results.hint)
        return True

    @on(Input.Changed)
    def _on_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self._recalling:
            self.history.reset()
        self._recalling = False
        self.search_query = event.value
        if self.search_active:
            self.search()
        else:
            self.end()
        self.post_message(self.QueryChanged(event.value))

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.history.add(event.value)
        self.post_message(self.Submitted(event.value))
