"""The baseline for start-up benchmarks: a bare Textual app that paints one line."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    """Nothing but a line of text."""

    def compose(self) -> ComposeResult:
        yield Static("bare app ready")


if __name__ == "__main__":
    BareApp().run()
