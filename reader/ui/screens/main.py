"""The main screen: the article list, the reading pane and the library's background scan."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Footer
from textual.worker import get_current_worker

from reader import paths
from reader.library import Library, UnknownArticle
from reader.models import Article, ScanProgress, ScanResult
from reader.sources import LoadError
from reader.store import Store, StoreError
from reader.ui import actions
from reader.ui.screens.incoming import FeedsOpener, IncomingScreen
from reader.ui.screens.searching import SearchableScreen
from reader.ui.screens.user_data import UserDataScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.empty import EmptyLibrary
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.status import StatusLine
from reader.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from reader.search import SearchIndex

NARROW_WIDTH = 60
"""Below this many columns only one pane is shown at a time."""
SHORT_HEIGHT = 10
"""Below this many rows the status line is hidden to leave room for the list."""
PROGRESS_INTERVAL = 0.1
"""Seconds between two scan progress updates, so a big scan does not flood the UI."""
SORT_ORDERS = ("date", "title")


class MainScreen(SearchableScreen, UserDataScreen, IncomingScreen):
    """Lists the library, opens articles and keeps the catalog fresh in the background."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("main")

    narrow: reactive[bool] = reactive(False, init=False)
    """True when the terminal is too narrow for two panes side by side."""
    reading: reactive[bool] = reactive(False, init=False)
    """In a narrow terminal: True shows the reading pane instead of the list."""
    sort: reactive[str] = reactive("date", init=False)
    """The list order, "date" or "title"."""

    @dataclass
    class ScanProgressed(Message):
        """A background scan got further."""

        progress: ScanProgress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, MainScreen.ScanProgressed)

    @dataclass
    class ScanFinished(Message):
        """A background scan is done (`result` is None when it failed; `error` says why)."""

        result: ScanResult | None
        error: str = ""

    @dataclass
    class ArticleLoaded(Message):
        """An article was read from its file."""

        article: Article

    @dataclass
    class LoadFailed(Message):
        """An article could not be read; `reason` is one line."""

        reason: str

    @dataclass
    class SortChanged(Message):
        """The user picked another list order (the app remembers it)."""

        sort: str

    def __init__(
        self,
        library: Library,
        *,
        sort: str = "date",
        measure: int = 72,
        scan: bool = True,
        index: SearchIndex | Callable[[], SearchIndex] | None = None,
        store: Store | None = None,
        feeds: FeedsOpener | None = None,
    ) -> None:
        """Show `library` in `sort` order, articles `measure` cells wide; `scan` it on mount."""
        super().__init__(index=index)
        self.store = store if store is not None else Store.in_memory()
        self._measure = measure
        self.library = library
        self._scan_on_mount = scan
        self.set_reactive(MainScreen.sort, sort if sort in SORT_ORDERS else "date")
        self.opened_id: str | None = None
        """Id of the article shown in the reading pane."""
        self._notified_problems: frozenset[str] = frozenset()
        self.feeds = feeds
        self._activity = ""
        self._open_after_scan: Path | None = None

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reading_pane(self) -> ReadingPane:
        return self.query_one(ReadingPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield ArticleList(id="list")
            yield ReadingPane(id="pane", measure=self._measure)
            yield EmptyLibrary(paths.user_library_dir(), id="empty")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.library.name
        self._apply_size(self.app.size.width, self.app.size.height)
        self._show_rows()
        self.article_list.focus()

    def first_frame_shown(self) -> None:
        """Start the background scan, if asked to, now that the first frame is on screen.

        Not sooner: the scan's thread shares the interpreter lock and would delay that frame.
        """
        if self._scan_on_mount:
            self._scan_on_mount = False
            self.scan()
            self.start_library_watch()

    def on_resize(self, event: events.Resize) -> None:
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        self.narrow = width < NARROW_WIDTH
        self.set_class(height < SHORT_HEIGHT, "-short")

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        # Narrowed while reading, the one pane shown is the article, not the list.
        self.reading = narrow and self.reading_pane.has_focus and self.opened_id is not None

    def watch_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        if self.narrow:  # widened while reading: both panes show and the focus stays put
            (self.reading_pane if reading else self.article_list).focus()

    # The list

    def _show_rows(self) -> None:
        if self.search_active:  # the list shows search results: search again instead
            self.refresh_search()
            return
        if self.view is not None:  # the list shows a view (bookmarks, continue reading)
            self.show_view()
            return
        current = self.article_list.current
        rows = self.library.rows(self.sort)
        self.article_list.set_rows(rows, keep_id=current.id if current else self.opened_id)
        self.set_class(len(rows) == 0, "-empty")
        self._show_count()

    def _show_count(self, scanning: ScanProgress | None = None) -> None:
        count = len(self.article_list.rows)
        text = f"{count} article" + ("" if count == 1 else "s")
        if scanning is not None:
            done = f"{scanning.done}/{scanning.total}" if scanning.total else "counting files"
            text += f" · scanning {done}"
        if self._activity:
            text += f" · {self._activity}"
        self.sub_title = text

    def set_activity(self, text: str) -> None:
        """Show what a background job is doing beside the article count ("" clears it)."""
        self._activity = text
        self._show_count()

    def action_toggle_sort(self) -> None:
        self.action_sort("title" if self.sort == "date" else "date")

    def action_sort(self, order: str) -> None:
        if order in SORT_ORDERS and order != self.sort:
            self.sort = order

    def watch_sort(self, order: str) -> None:
        self._show_rows()
        self.notify(f"Sorted by {order}", timeout=2)
        self.post_message(self.SortChanged(order))

    # Opening articles

    @on(ArticleList.Selected)
    def _on_selected(self, message: ArticleList.Selected) -> None:
        # As in Newsboat, opening moves to the article: j, k and space then scroll it.
        self.open_article(message.article.id)
        self.action_focus_pane()

    def action_open(self) -> None:
        self.article_list.action_open()

    def open_article(self, article_id: str) -> None:
        """Load an article in the background and show it in the reading pane."""
        self.opened_id = article_id
        if self.narrow:
            self.reading = True
        self._load(article_id)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, article_id: str) -> None:
        try:
            article = self.library.load(article_id)
        except (LoadError, UnknownArticle, OSError) as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ArticleLoaded(article))

    @on(ArticleLoaded)
    def _on_loaded(self, message: ArticleLoaded) -> None:
        if message.article.id != self.opened_id:
            return
        self.reading_pane.show(message.article)
        self.mark_matches()
        self.status.message = message.article.title
        self.status.progress = self.reading_pane.progress

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.reading_pane.show(None)
        self.status.message = f"Could not open this article: {message.reason}"
        self.status.progress = None
        self.notify(message.reason, title="Could not open the article", severity="error")

    @on(ReadingPane.ProgressChanged)
    def _on_progress(self, message: ReadingPane.ProgressChanged) -> None:
        if self.opened_id is not None:
            self.status.progress = message.progress

    def action_next_article(self) -> None:
        self._step(1)

    def action_prev_article(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        """Open the article `delta` rows from the open one (from the cursor if it is not listed)."""
        articles, rows = self.article_list, self.article_list.rows
        opened = rows.index_of(self.opened_id) if self.opened_id is not None else None
        target = articles.cursor if opened is None else opened + delta
        if not 0 <= target < len(rows) or rows[target].id == self.opened_id:
            self.app.bell()
            return
        articles.cursor = target
        self.open_article(rows[target].id)

    # Focus and panes

    def action_switch_pane(self) -> None:
        if self.narrow:
            self.reading = not self.reading and self.opened_id is not None
        elif self.article_list.has_focus:
            self.reading_pane.focus()
        else:
            self.article_list.focus()

    def action_back(self) -> None:
        """Escape: from the article back to the list, then out of the search or the view."""
        if self.narrow and self.reading:
            self.reading = False
        elif not self.article_list.has_focus:
            self.article_list.focus()
        elif self.search_active:
            self.search_bar.clear()
        else:
            self.leave_view()

    def action_focus_list(self) -> None:
        if self.narrow:
            self.reading = False
        self.article_list.focus()

    def action_focus_pane(self) -> None:
        if self.narrow:
            self.reading = True
        self.reading_pane.focus()

    # Background scan

    def action_rescan(self) -> None:
        self.scan()

    @work(thread=True, exclusive=True, group="scan")
    def scan(self) -> None:
        """Bring the catalog up to date, reporting progress, then refresh the list."""
        last = 0.0

        def report(progress: ScanProgress) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL:
                last = now
                self.post_message(self.ScanProgressed(progress))

        self.post_message(self.ScanProgressed(ScanProgress(0, 0)))
        try:
            result = self.library.scan(report)
        # A failed background scan leaves the last catalog usable: say why in one line.
        except Exception as error:  # noqa: BLE001
            self.post_message(self.ScanFinished(None, str(error) or type(error).__name__))
            return
        self.post_message(self.ScanFinished(result))
        self.relink_after_scan()
        self.sync_search_index()

    def relink_after_scan(self) -> None:
        """Point records at the ids the scan gave their articles; runs in the scan's thread."""
        from reader.annotations import relink_annotations

        try:
            changed = relink_annotations(self.library, self.store)
        # Records that cannot be re-linked now stay as they are: the next scan tries again.
        except StoreError as error:
            self.app.call_from_thread(
                self.notify, str(error), title="Could not update your notes", severity="error"
            )
            return
        if changed:
            self.app.call_from_thread(self.reload_user_data)

    @on(ScanProgressed)
    def _on_scan_progressed(self, message: ScanProgressed) -> None:
        self._show_count(message.progress)

    def open_after_scan(self, path: Path) -> None:
        """Open the article at this path once the next scan has listed it."""
        self._open_after_scan = path

    def _open_pending(self) -> None:
        path = self._open_after_scan
        # Not listed yet: a scan that began before the file was written finished first.
        if path is None or (article_id := self.library.id_at(path)) is None:
            return
        self._open_after_scan = None
        if self.search_active or self.view is not None:
            return  # the list shows results or a view the new article may not be in
        index = self.article_list.rows.index_of(article_id)
        if index is not None:
            self.article_list.cursor = index
            self.open_article(article_id)

    @on(ScanFinished)
    def _on_scan_finished(self, message: ScanFinished) -> None:
        self._show_rows()
        self._open_pending()
        if message.result is None:
            self.notify(message.error, title="Could not scan the library", severity="error")
            return
        self._notify_problems(message.result)

    def _notify_problems(self, result: ScanResult) -> None:
        paths_now = frozenset(problem.path for problem in result.problems)
        if paths_now and paths_now != self._notified_problems:
            count = len(paths_now)
            files = "file" if count == 1 else "files"
            self.notify(
                f"{count} {files} could not be read: see `reader list`",
                severity="warning",
                timeout=6,
            )
        self._notified_problems = paths_now
