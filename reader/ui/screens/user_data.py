"""The main screen's keys for the user's data: bookmarks, tags, read state, notes, highlights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.timer import Timer

from reader.models import Article, ArticleMeta
from reader.store import Highlight, Position, Store
from reader.store.records import new_uuid
from reader.ui.extras import Decorations, Extras, Section
from reader.ui.screens.user_live import LiveUserDataScreen
from reader.ui.store_writes import WriteQueue
from reader.ui.userdata import (
    IdRows,
    Located,
    UserCache,
    locate,
    position_at,
    quote_block,
    restore_block,
)

if TYPE_CHECKING:
    from reader.library import Library
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_pane import ReadingPane

POSITION_DELAY = 1.0
"""Seconds after scrolling stops before the reading position is saved."""
READ_AT = 0.98
"""Fraction of the article in view at which it counts as read."""
VIEWS = {"bookmarks": "Bookmarks", "continue": "Continue reading"}


class UserDataScreen(LiveUserDataScreen):
    """Keys and state for the user's own data; the main screen builds on it.

    Every change shows at once from an in-memory copy (`user`) and is written to the store
    by a queue in a thread worker, so no key waits for the disk.
    """

    if TYPE_CHECKING:
        library: Library
        opened_id: str | None
        article_list: ArticleList
        reading_pane: ReadingPane

        def open_article(self, article_id: str) -> None: ...
        def reindex_user_text(self) -> None: ...
        def _show_rows(self) -> None: ...

    @dataclass
    class UserDataLoaded(Message):
        """The store was read into memory."""

        cache: UserCache

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store: Store = Store.in_memory()
        """The user's data; the main screen replaces this with the one it is given."""
        self.user = UserCache()
        """What the UI shows of the user's data; changed first, then written."""
        self.view: str | None = None
        """The view shown in the list instead of the library: "bookmarks", "continue"."""
        self.writes = WriteQueue(
            self,
            self._write_failed,
            outside_change=self.outside_change,
            after_write=self.after_write,
        )
        self._cursor: int | None = None
        self._position: tuple[ArticleMeta, Position] | None = None
        self._position_timer: Timer | None = None
        self._unread_by_hand: set[str] = set()
        self._saved_uuids: dict[str, str] = {}
        self._jump_to: tuple[str, int] | None = None

    # --- loading and showing --------------------------------------------------------------

    def on_mount(self) -> None:
        self.article_list.markers = self.user.marker
        self._load_user_data()
        self.start_store_watch()

    @work(thread=True, group="store-read")
    def _load_user_data(self) -> None:
        self.post_message(self.UserDataLoaded(UserCache.load(self.store)))

    def on_user_data_screen_user_data_loaded(self, message: UserDataLoaded) -> None:
        self.user = message.cache
        self.article_list.markers = self.user.marker
        self.article_list.refresh()
        if self.reading_pane.article is not None:
            self._show_user_data(restore=True)

    def on_unmount(self) -> None:
        self._save_position()
        self.writes.flush()

    def on_main_screen_article_loaded(self, message: Any) -> None:
        article: Article = message.article
        if self.reading_pane.article is not article:
            return
        self._save_position()
        self._cursor = None
        self._unread_by_hand.discard(article.id)
        self.user.set_opened(article.id)
        meta = article.meta
        self.writes.put(lambda: self.store.mark_opened(meta.id, meta.path, meta.title))
        self._show_user_data(restore=True)
        if self._jump_to is not None and self._jump_to[0] == article.id:
            self._cursor = self._jump_to[1]
            self._show_user_data()
            self.reading_pane.scroll_to_block(self._jump_to[1])
        self._jump_to = None

    def _texts(self) -> list[str]:
        article = self.reading_pane.article
        return [block.text for block in article.blocks] if article else []

    def _located(self) -> Located:
        article = self.reading_pane.article
        highlights = self.user.highlights.get(article.id, []) if article else []
        return locate(self._texts(), highlights)

    def _show_user_data(self, *, restore: bool = False) -> None:
        """Draw the open article's badge, note, highlights and cursor (and go to its position)."""
        pane, article = self.reading_pane, self.reading_pane.article
        if article is None:
            return
        located = self._located()
        pane.set_extras(self._extras(article.id, located))
        pane.set_decorations(Decorations(located.spans, self._cursor))
        position = self.user.state(article.id).position
        if restore and position is not None and self.user.loaded:
            pane.scroll_to_block(restore_block(self._texts(), position))

    def _extras(self, article_id: str, located: Located) -> Extras:
        badge = ""
        if (tags := self.user.bookmarks.get(article_id)) is not None:
            badge = "★ Bookmarked" + ("  " + "  ".join(f"#{t}" for t in tags) if tags else "")
        sections: list[Section] = []
        if note := self.user.notes.get(article_id):
            sections.append(Section("Your note", tuple(note.split("\n\n"))))
        noted = [h for h in self.user.highlights.get(article_id, []) if h.note]
        if noted:
            lines = tuple(f"“{_short(h.quote)}” — {h.note}" for h in noted)
            sections.append(Section("Notes on highlights", lines))
        if located.orphans:
            lines = tuple(_orphan_line(h) for h in located.orphans)
            sections.append(Section("Orphaned highlights (no longer found in the text)", lines))
        return Extras(badge, tuple(sections))

    def _refresh_marks(self) -> None:
        self.article_list.refresh()
        self._show_user_data()

    def _write_failed(self, reason: str) -> None:
        self.app.notify(reason, title="Could not save your data", severity="error")

    def _target(self) -> ArticleMeta | None:
        """The article a key acts on: the open one when reading, else the one under the cursor."""
        article = self.reading_pane.article
        if article is not None and (self.reading_pane.has_focus or not self.article_list.current):
            return article.meta
        current = self.article_list.current
        return current if current is not None else (article.meta if article else None)

    # --- bookmarks and tags ---------------------------------------------------------------

    def action_toggle_bookmark(self) -> None:
        if (meta := self._target()) is None:
            self.app.bell()
            return
        if meta.id in self.user.bookmarks:
            del self.user.bookmarks[meta.id]
            self.writes.put(lambda: self.store.remove_bookmark(meta.id))
            self.notify("Bookmark removed", timeout=2)
        else:
            self.user.bookmarks = {meta.id: (), **self.user.bookmarks}
            self.writes.put(lambda: self.store.add_bookmark(meta.id, meta.path, meta.title))
            self.notify("Bookmarked", timeout=2)
        self._refresh_marks()

    # --- reading state --------------------------------------------------------------------

    def action_toggle_read(self) -> None:
        if (meta := self._target()) is None:
            self.app.bell()
            return
        read = not self.user.is_read(meta.id)
        if not read:
            self._unread_by_hand.add(meta.id)
        self._set_read(meta, read)
        self.notify("Marked read" if read else "Marked unread", timeout=2)

    def _set_read(self, meta: ArticleMeta, read: bool) -> None:
        self.user.set_read(meta.id, read)
        self.writes.put(lambda: self.store.set_read(meta.id, meta.path, meta.title, read))
        self.article_list.refresh()

    def on_reading_pane_progress_changed(self, message: Any) -> None:
        pane, article = self.reading_pane, self.reading_pane.article
        if article is None or article.id != self.opened_id or not self.user.loaded:
            return
        if (anchor := pane.top_anchor()) is not None:
            self._position = (article.meta, position_at(self._texts(), anchor[0]))
            if self._position_timer is not None:
                self._position_timer.stop()
            self._position_timer = self.set_timer(POSITION_DELAY, self._save_position)
        done = message.progress >= READ_AT or self._end_in_view()
        if done and not self.user.is_read(article.id) and article.id not in self._unread_by_hand:
            self._set_read(article.meta, True)

    def _end_in_view(self) -> bool:
        pane, layout = self.reading_pane, self.reading_pane.document
        if layout is None or not layout.block_lines:
            return False
        last = layout.line_of(len(layout.block_lines) - 1, len(layout.lines[-1].source) + 1)
        return last < pane.scroll_offset.y + pane.scrollable_content_region.height

    def _save_position(self) -> None:
        """Write the last position scrolled to, unless it is already the stored one."""
        if self._position_timer is not None:
            self._position_timer.stop()
            self._position_timer = None
        pending, self._position = self._position, None
        if pending is None:
            return
        meta, position = pending
        if self.user.state(meta.id).position == position:
            return
        self.user.set_opened(meta.id, position)
        self.writes.put(lambda: self.store.mark_opened(meta.id, meta.path, meta.title, position))

    # --- notes ----------------------------------------------------------------------------

    def action_note(self) -> None:
        # While a search is active, `n` goes to the next match instead.
        if getattr(self, "search_active", False) and hasattr(self, "action_next_match"):
            self.action_next_match()
            return
        self.action_edit_note()

    # --- paragraph cursor and highlights --------------------------------------------------

    def action_paragraph(self, delta: int) -> None:
        texts = self._texts()
        if not texts:
            self.app.bell()
            return
        start = self._cursor_block() if self._cursor is None else self._cursor + delta
        block = _skip_empty(texts, start, delta or 1)
        self._cursor = block
        self._show_user_data()
        pane, layout = self.reading_pane, self.reading_pane.document
        if layout is not None:
            line, top = layout.line_of(block), pane.scroll_offset.y
            if not top <= line < top + pane.scrollable_content_region.height - 1:
                pane.scroll_to_block(block)

    def _cursor_block(self) -> int:
        """The paragraph cursor, or the first paragraph in view when there is none."""
        if self._cursor is not None:
            return self._cursor
        anchor = self.reading_pane.top_anchor()
        return anchor[0] if anchor else 0

    def action_highlight(self) -> None:
        self._highlight(ask=False)

    def action_highlight_with_note(self) -> None:
        self._highlight(ask=True)

    def _highlight(self, *, ask: bool) -> None:
        article = self.reading_pane.article
        texts = self._texts()
        if article is None or not texts:
            self.app.bell()
            return
        block = _skip_empty(texts, self._cursor_block(), 1)
        existing = [
            h for h in self.user.highlights.get(article.id, []) if _in_block(h, block, texts)
        ]
        if existing and not ask:
            self._remove_highlights(article.id, existing)
            return
        if not ask:
            self._add_highlight(article, block, None)
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self._add_highlight(article, block, note.strip() or None)

        from reader.ui.screens.dialogs import PromptScreen

        self.app.push_screen(PromptScreen("Note on this highlight", hint="Enter saves"), noted)

    def _add_highlight(self, article: Article, block: int, note: str | None) -> None:
        quote, prefix, suffix = quote_block(self._texts(), block)
        if not quote.strip():
            self.app.bell()
            return
        meta = article.meta
        draft = Highlight(
            f"draft-{new_uuid()}",
            meta.id,
            meta.path,
            meta.title,
            quote,
            prefix,
            suffix,
            block,
            note,
            datetime.now(UTC),
        )
        self.user.highlights.setdefault(meta.id, []).append(draft)

        def save() -> None:
            stored = self.store.add_highlight(
                meta.id,
                meta.path,
                meta.title,
                quote,
                prefix=prefix,
                suffix=suffix,
                block=block,
                note=note,
            )
            self._saved_uuids[draft.uuid] = stored.uuid

        self.writes.put(save)
        if note:
            self.writes.put(self.reindex_user_text)
        self.notify("Highlighted", timeout=2)
        self._show_user_data()

    def _remove_highlights(self, article_id: str, gone: list[Highlight]) -> None:
        kept = [h for h in self.user.highlights.get(article_id, []) if h not in gone]
        self.user.highlights[article_id] = kept
        for highlight in gone:
            self.writes.put(lambda uuid=highlight.uuid: self._remove_stored(uuid))
        if any(highlight.note for highlight in gone):
            self.writes.put(self.reindex_user_text)
        self.notify("Highlight removed", timeout=2)
        self._show_user_data()

    def _remove_stored(self, uuid: str) -> None:
        # A highlight made in this session is known by a draft id until its write is done.
        self.store.remove_highlight(self._saved_uuids.get(uuid, uuid))

    # --- views ----------------------------------------------------------------------------

    def action_view(self, name: str) -> None:
        """Show a view (bookmarks, continue reading) in the list; again to leave it."""
        if name not in VIEWS or self.view == name:
            self.leave_view()
            return
        self.view = name
        self.show_view()
        self.article_list.focus()

    def show_view(self) -> None:
        """List the articles of the current view."""
        name = self.view or "bookmarks"
        ids = self.user.bookmarked_ids() if name == "bookmarks" else self.user.continue_ids()
        metas = [meta for article_id in ids if (meta := self.library.get(article_id))]
        self.article_list.set_rows(IdRows(metas), keep_id=self.opened_id)
        self.set_class(False, "-empty")
        self.sub_title = f"{VIEWS[name]} · {len(metas)} (esc: back to the library)"

    def leave_view(self) -> bool:
        """Show the whole library again; False when no view was shown."""
        if self.view is None:
            return False
        self.view = None
        self._show_rows()
        return True

    def action_notebook(self) -> None:
        from reader.ui.screens.notebook import NotebookScreen

        self.app.push_screen(NotebookScreen(self.user, self.library), self._jump)

    def _jump(self, target: tuple[str, int] | None) -> None:
        if target is None:
            return
        article_id, block = target
        self.leave_view()
        self.article_list.set_rows(self.article_list.rows, keep_id=article_id)
        self._jump_to = (article_id, block)
        if self.reading_pane.article is not None and self.reading_pane.article.id == article_id:
            self._cursor = block
            self._show_user_data()
            self.reading_pane.scroll_to_block(block)
            self._jump_to = None
        else:
            self.open_article(article_id)


def _skip_empty(texts: list[str], block: int, step: int) -> int:
    """The nearest block from `block` in direction `step` that has text (clamped)."""
    block = min(max(block, 0), len(texts) - 1)
    probe = block
    while 0 <= probe < len(texts):
        if texts[probe].strip():
            return probe
        probe += 1 if step > 0 else -1
    return block


def _in_block(highlight: Highlight, block: int, texts: list[str]) -> bool:
    found = locate(texts, [highlight])
    return block in found.spans


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _orphan_line(highlight: Highlight) -> str:
    line = f"“{_short(highlight.quote)}”"
    return f"{line} — {highlight.note}" if highlight.note else line
