"""Search matches in the open article: where they are, which one is current, how to mark them."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from reader.models import Article, BlockKind
from reader.ui.document import NO_BLOCK, Line

if TYPE_CHECKING:
    from reader.search import Marker

Match = tuple[int, int, int]
"""(block index, start, end): one matched word, as character offsets in its block's text."""


@dataclass(frozen=True)
class Matches:
    """Every match of a search in one article, in reading order, and the current one."""

    spans: tuple[Match, ...] = ()
    current: int | None = None
    """Index of the match last jumped to, or None before the first jump."""
    _by_block: dict[int, list[Match]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for match in self.spans:
            self._by_block.setdefault(match[0], []).append(match)

    def __len__(self) -> int:
        return len(self.spans)

    def step(self, delta: int, anchor: tuple[int, int] | None = None) -> Matches:
        """The next (delta > 0) or previous match, wrapping around the article.

        Before the first jump, the search starts from `anchor` (the (block, offset) at the
        top of the view) so `n` finds the first match the reader has not scrolled past.
        """
        if not self.spans:
            return self
        count = len(self.spans)
        if self.current is not None:
            index = (self.current + delta) % count
        elif anchor is None:
            index = 0 if delta > 0 else count - 1
        else:
            after = bisect_left(self.spans, (anchor[0], anchor[1], -1))
            index = after % count if delta > 0 else (after - 1) % count
        return Matches(self.spans, index)

    @property
    def current_match(self) -> Match | None:
        """The current match, or None."""
        return None if self.current is None else self.spans[self.current]

    def stylize(self, text: Text, line: Line, style: Style, current: Style) -> None:
        """Mark the matches on one laid-out line (`text` as rendered from `line`)."""
        if line.block == NO_BLOCK:
            return
        shift = len(line.prefix) - line.start
        chosen = self.current_match
        for match in self._by_block.get(line.block, ()):
            start, end = max(match[1], line.start), min(match[2], line.end)
            if start < end:
                text.stylize(current if match == chosen else style, start + shift, end + shift)


def find_matches(article: Article, marker: Marker) -> Matches:
    """Every word of the article's body that the search matched."""
    if not marker:
        return Matches()
    spans: list[Match] = []
    for index, block in enumerate(article.blocks):
        if block.kind is not BlockKind.RULE:
            spans.extend((index, start, end) for start, end in marker.spans(block.text))
    return Matches(tuple(spans))
