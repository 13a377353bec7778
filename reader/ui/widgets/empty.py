"""The panel shown instead of the list when the library has no articles yet."""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widget import Widget


def empty_text(library_dir: Path) -> Content:
    """How to add articles, as plain text (the path is shown literally)."""
    return Content(
        "No articles here yet.\n\n"
        "Press a to save a web page or a file, or open a folder of\n"
        "articles (.txt, .md, .html):\n\n"
        "    reader ~/folder\n\n"
        "or put files in your library folder:\n\n"
        f"    {library_dir}\n\n"
        "then press R to rescan."
    )


class EmptyLibrary(Widget):
    """A friendly note on how to add articles."""

    def __init__(self, library_dir: Path, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._text = empty_text(library_dir)

    def render(self) -> Content:
        # rich's chop_cells divides by the width: a zero-width panel must not wrap text.
        if self.size.width <= 0:
            return Content("")
        return self._text
