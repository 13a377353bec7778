"""More like this (`M`): the articles most like the open one; enter opens one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from reader.models import ArticleMeta
from reader.ui import actions
from reader.ui.plain import clean

Finder = Callable[[], list[ArticleMeta]]
"""Finds the related articles (called in a thread worker)."""


def article_label(meta: ArticleMeta) -> Text:
    """The title, then the date and where it is from, dimmed."""
    label = Text(clean(meta.title), style="bold")
    when = meta.date.isoformat() if meta.date else ""
    extra = " · ".join(part for part in (when, clean(meta.origin)) if part)
    if extra:
        label.append("\n  " + extra, style="dim")
    return label


class RelatedScreen(Screen[str | None]):
    """Lists the articles like one, best first; enter closes with the chosen article's id."""

    DEFAULT_CSS = """
    RelatedScreen {
        & > #related-title {
            width: 100%; height: 1; padding: 0 1; background: $panel; text-style: bold;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        & > #related-list { height: 1fr; min-width: 10; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("related")

    @dataclass
    class Found(Message):
        """The related articles were found."""

        metas: list[ArticleMeta]

    def __init__(self, title: str, find: Finder) -> None:
        super().__init__()
        self._title = title
        self._find = find
        self.metas: list[ArticleMeta] | None = None
        """The articles listed, best first (None while they are being found)."""

    @property
    def entries(self) -> OptionList:
        return self.query_one("#related-list", OptionList)

    def compose(self) -> ComposeResult:
        yield Label(f"More like {clean(self._title)}", id="related-title", markup=False)
        yield OptionList(Option("Looking…", disabled=True), id="related-list")
        yield Footer()

    def on_mount(self) -> None:
        self.entries.focus()
        self._look()

    @work(thread=True, exclusive=True, group="related")
    def _look(self) -> None:
        self.post_message(self.Found(self._find()))

    @on(Found)
    def _on_found(self, message: Found) -> None:
        self.metas = message.metas
        self.entries.clear_options()
        if not message.metas:
            self.entries.add_option(Option("No article is like this one yet", disabled=True))
            return
        self.entries.add_options(Option(article_label(meta)) for meta in message.metas)
        self.entries.highlighted = 0

    @on(OptionList.OptionSelected, "#related-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if self.metas and 0 <= event.option_index < len(self.metas):
            self.dismiss(self.metas[event.option_index].id)

    def action_close(self) -> None:
        self.dismiss(None)
