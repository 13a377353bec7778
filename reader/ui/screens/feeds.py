"""The feeds view (`f`): smart folders and every feed with its unread count and total.

The screen draws what the main screen's `FeedsKeeper` counted, and hands each choice back:
`enter` dismisses it with the row chosen, which the main screen lists. Changes to a feed
(refresh, mark read, rename, full text, unsubscribe, add) go to the `FeedsManager`, which
does them in workers and counts again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen

from reader.ui import actions
from reader.ui.widgets.feed_tree import FeedTree, TreeRow
from reader.ui.widgets.status import StatusLine
from reader.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from reader.ui.feeds_keeper import FeedsKeeper
    from reader.ui.feeds_manage import FeedsManager
    from reader.ui.user_data import UserCache

HINT = (
    "enter: list · r/R: refresh one/all · A: mark read · e: rename · F: full text · "
    "d: unsubscribe · a: add · esc: back · ?: keys"
)


class FeedsScreen(Screen[TreeRow | None]):
    """Lists the smart folders and the feeds; dismissed with the row to list, or None.

    The app installs it once and shows the same screen each time, so `f` after the first
    costs drawing the rows, not building the screen again.
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("feeds")

    feed_tree = getters.query_one(FeedTree)
    status = getters.query_one(StatusLine)

    def __init__(
        self,
        keeper: FeedsKeeper,
        user: Callable[[], UserCache],
        manager: FeedsManager,
    ) -> None:
        """Show `keeper`'s counts against the read state `user()` gives."""
        super().__init__()
        self.keeper = keeper
        self.user = user
        self.manager = manager
        self.at: tuple[str, str] | None = None
        """The row to put the cursor on when next shown (kind, key), or None: where it was."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield FeedTree(id="feed-tree")
        # No Footer: its keys are rebuilt each time the screen is shown, which tripled the
        # time to the first painted row; the status line names the keys instead.
        yield StatusLine(id="feeds-status")

    def on_mount(self) -> None:
        self.title = "Feeds"

    def on_screen_resume(self) -> None:
        at, self.at = self.at, None
        self.show_rows(keep=at)
        self.keeper.listeners.append(self.show_rows)
        self.feed_tree.focus()
        # Counted again once this frame is up: feeds refreshed by another process, saved
        # searches whose hits follow what was read meanwhile.
        self.call_after_refresh(self.keeper.recount)

    def on_screen_suspend(self) -> None:
        if self.show_rows in self.keeper.listeners:
            self.keeper.listeners.remove(self.show_rows)

    def show_rows(self, keep: tuple[str, str] | None = None) -> None:
        """Draw the rows as counted now, the cursor staying on its row."""
        current = self.feed_tree.current
        if keep is None and current is not None:
            keep = (current.kind, current.key)
        user = self.user()
        self.feed_tree.set_rows(self.keeper.rows(user), keep=keep)
        unread = self.keeper.total_unread
        count = "counting …" if unread is None else f"{unread} unread"
        feeds = len(self.keeper.counted.subs) if self.keeper.counted else 0
        self.sub_title = f"{count} · {feeds} feed{'' if feeds == 1 else 's'}"

    @on(FeedTree.Highlighted)
    def _on_highlighted(self, message: FeedTree.Highlighted) -> None:
        row = message.row
        if row.error:
            self.status.message = f"{row.label}: last refresh failed: {row.error}"
        else:
            self.status.message = HINT

    @on(FeedTree.Selected)
    def _on_selected(self, message: FeedTree.Selected) -> None:
        self.dismiss(message.row)

    # --- keys -----------------------------------------------------------------------------

    def _feed(self) -> TreeRow | None:
        row = self.feed_tree.current
        if row is None or row.kind != "feed":
            self.notify("Pick a feed first", timeout=2)
            return None
        return row

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh_feed(self) -> None:
        if (row := self._feed()) is not None:
            self.manager.refresh([row.key])

    def action_refresh_all(self) -> None:
        self.manager.refresh(None)

    def action_mark_feed_read(self) -> None:
        if (row := self._feed()) is not None:
            self.manager.mark_feed_read(row.key, row.label)

    def action_undo_read(self) -> None:
        self.manager.undo_read()

    def action_rename_feed(self) -> None:
        if (row := self._feed()) is not None:
            self.manager.retitle(row.key, row.label)

    def action_full_text(self) -> None:
        if (row := self._feed()) is not None:
            self.manager.toggle_full_text(row.key)

    def action_remove(self) -> None:
        row = self.feed_tree.current
        if row is not None and row.kind == "feed":
            self.manager.unsubscribe(row.key, row.label)
        elif row is not None and row.kind == "search":
            self.manager.remove_search(row.key)
        else:
            self.app.bell()

    def action_add_feed(self) -> None:
        self.manager.add_feed()
