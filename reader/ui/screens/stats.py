"""The stats (`S`): words read a day over the last weeks, the streak, finished articles, and
the sources and tags read most."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static

from reader.stats import ReadingStats, headline, summary_lines
from reader.ui import actions
from reader.ui.plain import clean


class StatsScreen(Screen[None]):
    """The reader's stats, computed in a thread when the screen opens."""

    DEFAULT_CSS = """
    StatsScreen {
        & > #stats-title {
            width: 100%; height: 1; padding: 0 1; background: $panel; text-style: bold;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        & #stats-body { height: 1fr; padding: 0 1; min-width: 10; }
        & #stats-chart { height: 4; margin: 1 0 0 0; min-width: 4; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("stats")

    @dataclass
    class Computed(Message):
        """The stats were computed."""

        stats: ReadingStats

    def __init__(self, load: Callable[[], ReadingStats]) -> None:
        super().__init__()
        self._load = load
        self.stats: ReadingStats | None = None
        """The stats shown (None while they are computed)."""

    def compose(self) -> ComposeResult:
        yield Label("Reading stats", id="stats-title")
        with VerticalScroll(id="stats-body"):
            yield Label("Adding up your reading…", id="stats-words", markup=False)
            yield Sparkline([], id="stats-chart")
            yield Static("", id="stats-summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-body").focus()
        self._compute()

    @work(thread=True, exclusive=True, group="stats")
    def _compute(self) -> None:
        self.post_message(self.Computed(self._load()))

    @on(Computed)
    def _on_computed(self, message: Computed) -> None:
        stats = self.stats = message.stats
        self.query_one("#stats-words", Label).update(headline(stats))
        self.query_one("#stats-chart", Sparkline).data = [count for _, count in stats.days]
        summary = "\n".join(clean(line) for line in summary_lines(stats))
        self.query_one("#stats-summary", Static).update(summary)

    def action_close(self) -> None:
        self.dismiss(None)
