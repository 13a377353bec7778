"""The Annotator: the user's data in the app (the cache, its writes, the reading position).

Every change shows at once from an in-memory copy (`user`) and is written to the store by a
queue in a thread worker, so no key waits for the disk. Other processes (the CLI, a feed
refresh, a second app) write the same store file while the app is open, so the file is polled
and the copy read again when it changed; notes and tags are saved as merges, never replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from reader.models import Article, ArticleMeta
from reader.store import Highlight, Position, Store
from reader.store.records import new_uuid
from reader.ui.extras import Decorations
from reader.ui.store_writes import StoreWatch, WriteQueue
from reader.ui.user_data import (
    Located,
    UserCache,
    extras_for,
    in_block,
    locate,
    position_at,
    quote_block,
    restore_block,
    skip_empty,
)

if TYPE_CHECKING:
    from reader.search import StateFilters
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_pane import ReadingPane

POSITION_DELAY = 1.0
"""Seconds after scrolling stops before the reading position is saved."""
READ_AT = 0.98
"""Fraction of the article in view at which it counts as read."""
STORE_POLL = 1.5
"""Seconds between two checks of whether another process changed the store file."""


class Annotator(Widget):
    """Owns the user's data on screen: bookmarks, tags, read state, notes, highlights.

    It draws them on the article list and the reading pane it is given, and keeps the
    paragraph cursor and the reading position of the open article.
    """

    DEFAULT_CSS = "Annotator { display: none; }"
    STORE_POLL: ClassVar[float] = STORE_POLL

    @dataclass
    class Loaded(Message):
        """The store was read; `queued` is the write count the read saw (None: first read)."""

        cache: UserCache
        queued: int | None = None

    @dataclass
    class StoreChanged(Message):
        """A write found that another process had changed the store (`merged`: our note)."""

        merged: bool = False

    @dataclass
    class Reloaded(Message):
        """The user's data was read again after another process changed it."""

    def __init__(self, store: Store, pane: ReadingPane, articles: ArticleList) -> None:
        super().__init__()
        self.store = store
        """The user's data on disk; the caller opens it and closes it."""
        self.user = UserCache()
        """What the UI shows of the user's data; changed first, then written."""
        self.store_watch = StoreWatch(store)
        """Whether another process wrote the store since the copy was read."""
        self.writes = WriteQueue(
            self,
            self._write_failed,
            outside_change=self.store_watch.outside_change,
            after_write=self._after_write,
        )
        self.reindex: Callable[[], object] = lambda: None
        """Puts notes and tags into the search index; run in the write thread after a save."""
        self.cursor: int | None = None
        """The paragraph cursor in the open article, or None when it is hidden."""
        self._pane, self._articles = pane, articles
        self._position: tuple[ArticleMeta, Position] | None = None
        self._position_timer: Timer | None = None
        self._unread_by_hand: set[str] = set()
        self._saved_uuids: dict[str, str] = {}
        self._jump_to: tuple[str, int] | None = None
        self._reloading = False

    # --- reading the store ----------------------------------------------------------------

    def on_mount(self) -> None:
        self._articles.markers = self.marker
        self._load()
        self.set_interval(self.STORE_POLL, self.check_store)

    def on_unmount(self) -> None:
        self.save_position()
        self.writes.flush()

    @work(thread=True, group="store-read")
    def _load(self) -> None:
        self.store_watch.taken_in()
        self.post_message(self.Loaded(UserCache.load(self.store)))

    def marker(self, article_id: str) -> str:
        """The list marker of an article (unread dot, bookmark star)."""
        return self.user.marker(article_id)

    def filters(self) -> StateFilters:
        """The ids in each reading state for a search (from the store until the copy is read)."""
        if self.user.loaded:
            return self.user.filters()
        return UserCache.load(self.store).filters()

    def check_store(self) -> bool:
        """Read the store again if another process changed it; True when a read was started.

        A stat of the file, cheap enough for the UI thread; the reading happens in the
        store-write worker, after every write already queued.
        """
        if not self.user.loaded or not self.store_watch.outside_change():
            return False
        self.reload()
        return True

    def reload(self) -> None:
        """Read the store again once the writes queued so far are done, then show it."""
        if self._reloading:
            return
        self._reloading = True
        queued = self.writes.queued + 1  # counting this job

        def read() -> None:
            try:
                self.store_watch.taken_in()
                cache = UserCache.load(self.store)
            finally:
                self._reloading = False
            self.post_message(self.Loaded(cache, queued))

        self.writes.put(read, watch=False)

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.queued is not None and self.writes.queued != message.queued:
            # Changes made since the read was queued are not in what it read: read again
            # after them rather than show a copy that lacks them.
            self.reload()
            return
        old, self.user = self.user, message.cache
        self._articles.refresh()
        if message.queued is None:
            self.show(restore=True)
            return
        self.post_message(self.Reloaded())
        self.show()
        if (old.notes, old.bookmarks) != (self.user.notes, self.user.bookmarks):
            self.writes.put(self.reindex)

    def _after_write(self, outside: bool) -> None:
        """After a queued write (in its thread): take in the file it left; read it if needed."""
        self.store_watch.taken_in()
        if outside:
            # Posted, not called: the UI thread may be waiting for this write (at quit).
            self.post_message(self.StoreChanged())

    @on(StoreChanged)
    def _on_store_changed(self, message: StoreChanged) -> None:
        message.stop()
        if message.merged:
            self.notify("The note was also changed elsewhere: both versions were kept", timeout=4)
        self.reload()

    def _write_failed(self, reason: str) -> None:
        self.app.notify(reason, title="Could not save your data", severity="error")

    # --- the open article -----------------------------------------------------------------

    def shown(self, article: Article) -> None:
        """The pane now shows `article`: record the opening and draw the user's data on it."""
        self.save_position()
        self.cursor = None
        self._unread_by_hand.discard(article.id)
        self.user.set_opened(article.id)
        meta = article.meta
        self.writes.put(lambda: self.store.mark_opened(meta.id, meta.path, meta.title))
        self.show(restore=True)
        if self._jump_to is not None and self._jump_to[0] == article.id:
            self._go_to(self._jump_to[1])
        self._jump_to = None

    def jump(self, article_id: str, block: int) -> bool:
        """Put the cursor on `block` of the article; False when it must be opened first."""
        article = self._pane.article
        if article is not None and article.id == article_id:
            self._go_to(block)
            return True
        self._jump_to = (article_id, block)
        return False

    def _go_to(self, block: int) -> None:
        self.cursor = block
        self.show()
        self._pane.scroll_to_block(block)

    def _texts(self) -> list[str]:
        article = self._pane.article
        return [block.text for block in article.blocks] if article else []

    def _located(self) -> Located:
        article = self._pane.article
        highlights = self.user.highlights.get(article.id, []) if article else []
        return locate(self._texts(), highlights)

    def show(self, *, restore: bool = False) -> None:
        """Draw the open article's badge, note, highlights and cursor (and go to its position)."""
        pane, article = self._pane, self._pane.article
        if article is None:
            return
        located = self._located()
        pane.set_extras(extras_for(self.user, article.id, located))
        pane.set_decorations(Decorations(located.spans, self.cursor))
        position = self.user.state(article.id).position
        if restore and position is not None and self.user.loaded:
            pane.scroll_to_block(restore_block(self._texts(), position))

    def _refresh_marks(self) -> None:
        self._articles.refresh()
        self.show()

    def target(self) -> ArticleMeta | None:
        """The article a key acts on: the open one when reading, else the one under the cursor."""
        article, current = self._pane.article, self._articles.current
        if article is not None and (self._pane.has_focus or not current):
            return article.meta
        return current if current is not None else (article.meta if article else None)

    def _target_or_bell(self) -> ArticleMeta | None:
        meta = self.target()
        if meta is None:
            self.app.bell()
        return meta

    # --- bookmarks and reading state ------------------------------------------------------

    def toggle_bookmark(self) -> None:
        """Bookmark the target article, or remove its bookmark."""
        if (meta := self._target_or_bell()) is None:
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

    def toggle_read(self) -> None:
        """Mark the target article read or unread."""
        if (meta := self._target_or_bell()) is None:
            return
        read = not self.user.is_read(meta.id)
        if not read:
            self._unread_by_hand.add(meta.id)
        self._set_read(meta, read)
        self.notify("Marked read" if read else "Marked unread", timeout=2)

    def _set_read(self, meta: ArticleMeta, read: bool) -> None:
        self.user.set_read(meta.id, read)
        self.writes.put(lambda: self.store.set_read(meta.id, meta.path, meta.title, read))
        self._articles.refresh()

    def scrolled(self, progress: float, opened_id: str | None) -> None:
        """The open article scrolled: save the position soon; at its end it counts as read."""
        pane, article = self._pane, self._pane.article
        if article is None or article.id != opened_id or not self.user.loaded:
            return
        if (anchor := pane.top_anchor()) is not None:
            self._position = (article.meta, position_at(self._texts(), anchor[0]))
            if self._position_timer is not None:
                self._position_timer.stop()
            self._position_timer = self.set_timer(POSITION_DELAY, self.save_position)
        done = progress >= READ_AT or pane.end_in_view()
        if done and not self.user.is_read(article.id) and article.id not in self._unread_by_hand:
            self._set_read(article.meta, True)

    def save_position(self) -> None:
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

    # --- paragraph cursor and highlights --------------------------------------------------

    def move_cursor(self, delta: int) -> None:
        """Move the paragraph cursor `delta` paragraphs (it starts at the top of the view)."""
        texts = self._texts()
        if not texts:
            self.app.bell()
            return
        start = self._cursor_block() if self.cursor is None else self.cursor + delta
        block = skip_empty(texts, start, delta or 1)
        self.cursor = block
        self.show()
        self._pane.keep_in_view(block)

    def _cursor_block(self) -> int:
        """The paragraph cursor, or the first paragraph in view when there is none."""
        if self.cursor is not None:
            return self.cursor
        anchor = self._pane.top_anchor()
        return anchor[0] if anchor else 0

    def highlight(self, *, ask: bool) -> None:
        """Highlight the cursor's paragraph (asking for a note), or remove its highlight."""
        article, texts = self._pane.article, self._texts()
        if article is None or not texts:
            self.app.bell()
            return
        block = skip_empty(texts, self._cursor_block(), 1)
        marks = self.user.highlights.get(article.id, [])
        existing = [h for h in marks if in_block(h, block, texts)]
        if existing and not ask:
            self._remove_highlights(article.id, existing)
        elif not ask:
            self._add_highlight(article, block, None)
        else:
            from reader.ui.screens.dialogs import PromptScreen

            def noted(note: str | None) -> None:
                if note is not None:
                    self._add_highlight(article, block, note.strip() or None)

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
            self.writes.put(self.reindex)
        self.notify("Highlighted", timeout=2)
        self.show()

    def _remove_highlights(self, article_id: str, gone: list[Highlight]) -> None:
        kept = [h for h in self.user.highlights.get(article_id, []) if h not in gone]
        self.user.highlights[article_id] = kept
        for highlight in gone:
            self.writes.put(partial(self._remove_stored, highlight.uuid))
        if any(highlight.note for highlight in gone):
            self.writes.put(self.reindex)
        self.notify("Highlight removed", timeout=2)
        self.show()

    def _remove_stored(self, uuid: str) -> None:
        # A highlight made in this session is known by a draft id until its write is done.
        self.store.remove_highlight(self._saved_uuids.get(uuid, uuid))

    # --- notes and tags, edited on the file's current text --------------------------------

    def edit_note(self) -> None:
        """Open the note editor on the target article's note as the file holds it now."""
        if (meta := self._target_or_bell()) is None:
            return
        # Dialogs are imported when first opened: TextArea is slow to import at start-up.
        from reader.ui.screens.note_editor import NoteEditor

        base = self._current_note(meta.id)
        editor = NoteEditor(meta.title, base)
        self.app.push_screen(editor, lambda text: self._save_note(meta, base, text))

    def _current_note(self, article_id: str) -> str:
        """The note as the file holds it now (read again when another process changed it)."""
        if self.check_store():
            note = self.store.note_for(article_id)
            return note.text if note is not None else ""
        return self.user.notes.get(article_id, "")

    def _save_note(self, meta: ArticleMeta, base: str, text: str | None) -> None:
        if text is None or text == base:
            return
        if text.strip():
            self.user.notes[meta.id] = text
        else:
            self.user.notes.pop(meta.id, None)

        def save() -> None:
            saved = self.store.edit_note(meta.id, meta.path, meta.title, text, base=base)
            if (saved.text if saved is not None else "") != (text if text.strip() else ""):
                # Someone else changed the note meanwhile: both texts were kept; show that.
                self.post_message(self.StoreChanged(merged=True))

        self.writes.put(save)
        self.writes.put(self.reindex)
        self.notify("Note saved" if text.strip() else "Note removed", timeout=2)
        self.show()

    def edit_tags(self) -> None:
        """Ask for the target article's tags, starting from those the file holds now."""
        if (meta := self._target_or_bell()) is None:
            return
        from reader.ui.screens.dialogs import PromptScreen, TagSuggester

        tags = self._current_tags(meta.id)
        prompt = PromptScreen(
            "Tags (comma-separated)",
            # typing adds a tag after those there; deleting one removes it
            "".join(f"{tag}, " for tag in tags),
            hint="Enter saves and bookmarks the article · Esc cancels",
            suggester=TagSuggester(self.user.all_tags()),
            select=False,
        )
        self.app.push_screen(prompt, lambda value: self._set_tags(meta, tags, value))

    def _current_tags(self, article_id: str) -> tuple[str, ...]:
        """The bookmark's tags as the file holds them now."""
        if self.check_store():
            bookmark = self.store.bookmark_for(article_id)
            return bookmark.tags if bookmark is not None else ()
        return self.user.bookmarks.get(article_id, ())

    def _set_tags(self, meta: ArticleMeta, shown: tuple[str, ...], value: str | None) -> None:
        """Add the tags typed that were not shown and remove those deleted; others stay."""
        from reader.ui.screens.dialogs import split_tags

        if value is None:
            return
        typed = tuple(dict.fromkeys(split_tags(value)))
        added = [tag for tag in typed if tag not in shown]
        removed = [tag for tag in shown if tag not in typed]
        now = self.user.bookmarks.get(meta.id, ())
        tags = tuple(tag for tag in dict.fromkeys((*now, *added)) if tag not in removed)
        self.user.bookmarks = {**self.user.bookmarks, meta.id: tags}

        def save() -> None:
            self.store.add_bookmark_tags(meta.id, meta.path, meta.title, added)
            if removed:
                self.store.remove_bookmark_tags(meta.id, removed)

        self.writes.put(save)
        self.writes.put(self.reindex)
        self._refresh_marks()
