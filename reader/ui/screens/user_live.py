"""The user's data kept live: outside writes are noticed, and notes and tags merge, never replace.

Other processes (the CLI, a feed refresh, a second app) write the same store file while the app
is open. So the app polls the file, reloads its copy when another process changed it, opens the
note editor and the tag prompt on the file's current text, and saves edits as merges.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message
from textual.timer import Timer

from reader.models import ArticleMeta
from reader.store import Store
from reader.ui.screens.live_library import LiveLibraryScreen
from reader.ui.userdata import UserCache

if TYPE_CHECKING:
    from reader.ui.store_writes import WriteQueue
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.reading_pane import ReadingPane

STORE_POLL = 1.5
"""Seconds between two checks of whether another process changed the store file."""


class LiveUserDataScreen(LiveLibraryScreen):
    """Reloads the user's data when the store file changes; edits notes and tags by merging."""

    STORE_POLL: ClassVar[float] = STORE_POLL

    if TYPE_CHECKING:
        store: Store
        user: UserCache
        writes: WriteQueue
        view: str | None
        article_list: ArticleList
        reading_pane: ReadingPane

        def _target(self) -> ArticleMeta | None: ...
        def _show_user_data(self, *, restore: bool = False) -> None: ...
        def _refresh_marks(self) -> None: ...
        def reindex_user_text(self) -> None: ...
        def show_view(self) -> None: ...
        def refresh_search(self) -> None: ...

    @dataclass
    class UserDataReloaded(Message):
        """The store was read again after a change; `queued` is the write count it saw."""

        cache: UserCache
        queued: int

    @dataclass
    class StoreChanged(Message):
        """A write found that another process had changed the store (`merged`: our note)."""

        merged: bool = False

    _store_timer: Timer | None = None
    _reloading = False
    _seen: tuple[int, int, int] | None = None
    """The store file (inode, size, mtime) as this screen's copy last took it in."""

    def start_store_watch(self) -> None:
        """Start checking, on a light timer, whether another process changed the store."""
        self._seen = self._signature()
        self._store_timer = self.set_interval(self.STORE_POLL, self.check_store)

    def _signature(self) -> tuple[int, int, int] | None:
        path = self.store.path
        try:
            info = os.stat(path) if path is not None else None
        except OSError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns) if info else None

    def outside_change(self) -> bool:
        """Whether the store file changed since this screen's copy took it in (any thread).

        Two signs, as either alone can miss one: the store's own (reset by any read, such
        as a search's), and the file's identity as last seen here (every save replaces it).
        """
        return self.store.changed() or self._signature() != self._seen

    def after_write(self, outside: bool) -> None:
        """After a queued write (in its thread): take in the file it left; reload if needed."""
        self._seen = self._signature()
        if outside:
            # Posted, not called: the UI thread may be waiting for this write (at quit).
            self.post_message(self.StoreChanged())

    def check_store(self) -> bool:
        """Reload the user's data if the store file changed; True when a reload was started.

        A stat of the file, cheap enough for the UI thread; the reading happens in the
        store-write worker, after every write already queued.
        """
        if not self.user.loaded or not self.outside_change():
            return False
        self.reload_user_data()
        return True

    def reload_user_data(self) -> None:
        """Read the store again once the writes queued so far are done, then show it."""
        if self._reloading:
            return
        self._reloading = True
        queued = self.writes.queued + 1  # counting this job

        def reload() -> None:
            try:
                self._seen = self._signature()
                cache = UserCache.load(self.store)
            finally:
                self._reloading = False
            self.post_message(self.UserDataReloaded(cache, queued))

        self.writes.put(reload, watch=False)

    def on_live_user_data_screen_user_data_reloaded(self, message: UserDataReloaded) -> None:
        if self.writes.queued != message.queued:
            # Changes made since the reload was queued are not in what it read: read again
            # after them rather than show a copy that lacks them.
            self.reload_user_data()
            return
        old, self.user = self.user, message.cache
        self.article_list.markers = self.user.marker
        if self.view is not None:
            self.show_view()
        query = getattr(self, "search_query", "").lower()
        if any(prefix in query for prefix in ("is:", "has:")):
            self.refresh_search()  # results filtered by reading state or annotations
        self._refresh_marks()
        if (old.notes, old.bookmarks) != (self.user.notes, self.user.bookmarks):
            self.writes.put(self.reindex_user_text)

    # --- notes ------------------------------------------------------------------------------

    def _current_note(self, article_id: str) -> str:
        """The note as the file holds it now (read again when another process changed it)."""
        if self.check_store():
            note = self.store.note_for(article_id)
            return note.text if note is not None else ""
        return self.user.notes.get(article_id, "")

    def action_edit_note(self) -> None:
        if (meta := self._target()) is None:
            self.app.bell()
            return
        # Dialogs are imported when first opened: TextArea is slow to import at start-up.
        from reader.ui.screens.note_editor import NoteEditor

        base = self._current_note(meta.id)
        editor = NoteEditor(meta.title, base)
        self.app.push_screen(editor, lambda text: self._save_note(meta, base, text))

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
        self.writes.put(self.reindex_user_text)
        self.notify("Note saved" if text.strip() else "Note removed", timeout=2)
        self._show_user_data()

    def on_live_user_data_screen_store_changed(self, message: StoreChanged) -> None:
        if message.merged:
            self.notify("The note was also changed elsewhere: both versions were kept", timeout=4)
        self.reload_user_data()

    # --- tags -------------------------------------------------------------------------------

    def _current_tags(self, article_id: str) -> tuple[str, ...]:
        """The bookmark's tags as the file holds them now."""
        if self.check_store():
            bookmark = self.store.bookmark_for(article_id)
            return bookmark.tags if bookmark is not None else ()
        return self.user.bookmarks.get(article_id, ())

    def action_edit_tags(self) -> None:
        if (meta := self._target()) is None:
            self.app.bell()
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
        self.writes.put(self.reindex_user_text)
        self._refresh_marks()
