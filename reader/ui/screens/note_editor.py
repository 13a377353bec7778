"""The note editor: a full screen TextArea for the user's note on one article."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, TextArea

from reader.ui import actions
from reader.ui.screens.dialogs import ConfirmScreen


class NoteEditor(Screen[str | None]):
    """Edits a note; dismisses with the text on ctrl+s, or None when the edit is dropped."""

    DEFAULT_CSS = """
    NoteEditor {
        & > #note-title { width: 100%; padding: 0 1; background: $panel; text-style: bold; }
        & > #note-text { height: 1fr; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("note")

    def __init__(self, title: str, text: str = "") -> None:
        super().__init__()
        self._title = title
        self._original = text

    @property
    def editor(self) -> TextArea:
        return self.query_one("#note-text", TextArea)

    def compose(self) -> ComposeResult:
        yield Label(f"Note on: {self._title}", id="note-title", markup=False)
        area = TextArea(self._original, id="note-text", soft_wrap=True, tab_behavior="indent")
        # Markdown colouring needs tree-sitter grammars, which are optional.
        if "markdown" in area.available_languages:
            area.language = "markdown"
        yield area
        yield Footer()

    def on_mount(self) -> None:
        self.editor.focus()
        self.editor.move_cursor(self.editor.document.end)

    @property
    def changed(self) -> bool:
        """Whether the text differs from the saved note."""
        return self.editor.text != self._original

    def action_save(self) -> None:
        self.dismiss(self.editor.text)

    def action_leave(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(drop: bool | None) -> None:
            if drop:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Drop the changes to this note?"), answered)
