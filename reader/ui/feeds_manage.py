"""Changing feeds from the feeds view: refresh, mark read, rename, full text, unsubscribe, add.

Each change that asks first asks with a dialog; changes to the subscriptions file run in a
thread worker (it is locked against other processes), then the feeds are counted again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.ui.feeds_keeper import UNREAD_QUERY

if TYPE_CHECKING:
    from reader.feeds.registry import FeedRegistry
    from reader.ui.screens.feeds import FeedsScreen
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.feed_tree import TreeRow

VIEW_NAME = "feeds"
"""The name the feeds view is installed under."""
FEED_VIEW = "feed:"
"""The main screen's view of one feed's articles is named "feed:NAME"."""


class FeedsManager:
    """Does what the feeds view's keys ask, through the main screen's owners."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self._view: FeedsScreen | None = None

    # --- the view and what is picked in it -------------------------------------------------

    def show_view(self, at: tuple[str, str] | None = None) -> None:
        """Show the feeds view over the main screen, the cursor on row `at`."""
        self._installed().at = at
        self._screen.app.push_screen(VIEW_NAME, self.chosen)

    def prepare_view(self) -> None:
        """Build the feeds view ahead of its first `f`, without showing it (idle time)."""
        if not self._screen.is_running:  # the app is closing
            return
        view = self._installed()
        if not view.is_running:
            # What push_screen does first for a screen that is not running: start it, so
            # it composes, mounts and styles its widgets now rather than on the key. It
            # is then as after its first close: installed, running, on no stack.
            app = self._screen.app
            app._register(app, view)

    def _installed(self) -> FeedsScreen:
        """The feeds view, made and installed on first use (not at start-up)."""
        from reader.ui.screens.feeds import FeedsScreen

        if self._view is None:
            screen = self._screen
            self._view = FeedsScreen(screen.feeds, lambda: screen.annotator.user, self)
            screen.app.install_screen(self._view, name=VIEW_NAME)
        return self._view

    def list_feed(self, name: str) -> None:
        """List one feed's articles in the main screen's list, its title saying which."""
        screen = self._screen
        rows = screen.library.rows_under(screen.incoming.feed_folder(name), screen.sort)
        screen.article_list.set_rows(rows, keep_id=screen.opened_id)
        screen.set_class(False, "-empty")
        title = screen.feeds.title_of(name)
        screen.sub_title = f"Feed: {title} · {len(rows)} (esc: back to the feeds)"

    def chosen(self, row: TreeRow | None) -> None:
        """List what was picked in the feeds view: a feed, a smart folder or a saved search."""
        screen = self._screen
        if row is None:
            return
        if row.kind == "smart" and row.key == "notebook":
            screen.action_notebook()
        elif row.kind == "feed" or (row.kind == "smart" and row.key != "unread"):
            if screen.search_bar.search_active:
                screen.search_bar.clear()
            screen.view = None
            screen.action_view(FEED_VIEW + row.key if row.kind == "feed" else row.key)
        else:
            query = UNREAD_QUERY if row.kind == "smart" else screen.feeds.query_of(row.key)
            screen.run_worker(self.search_for(query or ""), group="smart-folder")

    async def search_for(self, query: str) -> None:
        """Show the results of `query` in the list, as if typed in the search bar."""
        screen = self._screen
        screen.action_view("")
        await screen.search_bar.activate()
        screen.search_bar.input.value = query
        screen.action_focus_part("list")

    def feed_after_unread(self) -> bool:
        """In a feed's list with nothing unread: go to the next feed with unread articles."""
        screen = self._screen
        view = screen.view or ""
        if not view.startswith(FEED_VIEW):
            return False
        user = screen.annotator.user
        name = screen.feeds.next_unread_feed(view.removeprefix(FEED_VIEW), user)
        if name is None:
            return False
        screen.action_view(FEED_VIEW + name)
        screen.notify(f"On to {screen.feeds.title_of(name)}", timeout=2)
        screen.unread.next_unread()
        return True

    def save_search(self, query: str) -> None:
        """Ask for a name, then save `query` as a smart folder."""
        from reader.ui.screens.dialogs import PromptScreen

        screen = self._screen
        query = query.strip()
        if not query:
            screen.notify("Type a search first (`/`), then save it", timeout=3)
            return

        def answered(value: str | None) -> None:
            name = " ".join((value or "").split())
            if not name:
                return
            store = screen.annotator.store
            screen.annotator.writes.put(lambda: store.save_search(name, query))
            screen.annotator.writes.put(screen.feeds.recount)
            screen.notify(f"Saved as the smart folder {name} (`f` shows it)", timeout=4)

        prompt = PromptScreen(f"Save the search {query} as", query, hint="Enter saves")
        screen.app.push_screen(prompt, answered)

    # --- changing feeds -------------------------------------------------------------------

    def _ask(self, question: str, then: Callable[[], None]) -> None:
        from reader.ui.screens.dialogs import ConfirmScreen

        self._screen.app.push_screen(ConfirmScreen(question), lambda yes: then() if yes else None)

    def _change(self, change: Callable[[FeedRegistry], str]) -> None:
        """Run `change` on the subscriptions in a thread; notify what it says, then recount."""
        screen = self._screen
        if screen.incoming.feeds is None:
            screen.notify("Feeds are not available in this window", severity="warning")
            return

        def work() -> None:
            try:
                said = change(screen.incoming.open_feeds())
            # Whatever went wrong (a locked file, a feed gone meanwhile) is one line.
            except Exception as error:
                screen.app.call_from_thread(
                    screen.notify, str(error) or type(error).__name__, severity="error"
                )
                return
            if said:
                screen.app.call_from_thread(screen.notify, said, timeout=4)
            screen.feeds.recount()

        screen.run_worker(work, thread=True, group="feed-changes")

    def refresh(self, names: list[str] | None) -> None:
        """Fetch new entries of these feeds (all when None)."""
        self._screen.incoming.refresh_feeds(names)

    def mark_feed_read(self, name: str, title: str) -> None:
        """Ask, then mark every entry of the feed read (undoable once)."""
        ids = self._screen.feeds.feed_ids(name)
        self._ask(
            f"Mark every article of {title} read?",
            lambda: self._screen.unread.mark_read(ids, title),
        )

    def undo_read(self) -> None:
        """Mark unread again what the last "mark read" changed."""
        self._screen.unread.undo()

    def retitle(self, name: str, title: str) -> None:
        """Ask for a new title for the feed (its name and folder stay)."""
        from reader.ui.screens.dialogs import PromptScreen

        def answered(value: str | None) -> None:
            text = " ".join((value or "").split())
            if text and text != title:
                self._change(lambda registry: _renamed(registry, name, text))

        prompt = PromptScreen("Rename the feed", title, hint="Enter saves · Esc cancels")
        self._screen.app.push_screen(prompt, answered)

    def toggle_full_text(self, name: str) -> None:
        """Save the linked page of summary-only entries, or stop doing so."""
        self._change(lambda registry: _full_text_toggled(registry, name))

    def unsubscribe(self, name: str, title: str) -> None:
        """Ask, then unsubscribe; the entries already saved stay in the library."""
        self._ask(
            f"Unsubscribe from {title}? Its saved articles stay in your library.",
            lambda: self._change(lambda registry: _removed(registry, name)),
        )

    def remove_search(self, name: str) -> None:
        """Ask, then remove a saved search (smart folder)."""
        screen = self._screen

        def remove() -> None:
            store = screen.annotator.store
            screen.annotator.writes.put(lambda: store.remove_search(name))
            screen.annotator.writes.put(screen.feeds.recount)

        self._ask(f"Remove the smart folder {name}?", remove)

    def add_feed(self) -> None:
        """Ask for a feed's address (or file) and subscribe to it."""
        from reader.ui.screens.dialogs import PromptScreen

        def answered(value: str | None) -> None:
            if value and value.strip():
                self._screen.incoming.subscribe(value.strip())

        hint = "A feed's address (https://…) or a feed file's path"
        self._screen.app.push_screen(PromptScreen("Subscribe to a feed", hint=hint), answered)


def _renamed(registry: FeedRegistry, name: str, title: str) -> str:
    registry.update(name, title=title)
    return f"Renamed to {title}"


def _full_text_toggled(registry: FeedRegistry, name: str) -> str:
    sub = registry.get(name)
    if sub is None:
        return f"No feed named {name}"
    registry.set_full_text(name, not sub.full_text)
    if sub.full_text:
        return f"{sub.title}: entries are saved as the feed gives them"
    return f"{sub.title}: the linked page is saved for entries with only a summary"


def _removed(registry: FeedRegistry, name: str) -> str:
    sub = registry.remove(name)
    return f"Unsubscribed from {sub.title}; its articles stay" if sub else f"No feed named {name}"
