"""The status line: the open article's title and how much of it has been read."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.ui.plain import clean, fit


class StatusLine(Widget):
    """One line under the panes; its text is always shown literally, never as markup."""

    message: reactive[str] = reactive("")
    """What is open, or the last error, as plain text."""
    progress: reactive[float | None] = reactive(None)
    """Fraction of the open article read (0 to 1), or None when nothing is open."""
    unread: reactive[bool] = reactive(False)
    """The open article is unread: its line leads with the list's unread dot."""

    def render(self) -> Content:
        width = self.size.width
        # rich's chop_cells divides by the width: a zero-width line must never reach it.
        if width <= 0:
            return Content("")
        if self.progress is None:
            return Content(fit(clean(self.message), width))
        message = ("• " if self.unread else "") + clean(self.message)
        percent = f" {round(self.progress * 100):3d}% read"
        if len(percent) >= width:
            return Content(fit(percent.strip(), width))
        return Content(fit(message, width - len(percent)) + percent)
