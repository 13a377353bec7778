"""The article list: a virtual list on Textual's Line API that paints only the visible rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Protocol

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import ArticleMeta
from reader.ui import actions
from reader.ui.plain import clean, fit

if TYPE_CHECKING:
    from reader.search import Snippet

ROW_HEIGHT = 2
"""Lines per article: the title, then where from, when and how long."""
MARKER_WIDTH = 3
"""Cells before the title: the unread dot, the bookmark star and a space."""
SNIPPET_ROW_HEIGHT = 3
"""Lines per search result: the title, a snippet of the text, then the meta line."""


class Rows(Protocol):
    """What the list needs from its rows: length, indexing and finding an id."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> ArticleMeta: ...
    def index_of(self, article_id: str) -> int | None: ...


class NoRows:
    """An empty set of rows, the list's value before a library is shown."""

    def __len__(self) -> int:
        return 0

    def __getitem__(self, index: int) -> ArticleMeta:
        raise IndexError(index)

    def index_of(self, article_id: str) -> int | None:
        return None


def meta_line(meta: ArticleMeta) -> str:
    """The second line of a row: place or source, date (a save date labelled) and reading
    time."""
    parts = [
        clean(meta.origin),
        (f"saved {meta.date.isoformat()}" if meta.date_saved else meta.date.isoformat())
        if meta.date
        else "",
        f"{meta.reading_minutes} min",
    ]
    return " · ".join(part for part in parts if part)


def row_lines(meta: ArticleMeta, width: int, marker: str = "") -> tuple[str, str]:
    """The two lines of a row, each exactly `width` cells."""
    lead = fit(marker, MARKER_WIDTH - 1) + " "
    title = fit(lead + fit(clean(meta.title), width - MARKER_WIDTH), width)
    return title, fit(" " * MARKER_WIDTH + meta_line(meta), width)


