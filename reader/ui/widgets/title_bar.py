"""The one-line bar on top: the library's name and what the screen is doing (a light Header)."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "≡"


class TitleBar(Widget):
    """Shows the screen's title and sub-title; a click on the icon opens the command palette.

    Textual's Header is three widgets with a clock; one widget that renders a line paints
    sooner, which matters for the first frame.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for name in ("title", "sub_title"):
            self.watch(self.screen, name, self._changed, init=False)
            self.watch(self.app, name, self._changed, init=False)

    def _changed(self, _value: object) -> None:
        self.refresh()

    def render(self) -> Content:
        if self.size.width <= 0:
            return Content("")
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        # Titles come from folder names and the app's own counts: built as plain text.
        text = Content(title).stylize("bold")
        if sub_title:
            text = text + Content(" — ") + Content(sub_title).stylize("dim")
        width = self.size.width
        icon = Content(f" {ICON} ")
        middle = text.truncate(max(0, width - 2 * icon.cell_length), ellipsis=True)
        left_pad = max(0, (width - middle.cell_length) // 2 - icon.cell_length)
        return icon + Content(" " * left_pad) + middle

    def on_click(self, event: events.Click) -> None:
        if event.x < len(ICON) + 2:
            self.app.action_command_palette()
