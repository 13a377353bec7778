"""The daily review (`D`): today's highlights to look at again, each with its article and note.

`1` again (tomorrow), `2` keep (later each time), `3` done (retired); `enter` or `o` opens the
article at the passage. The screen shows and grades; the explorer stores the grades.
"""

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

from reader.store import Highlight
from reader.ui import actions
from reader.ui.plain import clean

GRADE_SHOWN = {"again": "again tomorrow", "keep": "kept for later", "done": "done"}


@dataclass(frozen=True)
class ReviewItem:
    """A highlight to review, with its article's current title."""

    highlight: Highlight
    title: str

    def label(self, grade: str | None = None) -> Text:
        """The article's title, the quote, the note, and the grade once given."""
        label = Text(clean(self.title), style="bold italic")
        if grade:
            label.append(f"  ✓ {GRADE_SHOWN[grade]}", style="dim")
        label.append("\n  “" + clean(" ".join(self.highlight.quote.split())) + "”")
        for number, line in enumerate((self.highlight.note or "").strip().splitlines()):
            label.append("\n  " + ("— " if number == 0 else "  ") + clean(line), style="italic")
        return label


class ReviewScreen(Screen[tuple[str, int] | None]):
    """Today's highlights; grading one moves to the next; enter closes with its passage."""

    DEFAULT_CSS = """
    ReviewScreen {
        & > #review-title {
            width: 100%; height: 1; padding: 0 1; background: $panel; text-style: bold;
            text-wrap: nowrap; text-overflow: ellipsis;
        }
        & > #review-list { height: 1fr; min-width: 10; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("review")

    @dataclass
    class Loaded(Message):
        """Today's highlights were chosen."""

        items: list[ReviewItem]

    def __init__(
        self, load: Callable[[], list[ReviewItem]], grade: Callable[[Highlight, str], None]
    ) -> None:
        super().__init__()
        self._load = load
        self._grade = grade
        self.items: list[ReviewItem] | None = None
        """Today's highlights, in order (None while they are being chosen)."""
        self.grades: dict[str, str] = {}
        """The grade given to each highlight on this screen, by highlight UUID."""

    @property
    def entries(self) -> OptionList:
        return self.query_one("#review-list", OptionList)

    def compose(self) -> ComposeResult:
        yield Label("Daily review", id="review-title")
        yield OptionList(Option("Choosing today's highlights…", disabled=True), id="review-list")
        yield Footer()

    def on_mount(self) -> None:
        self.entries.focus()
        self._choose()

    @work(thread=True, exclusive=True, group="review")
    def _choose(self) -> None:
        self.post_message(self.Loaded(self._load()))

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        self.items = message.items
        self.entries.clear_options()
        if not message.items:
            self.entries.add_option(
                Option("Nothing to review today. Highlight passages with `h`.", disabled=True)
            )
        else:
            self.entries.add_options(Option(item.label()) for item in message.items)
            self.entries.highlighted = 0
        self._show_count()

    def _show_count(self) -> None:
        total = len(self.items or [])
        left = total - len(self.grades)
        text = f"Daily review · {left} of {total} left today" if total else "Daily review"
        self.query_one("#review-title", Label).update(text)

    @property
    def current(self) -> ReviewItem | None:
        """The highlight under the cursor."""
        index = self.entries.highlighted
        items = self.items or []
        return items[index] if index is not None and 0 <= index < len(items) else None

    def action_grade(self, grade: str) -> None:
        """Grade the highlight under the cursor, then move to the next one not yet graded."""
        item, index = self.current, self.entries.highlighted
        if item is None or index is None:
            self.app.bell()
            return
        uuid = item.highlight.uuid
        self.grades[uuid] = grade
        self._grade(item.highlight, grade)
        self.entries.replace_option_prompt_at_index(index, item.label(grade))
        self._show_count()
        items = self.items or []
        after = [
            n for n in range(index + 1, len(items)) if items[n].highlight.uuid not in self.grades
        ]
        if after:
            self.entries.highlighted = after[0]

    def action_move(self, delta: int) -> None:
        """Move the cursor `delta` highlights (j and k)."""
        (self.entries.action_cursor_down if delta > 0 else self.entries.action_cursor_up)()

    @on(OptionList.OptionSelected, "#review-list")
    def _selected(self) -> None:
        self.action_open_passage()

    def action_open_passage(self) -> None:
        """Close with the highlight's article and paragraph, to open it there."""
        if (item := self.current) is not None:
            self.dismiss((item.highlight.article_id, item.highlight.block))

    def action_close(self) -> None:
        self.dismiss(None)
