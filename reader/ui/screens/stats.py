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

from reader.stats import ReadingStats
from reader.ui import actions
from reader.ui.plain import clean


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _ranked(items: tuple[tuple[str, int], ...], empty: str) -> str:
    if not items:
        return empty
    return "\n".join(f"  {count:>4}  {clean(name)}" for name, count in items)


def summary_text(stats: ReadingStats) -> str:
    """Everything under the chart, as plain lines."""
    first, last = stats.days[0][0], stats.days[-1][0]
    return "\n".join(
        [
            f"{first.isoformat()} … {last.isoformat()}",
            "",
            f"Streak: {_plural(stats.streak, 'day')}",
            f"Finished: {_plural(stats.finished, 'article')}",
            "",
            "Top sources",
            _ranked(stats.sources, "  none yet"),
            "",
            "Top tags",
            _ranked(stats.tags, "  none yet"),
        ]
    )


class StatsScreen(Screen[None]):
    """The reader's stats, computed in a thread when the screen opens."""

    DEFAULT_CSS = """
    StatsScreen {
        & > #stats-title { width: 100%; padding: 0 1; background: $panel; text-style: bold; }
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
        words = f"Words read a day, last {len(stats.days)} days: {stats.words:,} words"
        self.query_one("#stats-words", Label).update(f"{words}, about {stats.minutes:,} min")
        self.query_one("#stats-chart", Sparkline).data = [count for _, count in stats.days]
        self.query_one("#stats-summary", Static).update(summary_text(stats))

    def action_close(self) -> None:
        self.dismiss(None)
