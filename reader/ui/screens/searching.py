"""Search on the main screen: the bar, ranked results in the list, matches in the pane."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.actions import SkipAction
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from reader.models import ScanProgress
from reader.ui.matches import Matches, find_matches
from reader.ui.results import ResultRows
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from reader.library import Library
    from reader.search import SearchIndex, SearchResults, StateFilters
    from reader.ui.widgets.reading_pane import ReadingPane
    from reader.ui.widgets.status import StatusLine

ORDERS = ("relevance", "date")
RESULT_LIMIT = 500
"""Results listed for one query; the count still says how many matched in all."""
FIRST_RESULTS = 60
"""Results fetched first, enough for a tall screen: snippets for 500 cost tens of ms."""
MORE_DELAY = 0.15
"""Seconds typing must pause before the rest of the results are fetched."""
PROGRESS_INTERVAL = 0.1
"""Seconds between two indexing progress updates."""
NO_INDEX = "search is not available: this library has no search index"
STATE_PREFIXES = ("is:", "has:")
"""Queries naming these need the reading state from the store."""


def count_text(results: SearchResults) -> str:
    """How many articles matched, as shown under the bar ("12 results", "no results")."""
    total = results.total
    if total == 0:
        return "no results"
    text = f"{total:,} result" + ("" if total == 1 else "s")
    if len(results.hits) < total and len(results.hits) >= RESULT_LIMIT:
        text += f", best {len(results.hits):,} listed"
    return text if results.ranked else text + ", newest first"


def state_filters(store: object, query: str) -> StateFilters | None:
    """The reading state for `is:` and `has:` filters, read only when the query needs it."""
    lowered = query.lower()
    if store is None or not any(prefix in lowered for prefix in STATE_PREFIXES):
        return None
    from reader.search import StateFilters  # noqa: PLC0415 - loaded with the index, not at start

    def ids(name: str) -> set[str]:
        method = getattr(store, name, None)
        return set(method()) if callable(method) else set()

    return StateFilters(
        bookmarked=ids("bookmarked_ids"),
        read=ids("read_ids"),
        noted=ids("noted_ids"),
        highlighted=ids("highlighted_ids"),
    )


class SearchableScreen(Screen[None]):
    """A screen whose list can show search results and whose reading pane marks matches.

    The concrete screen provides `library`, `opened_id`, `article_list`, `reading_pane`,
    `status`, `_show_rows()` and `_show_count()`.
    """

    if TYPE_CHECKING:
        library: Library
        opened_id: str | None
        article_list: ArticleList
        reading_pane: ReadingPane
        status: StatusLine

        def _show_rows(self) -> None: ...
        def _show_count(self, scanning: ScanProgress | None = None) -> None: ...
        def action_focus_list(self) -> None: ...

    @dataclass
    class SearchFinished(Message):
        """A search worker has results for `query` in `order`."""

        query: str
        order: str
        results: SearchResults
        more: bool = False
        """True for the longer list that follows the first results of the same search."""

    @dataclass
    class IndexProgressed(Message):
        """The search index update got further."""

        progress: ScanProgress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SearchableScreen.IndexProgressed)

    @dataclass
    class IndexSynced(Message):
        """The search index caught up with the catalog (`error` says why it could not)."""

        error: str = ""

    def __init__(
        self,
        *args: Any,
        index: SearchIndex | Callable[[], SearchIndex] | None = None,
        **kwargs: Any,
    ) -> None:
        # Other arguments go on along the MRO, so this can sit beside other screen bases.
        super().__init__(*args, **kwargs)
        self._index_opener = index if callable(index) else None
        self._index = None if callable(index) else index
        self._index_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self.search_query = ""
        """The query whose results are shown (empty: the whole library is listed)."""
        self.search_order = ORDERS[0]
        """"relevance" or "date": how results are ordered."""
        self.results: SearchResults | None = None
        """The results shown in the list, or None."""
        self.results_query = ""
        """The query `results` answer (the bar may already hold a newer one)."""
        self._notice_shown = False

    @property
    def index(self) -> SearchIndex | None:
        """The full-text index searched by the bar (None: search is unavailable).

        Given an opener, the index is opened on first use: by the background scan after the
        first frame, or by the first search, so start-up does not pay for the engine.
        """
        if self._index is None and self._index_opener is not None:
            with self._index_lock:
                if self._index is None:
                    self._index = self._index_opener()
        return self._index

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def search_active(self) -> bool:
        """True while the list shows search results."""
        return bool(self.search_query.strip())

    # Actions

    async def action_search(self) -> None:
        """Show the search bar and put the cursor in it."""
        await self.search_bar.activate()
        notice = self.index.notice if self.index is not None else None
        if notice and not self._notice_shown:
            self._notice_shown = True
            self.notify(notice, title="Search", severity="warning", timeout=6)

    def action_toggle_search_order(self) -> None:
        """Order results by relevance or by date, newest first."""
        self.search_order = ORDERS[1] if self.search_order == ORDERS[0] else ORDERS[0]
        self.notify(f"Search results by {self.search_order}", timeout=2)
        self.refresh_search()

    def action_next_match(self) -> None:
        """Jump to the next match of the search in the open article."""
        self._step_match(1)

    def action_prev_match(self) -> None:
        """Jump to the previous match of the search in the open article."""
        self._step_match(-1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a search n/N are not ours: the key goes to its next binding (the note editor).
        if action in ("next_match", "prev_match"):
            return self.search_active
        if action == "search" and self.search_bar.has_focus_within:
            return False  # a "/" typed in the bar is part of the query
        return super().check_action(action, parameters)

    def _step_match(self, delta: int) -> None:
        if not self.search_active:
            raise SkipAction()
        pane = self.reading_pane
        if not pane.matches:
            self.app.bell()
            return
        matches = pane.matches.step(delta, pane.top_anchor())
        pane.set_matches(matches)
        title = pane.article.meta.title if pane.article else ""
        number = (matches.current or 0) + 1
        self.status.message = f"match {number} of {len(matches)} · {title}"

    # The query

    @on(SearchBar.QueryChanged)
    def _on_query_changed(self, message: SearchBar.QueryChanged) -> None:
        self.search_query = message.query
        if not self.search_active:
            self._end_search()
        else:
            self.refresh_search()

    @on(SearchBar.Submitted)
    def _on_query_submitted(self) -> None:
        if self.search_active:
            self.action_focus_list()

    @on(SearchBar.Cleared)
    def _on_search_cleared(self) -> None:
        self.action_focus_list()

    @on(ArticleList.Selected)
    def _remember_query(self) -> None:
        if self.search_active:
            self.search_bar.history.add(self.search_query)

    def refresh_search(self) -> None:
        """Search again for the current query (after a keystroke, rescan or new order)."""
        if not self.search_active:
            return
        if self.index is None:
            self.search_bar.show_info("", NO_INDEX)
            return
        self._search(self.search_query, self.search_order)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, order: str) -> None:
        assert self.index is not None
        worker = get_current_worker()
        state = state_filters(getattr(self.app, "store", None), query)
        first = self.index.search(query, limit=FIRST_RESULTS, order=order, state=state)
        if worker.is_cancelled:
            return
        self.post_message(self.SearchFinished(query, order, first))
        if first.total <= len(first.hits):
            return
        # The next key cancels this worker: the long list is fetched only once typing pauses.
        time.sleep(MORE_DELAY)
        if worker.is_cancelled:
            return
        results = self.index.search(query, limit=RESULT_LIMIT, order=order, state=state)
        if not worker.is_cancelled:
            self.post_message(self.SearchFinished(query, order, results, more=True))

    @on(SearchFinished)
    def _on_search_finished(self, message: SearchFinished) -> None:
        # Typing goes on while a search runs: results for an older query are dropped.
        if message.query != self.search_query or message.order != self.search_order:
            return
        self.results, self.results_query = message.results, message.query
        current = self.article_list.current if message.more else None
        rows = ResultRows(message.results, self.library.get)
        self.article_list.set_rows(rows, keep_id=current.id if current else None)
        self.search_bar.show_info(count_text(message.results), message.results.hint)
        if not message.more:
            self.mark_matches()

    def _end_search(self) -> None:
        self.workers.cancel_group(self, "search")
        self.results, self.results_query = None, ""
        self.search_bar.show_info("")
        self._show_rows()
        self.mark_matches()

    def mark_matches(self) -> None:
        """Mark the current search's matches in the open article (or clear the marks)."""
        pane = self.reading_pane
        article, results = pane.article, self.results
        if article is None or results is None or not self.search_active:
            pane.set_matches(Matches())
        else:
            pane.set_matches(find_matches(article, results.marker))

    # Keeping the index up to date

    def reindex_user_text(self) -> None:
        """Let search find a note or tag just saved; runs in the store-write thread, after it."""
        self.sync_search_index()

    def sync_search_index(self) -> None:
        """Bring the index up to date with the catalog; runs in the scan's worker thread."""
        if self.index is None:
            return
        try:
            sync = importlib.import_module("reader.search.sync")
        except ImportError:
            return
        last = 0.0

        def report(progress: ScanProgress) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL:
                last = now
                self.post_message(self.IndexProgressed(progress))

        try:
            from reader.annotations import user_texts

            store = getattr(self, "store", None)
            texts = user_texts(store) if store is not None else None
            with self._sync_lock:  # the scan and a saved note may both ask for a sync
                sync.sync_index(self.library, self.index, report, user_texts=texts)
        # A failed update leaves the last index usable: say why in one line.
        except Exception as error:  # noqa: BLE001
            self.post_message(self.IndexSynced(str(error) or type(error).__name__))
            return
        self.post_message(self.IndexSynced())

    @on(IndexProgressed)
    def _on_index_progressed(self, message: IndexProgressed) -> None:
        progress = message.progress
        self._show_count()
        done = f"{progress.done}/{progress.total}" if progress.total else "starting"
        self.sub_title += f" · indexing {done}"

    @on(IndexSynced)
    def _on_index_synced(self, message: IndexSynced) -> None:
        self._show_count()
        if message.error:
            self.notify(message.error, title="Could not update the search index", severity="error")
        else:
            self.refresh_search()
