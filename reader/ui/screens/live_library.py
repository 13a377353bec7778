"""The library kept live: files added or changed on disk show in the list and the open article."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.screen import Screen

from reader import paths, samples
from reader.store import Position, Store
from reader.ui.userdata import restore_block
from reader.watch import FolderWatcher

if TYPE_CHECKING:
    from reader.library import Library
    from reader.ui.store_writes import WriteQueue
    from reader.ui.widgets.reading_pane import ReadingPane


class LiveLibraryScreen(Screen[None]):
    """Rescans in the background when the library's folders change, then refreshes in place.

    The list follows from the scan; the open article is read again when its file changed,
    and shown at the paragraph (and line within it) that was at the top of the pane.
    """

    if TYPE_CHECKING:
        library: Library
        opened_id: str | None
        reading_pane: ReadingPane
        store: Store
        writes: WriteQueue

        def scan(self) -> Any: ...
        def _load(self, article_id: str) -> Any: ...
        def reload_user_data(self) -> None: ...

    @dataclass
    class LibraryChanged(Message):
        """Files under the library's folders changed (empty `paths`: maybe, from the poll)."""

        paths: set[Path]

        def can_replace(self, message: Message) -> bool:
            # one rescan covers any number of changes
            return isinstance(message, LiveLibraryScreen.LibraryChanged)

    _watcher: FolderWatcher | None = None
    _keep_place: tuple[str, Position, int] | None = None
    _gone_told: str | None = None

    def start_library_watch(self) -> None:
        """Watch the library's folders from now on (once)."""
        if self._watcher is None:
            self._watcher = FolderWatcher(self.library.roots, self._files_changed)
            self._watcher.start()

    def _files_changed(self, paths: set[Path]) -> None:
        # In the watcher's thread: post_message is the thread-safe way in.
        self.post_message(self.LibraryChanged(paths))

    def on_live_library_screen_library_changed(self, _message: LibraryChanged) -> None:
        self.scan()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def on_main_screen_scan_finished(self, _message: Any) -> None:
        self.refresh_open_article()

    def refresh_open_article(self) -> None:
        """Read the open article again if the scan found its file changed, keeping the place."""
        pane, article = self.reading_pane, self.reading_pane.article
        if article is None or article.id != self.opened_id or not article.meta.path:
            return
        now_id = self.library.id_at(Path(article.meta.path))
        meta = self.library.get(now_id) if now_id is not None else None
        if meta is None:  # gone or unreadable now: keep showing what was read, and say so
            if self._gone_told != article.id:
                self._gone_told = article.id
                self.notify(
                    "The open article's file is gone or unreadable: it stays shown as it was",
                    severity="warning",
                    timeout=6,
                )
            return
        if now_id == article.id and (meta.size, meta.mtime_ns) == (
            article.meta.size,
            article.meta.mtime_ns,
        ):
            return
        anchor = pane.top_anchor()
        if anchor is not None:
            block, offset = anchor
            text = article.blocks[block].text if 0 <= block < len(article.blocks) else ""
            self._keep_place = (meta.id, Position.at(block, text), offset)
        self.opened_id = meta.id
        self._load(meta.id)

    def on_main_screen_article_loaded(self, message: Any) -> None:
        # Runs after the user-data screen's handler, which goes to the stored position.
        keep, self._keep_place = self._keep_place, None
        article = message.article
        if keep is None or keep[0] != article.id or self.reading_pane.article is not article:
            return
        _, position, offset = keep
        texts = [block.text for block in article.blocks]
        self.reading_pane.scroll_to_block(restore_block(texts, position), offset)

    # --- the sample articles ----------------------------------------------------------------

    def action_remove_samples(self) -> None:
        """Ask, then take the bundled samples (and what was written on them) out of the library."""
        root = paths.sample_data_dir().resolve()
        if root not in self.library.roots:
            self.notify("The sample articles are not in this library", timeout=4)
            return
        from reader.ui.screens.dialogs import ConfirmScreen

        question = (
            "Remove the sample articles from your library? Your bookmarks, notes and "
            "highlights on them go with them."
        )
        self.app.push_screen(
            ConfirmScreen(question), lambda yes: self._remove_samples(root) if yes else None
        )

    def _remove_samples(self, root: Path) -> None:
        try:
            samples.mark_removed()
        except OSError as error:
            self.notify(f"Could not remove the samples: {error}", severity="error")
            return
        # The scan drops every article no longer under the library's folders.
        self.library.roots = tuple(folder for folder in self.library.roots if folder != root)
        self.writes.put(lambda: samples.forget_annotations(self.store, root))
        self.reload_user_data()
        self.scan()
        self.notify("The sample articles were removed", timeout=4)
