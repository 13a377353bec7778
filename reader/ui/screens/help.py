"""The help dialog: the key table from help.md over the current screen."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_FILE = Path(__file__).resolve().parent.parent / "help.md"
"""The key table, shipped inside the package."""


class HelpScreen(ModalScreen[None]):
    """A modal with every key; the reading keys scroll it; escape, q, ? or F1 close it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
        Binding("space,pagedown", "scroll('page_down')", "Page down", show=False, id="help.page"),
        Binding("shift+space,pageup", "scroll('page_up')", "Page up", show=False, id="help.back"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom"),
    ]

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP_FILE.read_text(encoding="utf-8"))

    def action_scroll(self, where: str) -> None:
        """Scroll the key table as the reading pane scrolls an article."""
        body = self.body
        scroll = {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "page_down": body.scroll_page_down,
            "page_up": body.scroll_page_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }
        if where in scroll:
            scroll[where](animate=False)
