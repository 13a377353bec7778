"""Command palette provider: the app's actions, found by fuzzy search."""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.ui.screens.main import MainScreen


class Command(NamedTuple):
    """A palette entry: its title, one line of help and the screen action it runs."""

    title: str
    help: str
    action: str


COMMANDS = (
    Command("Open article", "Open the article under the cursor", "open"),
    Command("Next article", "Open the next article in the list", "next_article"),
    Command("Previous article", "Open the previous article in the list", "prev_article"),
    Command("Sort by date", "List the newest articles first", "sort('date')"),
    Command("Sort by title", "List articles alphabetically by title", "sort('title')"),
    Command("Toggle help", "Show or hide the key table", "app.help"),
    Command("Focus article list", "Move the keyboard focus to the list", "focus_list"),
    Command("Focus reading pane", "Move the keyboard focus to the article", "focus_pane"),
    Command("Rescan library", "Look for new, changed and removed files", "rescan"),
)
"""Every reader action the palette offers, run on the main screen."""


class ReaderCommands(Provider):
    """Offers reader's own actions when the palette is opened over the main screen."""

    def _commands(self) -> tuple[Command, ...]:
        return COMMANDS if isinstance(self.screen, MainScreen) else ()

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(
                command.title, partial(self.screen.run_action, command.action), help=command.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            if (score := matcher.match(command.title)) > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self.screen.run_action, command.action),
                    help=command.help,
                )
