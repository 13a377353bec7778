"""The user's data as the UI sees it: an in-memory copy of the store, updated optimistically."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from reader.models import ArticleMeta
from reader.store import Highlight, Position, Store
from reader.store.anchoring import reanchor
from reader.store.records import CONTEXT_CHARS
from reader.ui.extras import Extras, Section

if TYPE_CHECKING:
    from reader.search import StateFilters

BOOKMARK_MARK = "★"
UNREAD_MARK = "•"


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the UI knows of one article's reading state."""

    read: bool = False
    position: Position | None = None
    last_opened: datetime | None = None


@dataclass
class UserCache:
    """A copy of the store's records, read once off the UI thread and then kept in step.

    The UI changes this copy at once (optimistically) and queues the matching store write,
    so a key press never waits for the disk.
    """

    bookmarks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Article id -> tags, for every bookmarked article, newest bookmark first."""
    notes: dict[str, str] = field(default_factory=dict)
    highlights: dict[str, list[Highlight]] = field(default_factory=dict)
    states: dict[str, ArticleState] = field(default_factory=dict)
    read_ids: set[str] = field(default_factory=set)
    """The ids in `states` marked read, kept beside them so counting unread is set arithmetic."""
    read_log: list[tuple[str, bool]] = field(default_factory=list)
    """Every change to `read_ids` since the store was read, in order: (id, now read). Its
    length tells a count whether it is still current, and its tail what changed since."""
    loaded: bool = False

    @classmethod
    def load(cls, store: Store) -> UserCache:
        """Read every record of `store` (slow on a big store: call it in a worker)."""
        cache = cls(loaded=True)
        for bookmark in store.bookmarks():
            cache.bookmarks[bookmark.article_id] = bookmark.tags
        for note in store.notes():
            cache.notes[note.article_id] = note.text
        for highlight in store.highlights():
            cache.highlights.setdefault(highlight.article_id, []).append(highlight)
        for items in cache.highlights.values():
            items.sort(key=lambda h: (h.block, h.created))
        for state in store.reading_states():
            cache.states[state.article_id] = ArticleState(
                state.read, state.position, state.last_opened
            )
            if state.read:
                cache.read_ids.add(state.article_id)
        return cache

    def marker(self, article_id: str) -> str:
        """The list marker of an article: the unread dot, then the bookmark star (or spaces)."""
        unread = " " if self.is_read(article_id) else UNREAD_MARK
        return (unread + BOOKMARK_MARK if article_id in self.bookmarks else unread).rstrip()

    def is_read(self, article_id: str) -> bool:
        state = self.states.get(article_id)
        return state is not None and state.read

    def state(self, article_id: str) -> ArticleState:
        return self.states.get(article_id) or ArticleState()

    def set_read(self, article_id: str, read: bool) -> None:
        self.states[article_id] = replace(self.state(article_id), read=read)
        if (article_id in self.read_ids) == read:
            return
        if read:
            self.read_ids.add(article_id)
        else:
            self.read_ids.discard(article_id)
        self.read_log.append((article_id, read))

    def set_opened(self, article_id: str, position: Position | None = None) -> None:
        state = replace(self.state(article_id), last_opened=datetime.now(UTC))
        self.states[article_id] = replace(state, position=position) if position else state

    def all_tags(self) -> list[str]:
        """Every tag in use, sorted case-insensitively."""
        tags = {tag for tags in self.bookmarks.values() for tag in tags}
        return sorted(tags, key=str.casefold)

    def bookmarked_ids(self) -> list[str]:
        return list(self.bookmarks)

    def view_ids(self, view: str) -> list[str]:
        """The articles a view lists: "bookmarks" (newest first) or "continue"."""
        return self.bookmarked_ids() if view == "bookmarks" else self.continue_ids()

    def continue_ids(self) -> list[str]:
        """Opened but unfinished articles, most recently opened first."""
        opened = [
            (state.last_opened, article_id)
            for article_id, state in self.states.items()
            if state.last_opened is not None and not state.read
        ]
        return [article_id for _, article_id in sorted(opened, reverse=True)]

    def filters(self) -> StateFilters:
        """The ids in each reading state, for a search's `is:` and `has:` filters.

        Called from the search worker's thread while the UI may change the copy: each dict is
        copied first (one C call, which the UI thread cannot interleave) and then read.
        """
        # Imported here: the search engine is loaded with the index, not at start-up.
        from reader.search import StateFilters

        states, notes, marks = dict(self.states), dict(self.notes), dict(self.highlights)
        return StateFilters(
            bookmarked=set(self.bookmarks),
            read={article_id for article_id, state in states.items() if state.read},
            noted={article_id for article_id, note in notes.items() if note},
            highlighted={article_id for article_id, found in marks.items() if found},
        )


class IdRows:
    """List rows for a fixed sequence of articles (a view), found by id."""

    def __init__(self, metas: Sequence[ArticleMeta]) -> None:
        self._metas = list(metas)
        self._index = {meta.id: number for number, meta in enumerate(self._metas)}

    def __len__(self) -> int:
        return len(self._metas)

    def __getitem__(self, index: int) -> ArticleMeta:
        return self._metas[index]

    def index_of(self, article_id: str) -> int | None:
        return self._index.get(article_id)

    def ids(self) -> list[str]:
        """Every id, in list order."""
        return [meta.id for meta in self._metas]


# --- anchoring ------------------------------------------------------------------------


def joined(texts: Sequence[str]) -> tuple[str, list[int]]:
    """The block texts as one string (blank-line separated) and each block's start in it."""
    starts: list[int] = []
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 2
    return "\n\n".join(texts), starts


