"""The main screen: the article list and the reading pane, with keys routed to their owners.

Owners do the work: the `Annotator` keeps the user's data, the `SearchBar` runs searches,
the `LibraryKeeper` scans, indexes and watches the folders, and `Incoming` saves pages and
refreshes feeds. The screen lays them out, opens articles and passes messages between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from reader import paths
from reader.library import Library, UnknownArticle
from reader.models import Article
from reader.sources import LoadError
from reader.store import Store
from reader.ui import actions
from reader.ui.annotator import Annotator
from reader.ui.explore import Explorer
from reader.ui.feeds_keeper import FeedsKeeper
from reader.ui.feeds_manage import FEED_VIEW, FeedsManager
from reader.ui.incoming import FeedsOpener, Incoming
from reader.ui.library_keeper import LibraryKeeper
from reader.ui.reading_log import ReadingRecorder
from reader.ui.results import ResultRows
from reader.ui.unread import UnreadFlow
from reader.ui.user_data import IdRows
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.empty import EmptyLibrary
from reader.ui.widgets.reading_pane import ReadingPane
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.status import StatusLine
from reader.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from reader.search import SearchIndex
    from reader.ui.importing import Importing

NARROW_WIDTH = 60
"""Below this many columns only one pane is shown at a time."""
SHORT_HEIGHT = 10
"""Below this many rows the status line is hidden to leave room for the list."""
SORT_ORDERS = ("date", "title")
START_REFRESH_DELAY = 2.0
"""Seconds after start before the feeds are refreshed (when the settings ask for it)."""
VIEWS = {"bookmarks": "Bookmarks", "continue": "Continue reading"}
"""Lists of the user's own articles shown instead of the library, by name."""


