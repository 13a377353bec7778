"""The feeds view's list: smart folders, then feeds under their folders, each with its counts.

A Line API list, as the article list is: only the visible rows are drawn, so hundreds of
feeds paint as fast as ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.ui import actions
from reader.ui.plain import clean, fit

ERROR_MARK = "!"
"""Marks a feed whose last refresh failed."""


@dataclass(frozen=True, slots=True)
class TreeRow:
    """One line of the feeds view: a heading, a smart folder or a feed."""

    kind: str
    """"heading", "smart" or "feed"."""
    key: str
    """The feed's name, or the smart folder's key ("" for a heading)."""
    label: str
    unread: int | None = None
    """None while it is being counted."""
    total: int | None = None
    error: str | None = None

    @property
    def counts(self) -> str:
        """The counts column: unread/total for a feed, the count of a smart folder."""
        if self.kind == "heading":
            return "" if self.unread is None else str(self.unread)
        if self.unread is None:
            return "…"
        return f"{self.unread}/{self.total}" if self.total is not None else str(self.unread)


def row_text(row: TreeRow, width: int) -> str:
    """A row fitted to exactly `width` cells: marker, label, and the counts on the right."""
    counts = row.counts
    lead = "" if row.kind == "heading" else f" {ERROR_MARK} " if row.error else "   "
    room = width - len(counts) - 1
    if room < 4:  # too narrow for both: the label wins, the counts go
        return fit(lead + clean(row.label), width)
    return fit(lead + clean(row.label), room) + " " + counts


class FeedTree(ScrollView, can_focus=True):
    """The rows of the feeds view, with a cursor that skips the headings."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-tree--cursor",
        "feed-tree--heading",
        "feed-tree--unread",
        "feed-tree--read",
        "feed-tree--error",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the row under the cursor."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another row."""

        row: TreeRow

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FeedTree.Highlighted)

    @dataclass
    class Selected(Message):
        """The user asked to open a row (enter or a click)."""

        row: TreeRow

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.rows: list[TreeRow] = []

    @property
    def current(self) -> TreeRow | None:
        """The row under the cursor (never a heading), or None when there is none."""
        if 0 <= self.cursor < len(self.rows) and self.rows[self.cursor].kind != "heading":
            return self.rows[self.cursor]
        return None

    def set_rows(self, rows: list[TreeRow], keep: tuple[str, str] | None = None) -> None:
        """Show new rows, keeping the cursor on the row of (kind, key) `keep` when there."""
        self.rows = rows
        self.virtual_size = Size(0, len(rows))
        index = next(
            (n for n, row in enumerate(rows) if keep and (row.kind, row.key) == keep), None
        )
        self.set_reactive(FeedTree.cursor, self._selectable(index or 0, 1))
        self._scroll_to_cursor()
        self.refresh()
        if (row := self.current) is not None:
            self.post_message(self.Highlighted(row))

    def _selectable(self, index: int, step: int) -> int:
        """The nearest row from `index` in direction `step` that is not a heading."""
        index = max(0, min(index, len(self.rows) - 1))
        probe = index
        while 0 <= probe < len(self.rows):
            if self.rows[probe].kind != "heading":
                return probe
            probe += step
        return index if step < 0 else self._selectable(index, -1) if index else index

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_lines(old, 1)
        self.refresh_lines(new, 1)
        self._scroll_to_cursor()
        if (row := self.current) is not None:
            self.post_message(self.Highlighted(row))

    def _move(self, delta: int) -> None:
        target = self.validate_cursor(self.cursor + delta)
        self.cursor = self._selectable(target, 1 if delta > 0 else -1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height))

    def action_first(self) -> None:
        self.cursor = self._selectable(0, 1)

    def action_last(self) -> None:
        self.cursor = self._selectable(len(self.rows) - 1, -1)

    def action_open(self) -> None:
        if (row := self.current) is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_offset.y) + offset.y
        if 0 <= index < len(self.rows) and self.rows[index].kind != "heading":
            self.cursor = index
            self.action_open()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        # A zero-width line would reach rich's chop_cells, which divides by the width.
        if width <= 0:
            return Strip([])
        index = round(self.scroll_offset.y) + y
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        style = self.rich_style + self.get_component_rich_style(f"feed-tree--{_part(row)}")
        if index == self.cursor and row.kind != "heading":
            style += self.get_component_rich_style("feed-tree--cursor")
        return Strip([Segment(row_text(row, width), style)], width)


def _part(row: TreeRow) -> str:
    """The component class a row is drawn with."""
    if row.kind == "heading":
        return "heading"
    if row.error:
        return "error"
    return "unread" if row.unread else "read"