def quote_block(texts: Sequence[str], block: int) -> tuple[str, str, str]:
    """(quote, prefix, suffix) for the whole of block `block`, with its neighbours as context."""
    whole, starts = joined(texts)
    start = starts[block]
    end = start + len(texts[block])
    return (
        whole[start:end],
        whole[max(0, start - CONTEXT_CHARS) : start],
        whole[end:][:CONTEXT_CHARS],
    )


def locate(texts: Sequence[str], highlights: Sequence[Highlight]) -> Located:
    """Each highlight re-anchored in the article's block texts, or listed as orphaned."""
    spans: dict[int, list[tuple[int, int]]] = {}
    orphans: list[Highlight] = []
    for highlight in highlights:
        found = reanchor(highlight, texts)
        if found is None:
            orphans.append(highlight)
        else:
            block, start, end = found
            spans.setdefault(block, []).append((start, end))
    return Located(spans, orphans)


@dataclass(frozen=True)
class Located:
    """Highlights placed in an article: ranges per block, and those whose quote is gone."""

    spans: dict[int, list[tuple[int, int]]]
    orphans: list[Highlight]


def position_at(texts: Sequence[str], block: int) -> Position:
    """The reading position of block `block`."""
    return Position.at(block, texts[block] if 0 <= block < len(texts) else "")


def restore_block(texts: Sequence[str], position: Position) -> int:
    """The block a stored position points at now, found by its opening words when it moved."""
    if not texts:
        return 0
    fingerprint = position.fingerprint
    hint = min(max(position.block, 0), len(texts) - 1)
    if not fingerprint or Position.at(hint, texts[hint]).fingerprint == fingerprint:
        return hint
    found = [n for n, text in enumerate(texts) if Position.at(n, text).fingerprint == fingerprint]
    return min(found, key=lambda n: abs(n - hint)) if found else hint


def skip_empty(texts: Sequence[str], block: int, step: int) -> int:
    """The nearest block from `block` in direction `step` that has text (clamped)."""
    block = min(max(block, 0), len(texts) - 1)
    probe = block
    while 0 <= probe < len(texts):
        if texts[probe].strip():
            return probe
        probe += 1 if step > 0 else -1
    return block


def in_block(highlight: Highlight, block: int, texts: Sequence[str]) -> bool:
    """Whether `highlight` is placed in block `block` of the article now."""
    return block in locate(texts, [highlight]).spans


# --- what the reading pane adds ---------------------------------------------------------


def extras_for(cache: UserCache, article_id: str, located: Located) -> Extras:
    """The badge and closing sections the pane shows for an article's bookmark, note and marks."""
    badge = ""
    if (tags := cache.bookmarks.get(article_id)) is not None:
        badge = "★ Bookmarked" + ("  " + "  ".join(f"#{t}" for t in tags) if tags else "")
    sections: list[Section] = []
    if note := cache.notes.get(article_id):
        sections.append(Section("Your note", tuple(note.split("\n\n"))))
    noted = [h for h in cache.highlights.get(article_id, []) if h.note]
    if noted:
        lines = tuple(f"“{_short(h.quote)}” — {h.note}" for h in noted)
        sections.append(Section("Notes on highlights", lines))
    if located.orphans:
        lines = tuple(_orphan_line(h) for h in located.orphans)
        sections.append(Section("Orphaned highlights (no longer found in the text)", lines))
    return Extras(badge, tuple(sections))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _orphan_line(highlight: Highlight) -> str:
    line = f"“{_short(highlight.quote)}”"
    return f"{line} — {highlight.note}" if highlight.note else line
