"""The notebook: every note and highlight in the library, filterable; enter opens the passage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from reader.ui import actions
from reader.ui.plain import clean
from reader.ui.user_data import UserCache

if TYPE_CHECKING:
    from reader.library import Library

SHOWN_CHARS = 160
"""Characters of a note or quote shown in its entry."""


@dataclass(frozen=True)
class Entry:
    """One note or highlight: where it is and what it says."""

    article_id: str
    block: int
    kind: str
    title: str
    text: str
    note: str = ""
    """A highlight's note, shown in full under its (shortened) quote."""

    def matches(self, words: list[str]) -> bool:
        """Whether every filter word is in the entry's title, text or note."""
        haystack = f"{self.title} {self.text} {self.note}".casefold()
        return all(word in haystack for word in words)

    def label(self) -> Text:
        body = " ".join(self.text.split())
        if len(body) > SHOWN_CHARS:
            body = body[: SHOWN_CHARS - 1] + "…"
        label = Text(f"{self.kind} · ", style="bold")
        label.append(clean(self.title), style="italic")
        label.append("\n  " + clean(body))
        # The note is the reader's own words: never cut, one line per line they wrote.
        for number, line in enumerate(self.note.strip().splitlines()):
            label.append("\n  " + ("— " if number == 0 else "  ") + clean(line))
        return label


def notebook_entries(user: UserCache, library: Library) -> list[Entry]:
    """Every note, then every highlight, each with its article's current title."""

    def title(article_id: str, known: str = "") -> str:
        meta = library.get(article_id)
        return meta.title if meta is not None else known or article_id

    entries = [Entry(aid, 0, "Note", title(aid), text) for aid, text in user.notes.items()]
    for article_id, highlights in user.highlights.items():
        for h in highlights:
            entries.append(
                Entry(
                    article_id,
                    h.block,
                    "Highlight",
                    title(article_id, h.title),
                    f"“{h.quote}”",
                    h.note or "",
                )
            )
    return entries


class NotebookScreen(Screen[tuple[str, int] | None]):
    """Lists notes and highlights; typing filters them, enter gives (article id, block)."""

    DEFAULT_CSS = """
    NotebookScreen {
        & > #notebook-title { width: 100%; padding: 0 1; background: $panel; text-style: bold; }
        & > #notebook-entries { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("notebook")

    def __init__(self, user: UserCache, library: Library) -> None:
        super().__init__()
        self._entries = notebook_entries(user, library)
        self._shown: list[Entry] = list(self._entries)

    @property
    def entries(self) -> OptionList:
        return self.query_one("#notebook-entries", OptionList)

    @property
    def shown(self) -> list[Entry]:
        """The entries listed under the current filter."""
        return list(self._shown)

    def compose(self) -> ComposeResult:
        yield Label("Notebook: every note and highlight", id="notebook-title")
        yield Input(placeholder="Filter notes and highlights", id="notebook-filter")
        yield OptionList(id="notebook-entries")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.entries.clear_options()
        if not self._shown:
            self.entries.add_option(Option("Nothing here yet", disabled=True))
            return
        self.entries.add_options(Option(entry.label()) for entry in self._shown)
        self.entries.highlighted = 0

    @on(Input.Changed, "#notebook-filter")
    def _filter(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        self._shown = [entry for entry in self._entries if entry.matches(words)]
        self._fill()

    @on(Input.Submitted, "#notebook-filter")
    def _open_first(self) -> None:
        if self._shown:
            self._open(0)

    @on(OptionList.OptionSelected, "#notebook-entries")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option_index)

    def _open(self, index: int) -> None:
        if 0 <= index < len(self._shown):
            entry = self._shown[index]
            self.dismiss((entry.article_id, entry.block))

    def action_focus_entries(self) -> None:
        self.entries.focus()

    def action_close(self) -> None:
        self.dismiss(None)
