"""Small modal dialogs: a one-line prompt (tags, a highlight's note) and a yes/no question."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from reader.ui import actions

DIALOG_CSS = """
Dialog {
    align: center middle;
    background: $background 60%;
    & > .dialog {
        width: 60;
        max-width: 100%;
        height: auto;
        padding: 0 1;
        border: round $accent;
        background: $surface;
    }
    & .dialog-title { text-style: bold; width: 100%; }
    & .dialog-hint { color: $text-muted; width: 100%; }
}
"""


def split_tags(value: str) -> list[str]:
    """Comma-separated tags, trimmed, without empty ones."""
    return [tag.strip() for tag in value.split(",") if tag.strip()]


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma) from the tags already in use."""

    def __init__(self, tags: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, typed = value.rpartition(",")
        word = typed.lstrip()
        if not word:
            return None
        taken = {tag.casefold() for tag in split_tags(head)}
        for tag in self._tags:
            folded = tag.casefold()
            if folded.startswith(word.casefold()) and folded not in taken and tag != word:
                return value + tag[len(word) :]
        return None


class PromptScreen(ModalScreen[str | None]):
    """Asks for one line of text; enter gives it, escape gives None."""

    DEFAULT_CSS = DIALOG_CSS.replace("Dialog", "PromptScreen")

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("prompt")

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        hint: str = "",
        suggester: Suggester | None = None,
        select: bool = True,
    ) -> None:
        """`select`: the value starts selected (typing replaces it), else the cursor ends it."""
        super().__init__()
        self._title, self._value, self._hint, self._suggester = title, value, hint, suggester
        self._select = select
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Input(
                self._value,
                suggester=self._suggester,
                select_on_focus=self._select,
                id="prompt-input",
            )
            if self._hint:
                yield Label(self._hint, classes="dialog-hint", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # Enter pressed twice quickly submits twice before the prompt is gone: answer once,
        # or the second dismissal would pop the screen under it.
        self._answer(event.value)

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, value: str | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(value)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: only `y` answers yes; `n`, escape and enter answer no.

    Enter gives the safe answer, so a key pressed out of habit never destroys anything.
    """

    DEFAULT_CSS = DIALOG_CSS.replace("Dialog", "ConfirmScreen")

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("confirm")

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._question, classes="dialog-title", markup=False)
            yield Label("y: yes    n or enter: no", classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
