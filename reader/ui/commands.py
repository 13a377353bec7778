"""Command palette provider: the app's actions, found by fuzzy search."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.ui.screens.main import MainScreen


class Command(NamedTuple):
    """A palette entry: its title, one line of help and the screen action it runs."""

    title: str
    help: str
    action: str


COMMANDS = (
    Command("Open article", "Open the article under the cursor", "open"),
    Command("Next article", "Open the article after the open one", "next_article"),
    Command("Previous article", "Open the article before the open one", "prev_article"),
    Command("Sort by date", "List the newest articles first", "sort('date')"),
    Command("Sort by title", "List articles alphabetically by title", "sort('title')"),
    Command("Toggle help", "Show or hide the key table", "app.help"),
    Command("Focus article list", "Move the keyboard focus to the list", "focus_list"),
    Command("Focus reading pane", "Move the keyboard focus to the article", "focus_pane"),
    Command("Rescan library", "Look for new, changed and removed files", "rescan"),
    Command("Add a web page or file", "Save a page or a file into your library", "add_article"),
    Command("Refresh feeds", "Fetch new entries from every subscribed feed", "refresh_feeds"),
    Command("Bookmark article", "Bookmark the article, or remove its bookmark", "toggle_bookmark"),
    Command("Edit tags", "Edit the bookmark's tags", "edit_tags"),
    Command("Mark read or unread", "Toggle the article's read state", "toggle_read"),
    Command("Write a note", "Open the note editor for the article", "edit_note"),
    Command("Highlight paragraph", "Highlight the paragraph under the cursor", "highlight"),
    Command("Bookmarks", "List the bookmarked articles", "view('bookmarks')"),
    Command("Continue reading", "List articles opened but not finished", "view('continue')"),
    Command("Notebook", "Every note and highlight, filterable", "notebook"),
    Command(
        "Remove the sample articles",
        "Take the bundled samples out of your library, with your notes on them",
        "remove_samples",
    ),
    Command("Search", "Search the library: words, phrases, filters", "search"),
    Command(
        "Search order: relevance or date",
        "List search results by relevance or newest first",
        "toggle_search_order",
    ),
)
"""Every reader action the palette offers, run on the main screen."""


class ReaderCommands(Provider):
    """Offers reader's own actions over the main screen, then Textual's (theme, quit).

    One provider lists both, so reader's own entries always come first.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        entries: list[tuple[str, str, Callable[[], Any]]] = []
        if isinstance(self.screen, MainScreen):
            run = self.screen.run_action
            entries = [(c.title, c.help, partial(run, c.action)) for c in COMMANDS]
        system = self.app.get_system_commands(self.screen)
        return entries + [(c.title, c.help, c.callback) for c in system]

    async def discover(self) -> Hits:
        for title, text, run in self._commands():
            yield DiscoveryHit(title, run, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, run in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, help=text)