def fit_snippet(snippet: Snippet, width: int, label: str = "") -> Snippet:
    """The snippet cut at the front when its first match would not fit in `width`.

    A leading `label` (such as "your note: ") always stays: the text after it is cut instead.
    """
    if label and snippet.text.startswith(label):
        shift = len(label)
        body = replace(
            snippet,
            text=snippet.text[shift:],
            spans=tuple((start - shift, end - shift) for start, end in snippet.spans),
        )
        fitted = fit_snippet(body, width - shift)
        spans = tuple((start + shift, end + shift) for start, end in fitted.spans)
        return replace(fitted, text=label + fitted.text, spans=spans)
    if not snippet.spans or snippet.spans[0][1] <= width - 1:
        return snippet
    first = snippet.spans[0][0]
    cut = snippet.text.find(" ", max(0, first - width // 4), first) + 1 or first
    spans = tuple((start - cut + 1, end - cut + 1) for start, end in snippet.spans if start >= cut)
    return replace(snippet, text="…" + snippet.text[cut:], spans=spans)


class ArticleList(ScrollView, can_focus=True):
    """A list of articles that stays fast at 100k rows: only visible rows are drawn."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("list")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--title",
        "article-list--meta",
        "article-list--snippet",
        "article-list--match",
        "article-list--match-cursor",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the row under the cursor."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another article."""

        index: int
        article: ArticleMeta

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleList.Highlighted)

    @dataclass
    class Selected(Message):
        """The user asked to open an article (enter, `l` or a click)."""

        index: int
        article: ArticleMeta

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._rows: Rows = NoRows()
        # Rows with a `snippet(index)` method (search results) get a third line per row.
        self._snippet: Callable[[int], Snippet] | None = None
        # ...and may name a label leading a row's snippet, kept when the snippet is cut.
        self._snippet_label: Callable[[int], str] | None = None
        self.markers: Callable[[str], str] | None = None
        """Gives the marker of an article id (bookmarked, unread); set by the screen."""

    @property
    def rows(self) -> Rows:
        """The rows being shown."""
        return self._rows

    @property
    def row_height(self) -> int:
        """Lines per row: two, or three when the rows carry snippets."""
        return ROW_HEIGHT if self._snippet is None else SNIPPET_ROW_HEIGHT

    @property
    def current(self) -> ArticleMeta | None:
        """The article under the cursor, or None when the list is empty."""
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    def set_rows(self, rows: Rows, keep_id: str | None = None) -> None:
        """Show new rows, keeping the cursor on `keep_id` when it is still there."""
        self._rows = rows
        self._snippet = getattr(rows, "snippet", None)
        self._snippet_label = getattr(rows, "snippet_label", None)
        self.virtual_size = Size(0, len(rows) * self.row_height)
        index = rows.index_of(keep_id) if keep_id else None
        self.set_reactive(ArticleList.cursor, self.validate_cursor(index or 0))
        self._scroll_to_cursor()
        self.refresh()

    def step(self, from_id: str | None, delta: int) -> str | None:
        """Move the cursor `delta` rows from article `from_id` (from the cursor if it is not
        listed) and return the id there; None, the cursor unmoved, past either end."""
        listed = self._rows.index_of(from_id) if from_id is not None else None
        target = self.cursor if listed is None else listed + delta
        if not 0 <= target < len(self._rows) or self._rows[target].id == from_id:
            return None
        self.cursor = target
        return self._rows[target].id

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        height = self.row_height
        self.refresh_lines(old * height, height)
        self.refresh_lines(new * height, height)
        self._scroll_to_cursor()
        if (article := self.current) is not None:
            self.post_message(self.Highlighted(new, article))

    def _page_height(self) -> int:
        """Whole rows that fit in the view, at least one."""
        return max(1, self.scrollable_content_region.height // self.row_height)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        row = self.row_height
        first, last = self.cursor * row, self.cursor * row + row - 1
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=max(first, last - height + 1), animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page_height()

    def action_page_up(self) -> None:
        self.cursor -= self._page_height()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_open(self) -> None:
        if (article := self.current) is not None:
            self.post_message(self.Selected(self.cursor, article))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (round(self.scroll_offset.y) + offset.y) // self.row_height
        if 0 <= index < len(self._rows):
            self.cursor = index
            self.action_open()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        # A zero-width line would reach rich's chop_cells, which divides by the width.
        if width <= 0:
            return Strip([])
        index, part = divmod(round(self.scroll_offset.y) + y, self.row_height)
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, self.rich_style)
        if self._snippet is not None and part > 0:
            if part == 1:
                return self._snippet_line(index, width)
            part = 1
        meta = self._rows[index]
        lines = row_lines(meta, width, self.markers(meta.id) if self.markers else "")
        name = "cursor" if index == self.cursor else ("title", "meta")[part]
        style = self.rich_style + self.get_component_rich_style(f"article-list--{name}")
        return Strip([Segment(lines[part], style)], width)

    def _snippet_line(self, index: int, width: int) -> Strip:
        """A result's snippet, its matched words marked, fitted to the width."""
        assert self._snippet is not None
        label = self._snippet_label(index) if self._snippet_label else ""
        snippet = fit_snippet(self._snippet(index), width - MARKER_WIDTH, label)
        name = "cursor" if index == self.cursor else "snippet"
        base = self.rich_style + self.get_component_rich_style(f"article-list--{name}")
        text = Text(" " * MARKER_WIDTH + clean(snippet.text), style=base, no_wrap=True)
        # clean() keeps length unless it removed escapes; then the offsets no longer fit
        if len(text) == MARKER_WIDTH + len(snippet.text):
            marked = "article-list--match" + ("-cursor" if index == self.cursor else "")
            match = self.get_component_rich_style(marked, partial=True)
            for start, end in snippet.spans:
                text.stylize(match, start + MARKER_WIDTH, end + MARKER_WIDTH)
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(list(text.render(self.app.console)), width).crop_extend(0, width, base)