class MainScreen(Screen[None]):
    """Lists the library, opens articles and routes each key to the part that owns its work."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("main")

    narrow: reactive[bool] = reactive(False, init=False)
    """True when the terminal is too narrow for two panes side by side."""
    reading: reactive[bool] = reactive(False, init=False)
    """In a narrow terminal: True shows the reading pane instead of the list."""
    sort: reactive[str] = reactive("date", init=False)
    """The list order, "date" or "title"."""

    article_list = getters.query_one(ArticleList)
    reading_pane = getters.query_one(ReadingPane)
    status = getters.query_one(StatusLine)
    search_bar = getters.query_one(SearchBar)
    annotator = getters.query_one(Annotator)
    recorder = getters.query_one(ReadingRecorder)

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
        """Show `library` in `sort` order, articles `measure` cells wide; `scan` it once shown."""
        super().__init__()
        self.library = library
        self._store = store if store is not None else Store.in_memory()
        self._measure = measure
        self.set_reactive(MainScreen.sort, sort if sort in SORT_ORDERS else "date")
        self.opened_id: str | None = None
        """Id of the article shown in the reading pane."""
        self.view: str | None = None
        """The view shown in the list instead of the library: "bookmarks", "continue"."""
        self.keeper = LibraryKeeper(self, index, scan=scan)
        """Scans the library, keeps the search index and watches the folders."""
        self.incoming = Incoming(self, feeds)
        """Saves web pages and files, and refreshes feeds."""
        self.explorer = Explorer(self)
        """Opens the browser, the link list, related articles, the review and the stats."""
        self._imports: Importing | None = None
        """Imports export files and fetches imported links (made on first use)."""
        self.activity = ""
        """What a background job is doing, shown beside the article count ("": nothing)."""
        self.feeds = FeedsKeeper(self)
        """Counts the feeds and smart folders for the feeds view."""
        self.feeds_manager = FeedsManager(self)
        self.unread = UnreadFlow(self)
        """Next unread, mark a list read, undo."""

    def compose(self) -> ComposeResult:
        articles = ArticleList(id="list")
        pane = ReadingPane(id="pane", measure=self._measure)
        yield TitleBar()
        yield SearchBar(id="search")
        with Horizontal(id="panes"):
            yield articles
            yield pane
            yield EmptyLibrary(paths.user_library_dir(), id="empty")
        yield StatusLine(id="status")
        yield Annotator(self._store, pane, articles)
        yield ReadingRecorder(self._store)
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.library.name
        self.search_bar.open_index = lambda: self.keeper.index
        self.search_bar.state = self.annotator.filters
        self.annotator.reindex = self.keeper.sync_index
        self.on_resize(events.Resize(self.app.size, self.app.size))
        self.show_rows()
        self.article_list.focus()
        settings = getattr(self.app, "settings", None)
        minutes = getattr(settings, "refresh_minutes", 0)
        self.feeds.start_timer(minutes, lambda: self.incoming.refresh_feeds(quiet=True))
        if self.incoming.feeds is not None and getattr(settings, "refresh_on_start", False):
            # Not at once: the first frame and the first scan come first.
            self.set_timer(START_REFRESH_DELAY, lambda: self.incoming.refresh_feeds(quiet=True))

    def on_unmount(self) -> None:
        self.keeper.stop_watch()

    def on_resize(self, event: events.Resize) -> None:
        self.narrow = event.size.width < NARROW_WIDTH
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        # Narrowed while reading, the one pane shown is the article, not the list.
        self.reading = narrow and self.reading_pane.has_focus and self.opened_id is not None

    def watch_reading(self, reading: bool) -> None:
        self.set_class(reading, "-reading")
        if self.narrow:  # widened while reading: both panes show and the focus stays put
            (self.reading_pane if reading else self.article_list).focus()

    # --- the list -------------------------------------------------------------------------

    def show_rows(self, *, view_first: bool = False) -> None:
        """List the search results, the view, or the library in the chosen order.

        The search's results come first, unless `view_first` (a view was just asked for).
        """
        if self.search_bar.search_active and not (view_first and self.view):
            self.search_bar.search()
        elif self.view is not None and self.view.startswith(FEED_VIEW):
            self.feeds_manager.list_feed(self.view.removeprefix(FEED_VIEW))
        elif self.view is not None:
            ids = self.annotator.user.view_ids(self.view)
            metas = [meta for article_id in ids if (meta := self.library.get(article_id))]
            self.article_list.set_rows(IdRows(metas), keep_id=self.opened_id)
            self.set_class(False, "-empty")
            self.sub_title = f"{VIEWS[self.view]} · {len(metas)} (esc: back to the library)"
        else:
            current = self.article_list.current
            rows = self.library.rows(self.sort)
            self.article_list.set_rows(rows, keep_id=current.id if current else self.opened_id)
            self.set_class(len(rows) == 0, "-empty")
            self.show_count()

    def show_count(self) -> None:
        """Show the article count, with the scan, the job and the index update under way."""
        count = len(self.article_list.rows)
        parts = (self.keeper.scanning, self.activity, self.keeper.indexing)
        text = f"{count} article" + ("" if count == 1 else "s")
        self.sub_title = " · ".join((text, *(part for part in parts if part)))

    def action_toggle_sort(self) -> None:
        self.action_sort("title" if self.sort == "date" else "date")

    def action_sort(self, order: str) -> None:
        if order in SORT_ORDERS and order != self.sort:
            self.sort = order

    def watch_sort(self, order: str) -> None:
        self.show_rows()
        self.notify(f"Sorted by {order}", timeout=2)
        self.post_message(self.SortChanged(order))

    def action_view(self, name: str) -> None:
        """Show a view (bookmarks, continue reading) in the list; again, or "", to leave it."""
        if (name in VIEWS or name.startswith(FEED_VIEW)) and name != self.view:
            self.view = name
            self.article_list.focus()
        elif self.view is None:
            return
        else:
            self.view = None
        self.show_rows(view_first=True)

    # --- opening articles -----------------------------------------------------------------

    @on(ArticleList.Selected)
    def _on_selected(self, message: ArticleList.Selected) -> None:
        if self.search_bar.search_active:
            self.search_bar.history.add(self.search_bar.search_query)
        # As in Newsboat, opening moves to the article: j, k and space then scroll it.
        self.open_article(message.article.id)
        self.action_focus_part("pane")

    def action_open(self) -> None:
        self.article_list.action_open()

    def open_article(self, article_id: str | None) -> None:
        """Load an article in the background and show it in the reading pane (None: a bell)."""
        if article_id is None:
            self.app.bell()
            return
        self.opened_id = article_id
        if self.narrow:
            self.reading = True
        self.load_article(article_id)

    @work(thread=True, exclusive=True, group="load")
    def load_article(self, article_id: str) -> None:
        """Read an article from its file (in a thread) and post it to be shown."""
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
        self.reading_pane.mark_search(self.search_bar.results)
        self.status.message = message.article.title
        self.status.unread = self._opened_unread()
        self.status.progress = self.reading_pane.progress
        self.annotator.shown(message.article)
        self.keeper.shown(message.article)

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
        self.annotator.scrolled(message.progress, self.opened_id)
        if self.opened_id is not None:
            self.recorder.progressed(self.reading_pane.article, message.progress)
        self.status.unread = self._opened_unread()  # reading to the end marks it read

    def action_step_article(self, delta: int) -> None:
        """Open the article `delta` rows after (or before) the open one."""
        self.open_article(self.article_list.step(self.opened_id, delta))

    # --- focus and panes ------------------------------------------------------------------

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
        elif self.search_bar.search_active:
            self.search_bar.clear()
        else:
            left = self.view or ""
            self.action_view("")
            if left.startswith(FEED_VIEW):  # back to the feeds view, where the feed was picked
                self.action_feeds(("feed", left.removeprefix(FEED_VIEW)))

    def action_focus_part(self, part: str) -> None:
        """Move the keyboard focus to the "list" or the "pane" (showing it when narrow)."""
        if self.narrow:
            self.reading = part == "pane"
        (self.reading_pane if part == "pane" else self.article_list).focus()

    # --- search ---------------------------------------------------------------------------

    async def action_search(self) -> None:
        """Show the search bar and put the cursor in it."""
        await self.search_bar.activate()

    def action_toggle_search_order(self) -> None:
        """Order results by relevance or by date, newest first."""
        self.notify(f"Search results by {self.search_bar.toggle_order()}", timeout=2)

    def action_step_match(self, delta: int) -> None:
        """Jump to the next (1) or previous (-1) match of the search in the open article."""
        self.status.message = self.reading_pane.step_match(delta) or self.status.message

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without a search n/N are not ours: the key goes to its next binding (the note editor).
        if action == "step_match":
            return self.search_bar.search_active
        if action == "search" and self.search_bar.has_focus_within:
            return False  # a "/" typed in the bar is part of the query
        return super().check_action(action, parameters)

    @on(SearchBar.QueryChanged)
    def _on_query_changed(self) -> None:
        if not self.search_bar.search_active:  # the search ended: back to the whole list
            self.show_rows()
            self.reading_pane.mark_search(None)

    @on(SearchBar.Submitted)
    @on(SearchBar.Cleared)
    def _to_results(self, message: SearchBar.Submitted | SearchBar.Cleared) -> None:
        if isinstance(message, SearchBar.Cleared) or self.search_bar.search_active:
            self.action_focus_part("list")

    @on(SearchBar.ResultsReady)
    def _on_results(self, message: SearchBar.ResultsReady) -> None:
        if not self.search_bar.take(message):
            return
        current = self.article_list.current if message.more else None
        rows = ResultRows(message.results, self.library.get)
        self.article_list.set_rows(rows, keep_id=current.id if current else None)
        if not message.more:
            self.reading_pane.mark_search(message.results)

    # --- the user's data: the Annotator does the work -------------------------------------

    def action_toggle_bookmark(self) -> None:
        self.annotator.toggle_bookmark()

    def action_edit_tags(self) -> None:
        self.annotator.edit_tags()

    def action_toggle_read(self) -> None:
        self.annotator.toggle_read()
        self.read_state_changed()

    def action_edit_note(self) -> None:
        self.annotator.edit_note()

    def action_note(self) -> None:
        # While a search is active, `n` goes to the next match instead.
        if self.search_bar.search_active:
            self.action_step_match(1)
        else:
            self.action_edit_note()

    def action_highlight(self, ask: bool = False) -> None:
        self.annotator.highlight(ask=ask)

    def action_paragraph(self, delta: int) -> None:
        self.annotator.move_cursor(delta)

    def action_notebook(self) -> None:
        self.explorer.notebook()

    @on(Annotator.Reloaded)
    def _on_user_data_reloaded(self) -> None:
        # Views and `is:` results list articles by the user's data: list them again.
        if self.view is not None or self.search_bar.filters_by_state:
            self.show_rows()

    # --- feeds, smart folders and the unread flow ------------------------------------------

    def action_feeds(self, at: tuple[str, str] | None = None) -> None:
        """Show the feeds view (`at`: the row to put the cursor on)."""
        self.feeds_manager.show_view(at)

    def feed_after_unread(self) -> bool:
        """In a feed's list with nothing unread: on to the next feed with unread articles."""
        return self.feeds_manager.feed_after_unread()

    def read_state_changed(self) -> None:
        """Articles were marked read or unread: redraw their markers (`is:` results: relist)."""
        self.article_list.refresh()
        self.status.unread = self._opened_unread()
        self.feeds.tell()
        if self.search_bar.filters_by_state:
            self.show_rows()

    def _opened_unread(self) -> bool:
        return self.opened_id is not None and not self.annotator.user.is_read(self.opened_id)

    def action_unread(self, step: str) -> None:
        """The unread flow: "next" unread article, "mark_all" the list read, "undo" that."""
        flow = self.unread
        {"next": flow.next_unread, "mark_all": flow.mark_all_read, "undo": flow.undo}[step]()

    def action_save_search(self) -> None:
        """Save the search shown as a smart folder, under a name asked for."""
        self.feeds_manager.save_search(self.search_bar.search_query)

    @on(SearchBar.SaveAsked)
    def _on_save_asked(self, message: SearchBar.SaveAsked) -> None:
        self.feeds_manager.save_search(message.query)

    @on(FeedsKeeper.News)
    def _on_feeds_news(self, message: FeedsKeeper.News) -> None:
        self.feeds.take(message)

    # --- the library and what comes into it -----------------------------------------------

    def action_rescan(self) -> None:
        self.keeper.scan()

    def action_remove_samples(self) -> None:
        self.keeper.remove_samples()

    # --- beyond the article: the Explorer does the work ----------------------------------

    def action_explore(self, what: str) -> None:
        """Open the article in the "browser", or show its "links", the "related" articles,
        the daily "review" or the reading "stats"."""
        explorer = self.explorer
        shows = {"browser": explorer.open_browser, "links": explorer.links}
        shows.update(related=explorer.related, review=explorer.review, stats=explorer.stats)
        shows[what]()

    def action_add_article(self) -> None:
        self.incoming.add_article()

    def action_refresh_feeds(self) -> None:
        self.incoming.refresh_feeds()

    def action_importing(self, what: str) -> None:
        """ "ask" for an export file to import, or "fetch" the imported links' pages."""
        # Made on first use: start-up does not pay for the import machinery.
        from reader.ui.importing import Importing

        if self._imports is None:
            self._imports = Importing(self)
        (self._imports.ask if what == "ask" else self._imports.fetch)()

    @on(LibraryKeeper.News)
    def _on_library_news(self, message: LibraryKeeper.News) -> None:
        self.keeper.take(message)
        if isinstance(message, LibraryKeeper.ScanFinished):
            self.feeds.recount()  # new entries, or entries gone
            self.feeds.prune_if_pending()

    @on(Incoming.Report)
    def _on_incoming(self, message: Incoming.Report) -> None:
        self.incoming.take(message)
