"""The help dialog: help.md around the key tables made from the action registry."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reader.ui import actions, help_keys

HELP_FILE = Path(__file__).resolve().parent.parent / "help.md"
"""The help's prose, shipped inside the package; the key tables go in place of `KEY_TABLES`."""
KEY_TABLES = "<!-- key tables -->"


def help_text(keymap: Mapping[str, str] | None = None) -> str:
    """The help as Markdown: help.md with the registry's key tables (the keys in force) in it."""
    tables = help_keys.help_tables(keymap)
    return HELP_FILE.read_text(encoding="utf-8").replace(KEY_TABLES, tables)


class HelpScreen(ModalScreen[None]):
    """A modal with every key; the reading keys scroll it; escape, q, ? or F1 close it."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("help")

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = dict(keymap or {})

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(help_text(self._keymap))

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
