"""The link list (`L`): the open article's links; enter opens one, `a` saves it to the library."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from reader.links import Link
from reader.ui import actions
from reader.ui.browser import open_url
from reader.ui.plain import clean


def link_label(link: Link) -> Text:
    """The link's text, then its address dimmed on the next line."""
    label = Text(clean(link.text), style="bold")
    label.append("\n  " + clean(link.url), style="dim")
    return label


class LinksScreen(Screen[str | None]):
    """Lists links; enter opens one in the browser, `a` closes with its address to be saved."""

    DEFAULT_CSS = """
    LinksScreen {
        & > #links-title {
            width: 100%; height: 1; padding: 0 1; background: $panel; text-style: bold;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        & > #links-list { height: 1fr; min-width: 10; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("links")

    def __init__(self, title: str, links: list[Link]) -> None:
        super().__init__()
        self._title = title
        self.links = links
        """The links listed, in reading order."""
        self.opened: list[str] = []
        """Addresses handed to the browser, in order."""

    @property
    def entries(self) -> OptionList:
        return self.query_one("#links-list", OptionList)

    def compose(self) -> ComposeResult:
        count = len(self.links)
        heading = f"Links · {count} · {clean(self._title)}"
        yield Label(heading, id="links-title", markup=False)
        yield OptionList(id="links-list")
        yield Footer()

    def on_mount(self) -> None:
        if self.links:
            self.entries.add_options(Option(link_label(link)) for link in self.links)
            self.entries.highlighted = 0
        else:
            self.entries.add_option(Option("This article has no links", disabled=True))
        self.entries.focus()

    @property
    def current(self) -> Link | None:
        """The link under the cursor."""
        index = self.entries.highlighted
        return self.links[index] if index is not None and 0 <= index < len(self.links) else None

    @on(OptionList.OptionSelected, "#links-list")
    def _selected(self) -> None:
        self.action_open_link()

    def action_open_link(self) -> None:
        """Open the link under the cursor in the system browser."""
        if (link := self.current) is not None:
            self.opened.append(link.url)
            open_url(self, link.url)

    def action_add_link(self) -> None:
        """Close the list with the link's address, to be saved into the library."""
        if (link := self.current) is not None:
            self.dismiss(link.url)

    def action_close(self) -> None:
        self.dismiss(None)
