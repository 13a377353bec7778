"""The reading pane: an article drawn line by line on Textual's Line API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.models import Article
from reader.ui import actions
from reader.ui.document import (
    DEFAULT_MEASURE,
    DocumentLayout,
    DocumentStyles,
    layout_article,
)
from reader.ui.extras import Decorations, Extras, decorate, margin_text, with_extras
from reader.ui.matches import Matches, find_matches

if TYPE_CHECKING:
    from reader.search import SearchResults

PLACEHOLDER = "Select an article to read"
LAYOUTS_KEPT = 4
"""Widths whose layout is kept, so resizing back and forth does not wrap again."""


class ReadingPane(ScrollView, can_focus=True):
    """Shows one article at a comfortable measure, centred, rendering only visible lines."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("pane")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reading-pane--title",
        "reading-pane--meta",
        "reading-pane--tags",
        "reading-pane--rule",
        "reading-pane--h1",
        "reading-pane--h2",
        "reading-pane--h3",
        "reading-pane--quote",
        "reading-pane--quote-bar",
        "reading-pane--bullet",
        "reading-pane--code",
        "reading-pane--code-inline",
        "reading-pane--link",
        "reading-pane--notice",
        "reading-pane--placeholder",
        "reading-pane--highlight",
        "reading-pane--cursor",
        "reading-pane--match",
        "reading-pane--match-current",
    }

    DEFAULT_CSS = """
    ReadingPane {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .reading-pane--title { color: $text; text-style: bold; }
        & > .reading-pane--meta { color: $text-muted; }
        & > .reading-pane--tags { color: $text-accent; }
        & > .reading-pane--rule { color: $text-muted; }
        & > .reading-pane--h1 { color: $text-accent; text-style: bold; }
        & > .reading-pane--h2 { color: $text; text-style: bold; }
        & > .reading-pane--h3 { color: $text-muted; text-style: bold italic; }
        & > .reading-pane--quote { color: $text-muted; text-style: italic; }
        & > .reading-pane--quote-bar { color: $accent; }
        & > .reading-pane--bullet { color: $text-accent; }
        & > .reading-pane--code { background: $panel; color: $text; }
        & > .reading-pane--code-inline { background: $panel; color: $text; }
        & > .reading-pane--link { color: $text-accent; text-style: underline; }
        & > .reading-pane--notice { color: $text-warning; text-style: italic; }
        & > .reading-pane--placeholder { color: $text-muted; }
        & > .reading-pane--highlight { background: $warning 35%; }
        & > .reading-pane--cursor { color: $accent; }
        & > .reading-pane--match { color: $text-accent; text-style: bold underline; }
        & > .reading-pane--match-current { background: $accent; color: $text; text-style: bold; }
    }
    """

    @dataclass
    class ProgressChanged(Message):
        """The fraction of the article read changed (bursts collapse to the latest)."""

        progress: float

        def can_replace(self, message: Message) -> bool:
            """A newer progress makes an older one still in the queue stale."""
            return isinstance(message, ReadingPane.ProgressChanged)

        @property
        def control(self) -> ReadingPane | None:
            """The pane that posted the message."""
            sender = self._sender
            return sender if isinstance(sender, ReadingPane) else None

    def __init__(
        self,
        *,
        measure: int = DEFAULT_MEASURE,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's own parameter name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._measure = max(1, measure)
        self._article: Article | None = None
        self._layout: DocumentLayout | None = None
        self._layouts: dict[int, DocumentLayout] = {}
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles: DocumentStyles | None = None
        self._progress = 0.0
        self._pending: tuple[int, int] | None = None
        """A (block, offset) to scroll to once the pane has a size."""
        self._anchor: tuple[int, int] | None = None
        """The (block, offset) the reader had at the top, kept across re-wraps until they scroll."""
        self._wrapping = False
        self._extras = Extras()
        self._decorations = Decorations()
        self._matches = Matches()

    # --- public API ---------------------------------------------------------------------

    @property
    def article(self) -> Article | None:
        """The article shown, or None when the pane shows its placeholder."""
        return self._article

    @property
    def measure(self) -> int:
        """The widest body column, in cells."""
        return self._measure

    @measure.setter
    def measure(self, value: int) -> None:
        value = max(1, value)
        if value != self._measure:
            self._measure = value
            self._layouts.clear()
            self._relayout()

    @property
    def progress(self) -> float:
        """Fraction of the article read: the bottom of the view over all lines (0.0-1.0)."""
        return self._progress

    @property
    def document(self) -> DocumentLayout | None:
        """The article as laid out for the current width (None before it has a width)."""
        return self._layout

    def show(self, article: Article | None) -> None:
        """Show `article` from its top, or the placeholder for None."""
        if article is self._article:
            return
        self._article = article
        self._extras, self._decorations = Extras(), Decorations()
        self._matches = Matches()
        self._layouts.clear()
        self._layout = None
        self._pending = self._anchor = None
        self._relayout(keep_position=False)
        self.scroll_to(x=0, y=0, animate=False, force=True)
        self.refresh()

    def set_extras(self, extras: Extras) -> None:
        """Add a badge under the header and sections after the body (the user's note)."""
        if extras != self._extras:
            self._extras = extras
            self._layouts.clear()
            self._relayout()
            self.refresh()

    def set_decorations(self, decorations: Decorations) -> None:
        """Draw highlighted ranges and the paragraph cursor over the article."""
        if decorations != self._decorations:
            self._decorations = decorations
            self._strips.clear()
            self.refresh()

    @property
    def matches(self) -> Matches:
        """The search matches marked in the article, and the current one."""
        return self._matches

    def set_matches(self, matches: Matches) -> None:
        """Mark search matches; the current one is scrolled into view."""
        self._matches = matches
        self._strips.clear()
        self.refresh()
        if (match := matches.current_match) is not None:
            self.reveal(match[0], match[1])

    def mark_search(self, results: SearchResults | None) -> None:
        """Mark the matches of a search in the article (None clears the marks)."""
        article = self.article
        if article is None or results is None:
            self.set_matches(Matches())
        else:
            self.set_matches(find_matches(article, results.marker))

    def step_match(self, delta: int) -> str:
        """Go to the next (delta > 0) or previous match; says which, or "" with a bell if none."""
        if not self._matches:
            self.app.bell()
            return ""
        matches = self._matches.step(delta, self.top_anchor())
        self.set_matches(matches)
        title = self.article.meta.title if self.article else ""
        return f"match {(matches.current or 0) + 1} of {len(matches)} · {title}"

    def reveal(self, block: int, offset: int = 0) -> None:
        """Scroll so character `offset` of `block` shows a third of the way down the view."""
        if self._layout is None:
            self._pending = (block, offset)
            return
        line = self._layout.line_of(block, offset)
        top = max(0, line - self.scrollable_content_region.height // 3)
        self.scroll_to(y=top, animate=False, force=True)

    def scroll_to_block(self, index: int, offset: int = 0, *, animate: bool = False) -> None:
        """Scroll so the line showing character `offset` of block `index` is at the top."""
        if self._layout is None:
            self._pending = (index, offset)
            return
        self._pending = None
        self.scroll_to(y=self._layout.line_of(index, offset), animate=animate, force=True)
        self._anchor = (index, offset)

    def keep_in_view(self, block: int) -> None:
        """Scroll block `block` to the top unless its first line is already in view."""
        layout = self._layout
        if layout is not None:
            line, top = layout.line_of(block), self.scroll_offset.y
            if not top <= line < top + self.scrollable_content_region.height - 1:
                self.scroll_to_block(block)

    def end_in_view(self) -> bool:
        """Whether the article's last line is in view (a short article is read at a glance)."""
        layout = self._layout
        if layout is None or not layout.block_lines:
            return False
        last = layout.line_of(len(layout.block_lines) - 1, len(layout.lines[-1].source) + 1)
        return last < self.scroll_offset.y + self.scrollable_content_region.height

    def top_anchor(self) -> tuple[int, int] | None:
        """(block, offset) of the first block line in view, to come back to it later."""
        if self._layout is None:
            return None
        return self._layout.anchor(self.scroll_offset.y)

    # --- actions ------------------------------------------------------------------------

    def action_scroll_lines(self, count: int) -> None:
        """Scroll by `count` lines (negative scrolls up)."""
        self.scroll_to(y=self.scroll_offset.y + count, animate=False)

    def action_scroll_pages(self, count: int) -> None:
        """Scroll by `count` pages, keeping one line of the previous page for context."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + count * page, animate=False)

    def action_scroll_top(self) -> None:
        """Scroll to the start of the article."""
        self.scroll_to(y=0, animate=False)

    def action_scroll_bottom(self) -> None:
        """Scroll to the end of the article."""
        self.scroll_to(y=self.max_scroll_y, animate=False)

    # --- layout -------------------------------------------------------------------------

    def _layout_for(self, width: int) -> DocumentLayout | None:
        """The article laid out for `width`, from the cache when it can be."""
        if self._article is None or width <= 0:
            return None
        layout = self._layouts.get(width)
        if layout is None:
            layout = layout_article(self._article, width, self._measure)
            layout = with_extras(layout, self._extras)
            if len(self._layouts) >= LAYOUTS_KEPT:
                del self._layouts[next(iter(self._layouts))]
            self._layouts[width] = layout
        return layout

    def _relayout(self, *, keep_position: bool = True) -> None:
        """Wrap for the current width and keep the same text at the top of the view."""
        width = self.scrollable_content_region.width
        if width <= 0 and keep_position and self._layout is not None:
            return  # hidden (the one-pane layout shows the list): keep the place for later
        anchor = self._pending or (self._top_anchor() if keep_position else None)
        layout = self._layout_for(width)
        if layout is not self._layout:
            self._strips.clear()
        self._wrapping = True
        try:
            self._layout = layout
            size = Size(layout.width, len(layout)) if layout is not None else Size(0, 0)
            self.virtual_size = size
            if layout is not None and anchor is not None:
                self._pending = None
                self.scroll_to(y=layout.line_of(*anchor), animate=False, force=True)
                self._anchor = anchor
        finally:
            self._wrapping = False
        self._update_progress()

    def _top_anchor(self) -> tuple[int, int] | None:
        """The paragraph to keep on top: the one the reader had, even if a size moved it."""
        if self._anchor is None and self._layout is not None and self.scroll_offset.y > 0:
            self._anchor = self._layout.anchor(self.scroll_offset.y)
        return self._anchor

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width."""
        self._relayout()
        self.refresh()

    def notify_style_update(self) -> None:
        """Theme or CSS changed: restyle every line."""
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    # --- progress -----------------------------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Track the reading progress as the view scrolls."""
        super().watch_scroll_y(old_value, new_value)
        # A size that cannot show the anchor on top stops the view at the last line: that
        # is not the reader moving, so the anchor stays for the next size that can.
        clamped = new_value < old_value and new_value == self.max_scroll_y
        if not (self._wrapping or clamped):
            self._anchor = None
        self._update_progress()

    def _update_progress(self) -> None:
        """Recompute the progress and tell the screen when it changed."""
        total = len(self._layout) if self._layout is not None else 0
        bottom = self.scroll_offset.y + self.scrollable_content_region.height
        progress = round(min(1.0, bottom / total), 4) if total else 0.0
        if progress != self._progress:
            self._progress = progress
            self.post_message(self.ProgressChanged(progress).set_sender(self))

    # --- rendering ----------------------------------------------------------------------

    def _document_styles(self) -> DocumentStyles:
        """Styles for each kind of line, from this widget's CSS (so themes apply)."""
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = DocumentStyles(
                title=get("reading-pane--title"),
                meta=get("reading-pane--meta"),
                tags=get("reading-pane--tags"),
                rule=get("reading-pane--rule"),
                heading1=get("reading-pane--h1"),
                heading2=get("reading-pane--h2"),
                heading3=get("reading-pane--h3"),
                paragraph=self.rich_style,
                quote=get("reading-pane--quote"),
                quote_bar=get("reading-pane--quote-bar"),
                bullet=get("reading-pane--bullet"),
                code_block=get("reading-pane--code"),
                code_inline=get("reading-pane--code-inline", partial=True),
                link=get("reading-pane--link", partial=True),
                notice=get("reading-pane--notice"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        """Render line `y` of the view (only visible lines are ever asked for)."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        if width <= 0:
            return Strip([], 0)
        layout = self._layout
        if layout is None or layout.width != width:
            layout = self._layout_for(width)
        if layout is None:
            return self._placeholder_line(y, width, base)
        index = self.scroll_offset.y + y
        if index >= len(layout):
            return Strip.blank(width, base)
        strip = self._strips.get(index) if layout is self._layout else None
        if strip is None:
            strip = self._line_strip(layout, index, base)
            if layout is self._layout:
                self._strips[index] = strip
        return strip.crop_extend(0, width, base)

    def _line_strip(self, layout: DocumentLayout, index: int, base: Style) -> Strip:
        """The uncropped strip of one laid-out line, margin included."""
        text = layout.text(index, self._document_styles())
        line, get = layout.lines[index], self.get_component_rich_style
        decorate(text, line, self._decorations, get("reading-pane--highlight", partial=True))
        if self._matches:
            match, current = get("reading-pane--match", partial=True), "reading-pane--match-current"
            self._matches.stylize(text, line, match, get(current, partial=True))
        # Rich drops a Text's own style when it has no spans, so lay it under explicitly.
        under = base + text.style if isinstance(text.style, Style) else base
        body = Segment.apply_style(text.render(self.app.console), under)
        margin = margin_text(layout.margin, line, self._decorations)
        cursor = base + get("reading-pane--cursor", partial=True)
        return Strip([Segment(margin, cursor if margin.strip() else base), *body])

    def _placeholder_line(self, y: int, width: int, base: Style) -> Strip:
        """The calm message shown when no article is open, centred in the pane."""
        if self._article is not None or y != self.scrollable_content_region.height // 2:
            return Strip.blank(width, base)
        text = Text(PLACEHOLDER, style=self.get_component_rich_style("reading-pane--placeholder"))
        text.truncate(width, overflow="ellipsis")
        margin = max(0, (width - text.cell_len) // 2)
        strip = Strip([Segment(" " * margin, base), *text.render(self.app.console)])
        return strip.crop_extend(0, width, base)
