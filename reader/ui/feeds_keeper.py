"""The feeds view's data for the main screen: subscriptions, counts, smart folders, timed refresh.

Counting reads the catalog and the subscriptions file, so it runs in a thread worker and
posts the result; the view then draws from what was counted plus the read state the app
holds in memory, so a count follows an article read at once, without a new count.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message
from textual.timer import Timer

from reader.feeds.counts import FeedTally, feed_lines, feeds_root, tally
from reader.ui.read_counts import ReadSnapshot
from reader.ui.widgets.feed_tree import TreeRow

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription
    from reader.store.records import SavedSearch
    from reader.ui.screens.main import MainScreen
    from reader.ui.user_data import UserCache

BUILT_INS = (
    ("unread", "Unread"),
    ("bookmarks", "Bookmarks"),
    ("continue", "Continue reading"),
    ("notebook", "Notebook"),
)
"""The smart folders every library has, by key and label."""

MINUTE = 60.0
"""Seconds in a minute of `refresh_minutes` (tests make it shorter)."""

UNREAD_QUERY = "is:unread"
"""The search that lists the Unread smart folder."""


@dataclass(frozen=True)
class Counted:
    """What a count found: the feeds, the entries of each, the saved searches and their hits."""

    subs: list[Subscription] = field(default_factory=list)
    tally: FeedTally = field(default_factory=FeedTally)
    searches: list[SavedSearch] = field(default_factory=list)
    hits: dict[str, int | None] = field(default_factory=dict)
    """Saved search name -> how many articles it finds (None: no index to ask)."""
    continuing: int = 0
    """Articles opened but not finished (Continue reading)."""
    reads: ReadSnapshot = field(default_factory=ReadSnapshot)
    """How many articles were read, per feed and in the library, when counted."""


class FeedsKeeper:
    """Counts feeds and smart folders in the background and gives the feeds view its rows."""

    class News(Message):
        """Something changed for the feeds view; the screen passes it to `take`."""

    @dataclass
    class CountsReady(News):
        """A count finished."""

        counted: Counted

    @dataclass
    class Pruned(News):
        """Old untouched entries were removed by the feeds' `keep` rules."""

        removed: int

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.counted: Counted | None = None
        """The last count, or None before the first one finished."""
        self.listeners: list[Callable[[], None]] = []
        """Told (on the UI thread) whenever a new count arrives: the open feeds view."""
        self._timer: Timer | None = None
        self.total_unread: int | None = None
        """Unread entries over every feed, as the last `rows` counted (None: not counted)."""
        self._reads: tuple[tuple[int, int, int], tuple[dict[str, int], int]] | None = None
        self.prune_pending = False
        """A refresh finished: apply the feeds' `keep` rules once the scan after it is done."""

    # --- counting -------------------------------------------------------------------------

    def recount(self, group: str = "feed-counts") -> None:
        """Count again in a thread worker (a newer count replaces one still running in
        the same `group`)."""
        app = self._screen.app
        if threading.get_ident() != app._thread_id:  # asked by a worker: on the UI thread
            app.call_from_thread(self.recount, group)
            return
        # The read state is copied here, on the UI thread, so the copy and the length of the
        # log of changes agree: the view replays only what came after.
        user = self._screen.annotator.user
        read = (id(user), len(user.read_log), set(user.read_ids))
        self._screen.run_worker(lambda: self._count(read), thread=True, exclusive=True, group=group)

    def _count(self, read: tuple[int, int, set[str]]) -> None:
        screen = self._screen
        subs: list[Subscription] = []
        incoming = screen.incoming
        if incoming.feeds is not None:
            try:
                subs = incoming.open_feeds().all()
            # A locked or damaged subscriptions file: the view lists no feeds and says why
            # when it is refreshed; counting must not take the app down.
            except Exception:
                subs = []
        counts = tally(screen.library, feeds_root())
        store = screen.annotator.store
        searches = store.saved_searches()
        hits = self._search_hits(searches)
        ids = frozenset(screen.library.ids())
        # A copy first (one C call the UI thread cannot interleave), then read at leisure.
        states = dict(screen.annotator.user.states).values()
        continuing = sum(1 for state in states if state.last_opened and not state.read)
        reads = ReadSnapshot.take(*read, counts, ids)
        counted = Counted(subs, counts, searches, hits, continuing, reads)
        screen.post_message(self.CountsReady(counted))

    def _search_hits(self, searches: list[SavedSearch]) -> dict[str, int | None]:
        """How many articles each saved search finds, asked of the index."""
        index = self._screen.keeper.index if searches else None
        if index is None:
            return {search.name: None for search in searches}
        state = self._screen.annotator.filters()
        return {
            search.name: index.search(search.query, limit=1, state=state, snippets=False).total
            for search in searches
        }

    def take(self, news: News) -> None:
        """Keep a finished count and tell the open view (on the UI thread)."""
        if isinstance(news, self.CountsReady):
            self.counted = news.counted
            if news.counted.reads.cache_id != id(self._screen.annotator.user):
                # Counted against a copy of the user's data since replaced (read from disk
                # meanwhile): the view would intersect every feed with the read ids on the
                # key; count again in a worker instead. Another group: the worker that sent
                # this may not have ended yet, and must not be cancelled.
                self.recount(group="feed-counts-again")
            self.tell()
            # Idle now (a count follows the first scan): build the view before its key.
            self._screen.call_after_refresh(self._screen.feeds_manager.prepare_view)
        elif isinstance(news, self.Pruned):
            self._screen.keeper.scan()  # the catalog forgets the files removed
            count = news.removed
            self._screen.notify(
                f"Removed {count} old unread entr{'y' if count == 1 else 'ies'} (feed keep rules)",
                timeout=4,
            )

    # --- retention ------------------------------------------------------------------------

    def prune_if_pending(self) -> None:
        """Apply the `keep` rules if a refresh asked for it (in a thread worker)."""
        if self.prune_pending and self._screen.incoming.feeds is not None:
            self.prune_pending = False
            self._screen.run_worker(self._prune, thread=True, exclusive=True, group="prune")

    def _prune(self) -> None:
        from reader.feeds.retention import prune

        screen = self._screen
        user = screen.annotator.user
        # What the app changed but has not written yet is protected too.
        touched = {id_ for id_, state in user.states.items() if state.read or state.last_opened}
        touched |= set(user.bookmarks) | set(user.notes) | set(user.highlights)
        try:
            subs = screen.incoming.open_feeds().all()
            removed = prune(screen.library, subs, screen.annotator.store, also=touched)
        # A busy store or subscriptions file: the next refresh tries again.
        except Exception:
            return
        if removed:
            screen.post_message(self.Pruned(len(removed)))

    def tell(self) -> None:
        """Have the open view draw its rows again (the read state changed, say)."""
        for listener in list(self.listeners):
            listener()

    # --- what the view shows --------------------------------------------------------------

    def rows(self, user: UserCache) -> list[TreeRow]:
        """The smart folders, then the feeds by folder, counted against the read state now
        (the total unread over the feeds is left in `total_unread`)."""
        counted = self.counted
        if counted is None:
            self.total_unread = None
            rows = self._smart_rows(user, None, 0)
            return [*rows, TreeRow("heading", "", "Feeds (counting …)")]
        by_feed, library_read = self._read_now(user, counted)
        rows = self._smart_rows(user, counted, library_read)
        lines = feed_lines(counted.subs, counted.tally, by_feed)
        self.total_unread = sum(line.unread for line in lines)
        by_folder: dict[str, int] = {}
        for line in lines:
            by_folder[line.folder] = by_folder.get(line.folder, 0) + line.unread
        folder: str | None = None
        for line in lines:
            if line.folder != folder:
                folder = line.folder
                rows.append(TreeRow("heading", "", folder or "Feeds", by_folder[folder]))
            rows.append(TreeRow("feed", line.name, line.title, line.unread, line.total, line.error))
        if not lines:
            rows.append(TreeRow("heading", "", "No feeds yet: `a` adds one"))
        return rows

    def _read_now(self, user: UserCache, counted: Counted) -> tuple[dict[str, int], int]:
        """Read entries per feed and read articles in the library now (kept for this state,
        as both the view's paints after a change ask for it)."""
        key = (id(counted), id(user), len(user.read_log))
        if self._reads is None or self._reads[0] != key:
            self._reads = (key, counted.reads.now(user))
        return self._reads[1]

    def _smart_rows(
        self, user: UserCache, counted: Counted | None, library_read: int
    ) -> list[TreeRow]:
        library = len(counted.reads.library_ids) if counted is not None else 0
        counts: dict[str, int | None] = {
            "unread": library - library_read if counted is not None else None,
            "bookmarks": len(user.bookmarks),
            "continue": counted.continuing if counted is not None else None,
            "notebook": len(user.notes) + sum(len(marks) for marks in user.highlights.values()),
        }
        rows = [TreeRow("heading", "", "Smart folders")]
        rows += [TreeRow("smart", key, label, counts[key]) for key, label in BUILT_INS]
        if counted is not None:
            rows += [
                TreeRow("search", search.name, search.name, counted.hits.get(search.name))
                for search in counted.searches
            ]
        return rows

    def query_of(self, name: str) -> str | None:
        """The query of a saved search, by name."""
        searches = self.counted.searches if self.counted else []
        return next((search.query for search in searches if search.name == name), None)

    def title_of(self, name: str) -> str:
        """A feed's title, by name (the name itself when unknown)."""
        subs = self.counted.subs if self.counted else []
        return next((sub.title for sub in subs if sub.name == name), name)

    def feed_ids(self, name: str) -> frozenset[str]:
        """The ids of a feed's entries, as last counted."""
        return self.counted.tally.members.get(name, frozenset()) if self.counted else frozenset()

    def next_unread_feed(self, after: str, user: UserCache) -> str | None:
        """The first feed listed after `after` (wrapping round) with unread entries, or None."""
        rows = [row for row in self.rows(user) if row.kind == "feed"]
        names = [row.key for row in rows]
        start = names.index(after) if after in names else -1
        for step in range(1, len(rows) + 1):
            row = rows[(start + step) % len(rows)]
            if row.key != after and row.unread:
                return row.key
        return None

    # --- refreshing on a timer ------------------------------------------------------------

    def start_timer(self, minutes: int, refresh: Callable[[], None]) -> None:
        """Call `refresh` every `minutes` while the app is open (0: never)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if minutes > 0:
            self._timer = self._screen.set_interval(minutes * MINUTE, refresh)
