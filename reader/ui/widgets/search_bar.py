"""The search bar: a one-line query input with recalled queries, a hit count and a hint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from reader.ui import actions
from reader.ui.plain import clean

HISTORY_SIZE = 50
"""Recent queries kept for up/down recall."""
PLACEHOLDER = 'Search: words, "a phrase", -without, pre*, title:, date:2025, is:bookmarked'


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
    class Cleared(Message):
        """The user cleared the bar with escape."""

    @dataclass
    class Submitted(Message):
        """The user pressed enter: move to the results."""

        query: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.history = QueryHistory()
        """Recent queries, recalled with up and down."""
        self._recalling = False

    @property
    def input(self) -> SearchInput:
        return self.query_one(SearchInput)

    @property
    def info(self) -> Static:
        return self.query_one("#search-info", Static)

    @property
    def query(self) -> str:
        """The query as typed."""
        return self.input.value

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

    @on(Input.Changed)
    def _on_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self._recalling:
            self.history.reset()
        self._recalling = False
        self.post_message(self.QueryChanged(event.value))

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.history.add(event.value)
        self.post_message(self.Submitted(event.value))
