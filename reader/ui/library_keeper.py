"""The library kept fresh for the main screen: background scans, the search index, file changes.

Scans and index updates run in thread workers and report back by messages, which the screen
hands to `LibraryKeeper.take`. Files added or changed on disk start a rescan; the open article
is read again when its file changed, and shown at the place that was at the top of the pane.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from reader import paths, samples
from reader.models import Article, ScanProgress, ScanResult
from reader.store import Position, StoreError
from reader.ui.user_data import restore_block
from reader.watch import FolderWatcher

if TYPE_CHECKING:
    from reader.search import SearchIndex
    from reader.ui.screens.main import MainScreen

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress updates, so a big scan does not flood the UI."""


class LibraryKeeper:
    """Keeps the catalog, the search index and the open article in step with the files."""

    class News(Message):
        """Something happened to the library; the screen passes it to `take`."""

    @dataclass
    class ScanProgressed(News):
        """A background scan got further."""

        progress: ScanProgress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LibraryKeeper.ScanProgressed)

    @dataclass
    class ScanFinished(News):
        """A background scan is done (`result` is None when it failed; `error` says why)."""

        result: ScanResult | None
        error: str = ""

    @dataclass
    class IndexProgressed(News):
        """The search index update got further."""

        progress: ScanProgress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LibraryKeeper.IndexProgressed)

    @dataclass
    class IndexSynced(News):
        """The search index caught up with the catalog (`error` says why it could not)."""

        error: str = ""

    @dataclass
    class LibraryChanged(News):
        """Files under the library's folders changed (empty `paths`: maybe, from the poll)."""

        paths: set[Path]

        def can_replace(self, message: Message) -> bool:
            # one rescan covers any number of changes
            return isinstance(message, LibraryKeeper.LibraryChanged)

    def __init__(
        self,
        screen: MainScreen,
        index: SearchIndex | Callable[[], SearchIndex] | None,
        *,
        scan: bool = True,
    ) -> None:
        self._screen = screen
        self._scan_when_shown = scan
        self._index_opener = index if callable(index) else None
        self._index = None if callable(index) else index
        self._index_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self.scanning = ""
        """How far the running scan got, for the count line ("" when none runs)."""
        self.indexing = ""
        """How far the running index update got, for the count line."""
        self.watcher: FolderWatcher | None = None
        """Watches the library's folders once the first scan has started."""
        self._open_after_scan: Path | None = None
        self._notified_problems: frozenset[str] = frozenset()
        self._keep_place: tuple[str, Position, int] | None = None
        self._gone_told: str | None = None

    @property
    def index(self) -> SearchIndex | None:
        """The full-text index searched by the bar (None: search is unavailable).

        Given an opener, the index is opened on first use: by the background scan after the
        first frame, or by the first search, so start-up does not pay for the engine.
        """
        if self._index is None and self._index_opener is not None:
            with self._index_lock:
                if self._index is None:
                    self._index = self._index_opener()
        return self._index

    # --- scanning -------------------------------------------------------------------------

    def first_frame_shown(self) -> None:
        """Start the background scan, if asked to, now that the first frame is on screen.

        Not sooner: the scan's thread shares the interpreter lock and would delay that frame.
        """
        if self._scan_when_shown:
            self._scan_when_shown = False
            self.scan()
            self.start_watch()

    def scan(self) -> None:
        """Bring the catalog up to date in a thread worker, then the notes and the index."""
        self._screen.run_worker(self._scan, thread=True, exclusive=True, group="scan")

    def _scan(self) -> None:
        """Scan, re-link and sync the index through the one core refresh (in a thread)."""
        from reader.refresh import refresh  # the scan runs after the first frame

        screen, post = self._screen, self._screen.post_message
        post(self.ScanProgressed(ScanProgress(0, 0)))
        scanned: list[ScanResult | None] = []

        def tell_scanned(result: ScanResult | None) -> None:
            scanned.append(result)
            post(self.ScanFinished(result))  # the list shows new articles before the sync

        try:
            done = refresh(
                screen.library,
                store=screen.annotator.store,
                index=self.index if _engine_available() else None,  # opened on first use
                full=True,
                progress=_every(PROGRESS_INTERVAL, self.ScanProgressed, post),
                index_progress=_every(PROGRESS_INTERVAL, self.IndexProgressed, post),
                scanned=tell_scanned,
                relinked=self._relinked,  # markers follow before the index is synced
                lock=self._sync_lock,  # a saved note may ask for a sync at the same time
            )
        # A failed scan or update leaves the last catalog and index usable: say why in one line.
        except Exception as error:
            reason = str(error) or type(error).__name__
            post(self.IndexSynced(reason) if scanned else self.ScanFinished(None, reason))
            return
        if done.index is not None:
            post(self.IndexSynced())

    def _relinked(self, changed: int, error: StoreError | None) -> None:
        """Records the scan pointed at new ids: reload them; or say why they could not be."""
        screen = self._screen
        if error is not None:  # they stay as they are: the next scan tries again
            screen.app.call_from_thread(
                screen.notify, str(error), title="Could not update your notes", severity="error"
            )
        elif changed:
            screen.app.call_from_thread(screen.annotator.reload)

    def sync_index(self) -> None:
        """Bring the index up to date with the catalog and the user's texts (in a thread)."""
        if self.index is None:
            return
        try:
            sync = importlib.import_module("reader.search.sync")
        except ImportError:
            return
        post = self._screen.post_message
        try:
            from reader.annotations import user_texts

            texts = user_texts(self._screen.annotator.store)
            with self._sync_lock:  # the scan and a saved note may both ask for a sync
                report = _every(PROGRESS_INTERVAL, self.IndexProgressed, post)
                sync.sync_index(self._screen.library, self.index, report, user_texts=texts)
        # A failed update leaves the last index usable: say why in one line.
        except Exception as error:
            post(self.IndexSynced(str(error) or type(error).__name__))
            return
        post(self.IndexSynced())

    def open_after_scan(self, path: Path) -> None:
        """Open the article at this path once the next scan has listed it."""
        self._open_after_scan = path

    # --- news from the workers and the watcher --------------------------------------------

    def take(self, news: News) -> None:
        """Show what a worker or the watcher reported (on the UI thread)."""
        screen = self._screen
        if isinstance(news, self.ScanProgressed):
            self.scanning = _progress("scanning", news.progress, "counting files")
            screen.show_count()
        elif isinstance(news, self.ScanFinished):
            self.scanning = ""
            self._scan_finished(news)
        elif isinstance(news, self.IndexProgressed):
            self.indexing = _progress("indexing", news.progress, "starting")
            screen.show_count()
        elif isinstance(news, self.IndexSynced):
            self.indexing = ""
            self._index_synced(news)
        elif isinstance(news, self.LibraryChanged):
            self.scan()

    def _scan_finished(self, message: ScanFinished) -> None:
        self._screen.show_rows()
        self._open_pending()
        self.refresh_open_article()
        if message.result is None:
            self._screen.notify(message.error, title="Could not scan the library", severity="error")
        else:
            self._notify_problems(message.result)

    def _index_synced(self, message: IndexSynced) -> None:
        self._screen.show_count()
        if message.error:
            self._screen.notify(
                message.error, title="Could not update the search index", severity="error"
            )
        else:
            self._screen.search_bar.search()

    def _open_pending(self) -> None:
        screen, path = self._screen, self._open_after_scan
        # Not listed yet: a scan that began before the file was written finished first.
        if path is None or (article_id := screen.library.id_at(path)) is None:
            return
        self._open_after_scan = None
        if screen.search_bar.search_active or screen.view is not None:
            return  # the list shows results or a view the new article may not be in
        index = screen.article_list.rows.index_of(article_id)
        if index is not None:
            screen.article_list.cursor = index
            screen.open_article(article_id)

    def _notify_problems(self, result: ScanResult) -> None:
        paths_now = frozenset(problem.path for problem in result.problems)
        if paths_now and paths_now != self._notified_problems:
            count = len(paths_now)
            files = "file" if count == 1 else "files"
            self._screen.notify(
                f"{count} {files} could not be read: see `reader list`",
                severity="warning",
                timeout=6,
            )
        self._notified_problems = paths_now

    # --- watching the folders -------------------------------------------------------------

    def start_watch(self) -> None:
        """Watch the library's folders from now on (once)."""
        if self.watcher is None:
            self.watcher = FolderWatcher(self._screen.library.roots, self._files_changed)
            self.watcher.start()

    def stop_watch(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def _files_changed(self, paths: set[Path]) -> None:
        # In the watcher's thread: post_message is the thread-safe way in.
        self._screen.post_message(self.LibraryChanged(paths))

    def refresh_open_article(self) -> None:
        """Read the open article again if the scan found its file changed, keeping the place."""
        screen = self._screen
        pane, article = screen.reading_pane, screen.reading_pane.article
        if article is None or article.id != screen.opened_id or not article.meta.path:
            return
        now_id = screen.library.id_at(Path(article.meta.path))
        meta = screen.library.get(now_id) if now_id is not None else None
        if meta is None:  # gone or unreadable now: keep showing what was read, and say so
            if self._gone_told != article.id:
                self._gone_told = article.id
                screen.notify(
                    "The open article's file is gone or unreadable: it stays shown as it was",
                    severity="warning",
                    timeout=6,
                )
            return
        known = (article.id, article.meta.size, article.meta.mtime_ns)
        if (now_id, meta.size, meta.mtime_ns) == known:
            return
        anchor = pane.top_anchor()
        if anchor is not None:
            block, offset = anchor
            text = article.blocks[block].text if 0 <= block < len(article.blocks) else ""
            self._keep_place = (meta.id, Position.at(block, text), offset)
        screen.opened_id = meta.id
        screen.load_article(meta.id)

    def shown(self, article: Article) -> None:
        """The pane shows `article`: back at the place it had if it was read again."""
        # Runs after the Annotator's `shown`, which goes to the stored position.
        keep, self._keep_place = self._keep_place, None
        if keep is None or keep[0] != article.id:
            return
        _, position, offset = keep
        texts = [block.text for block in article.blocks]
        self._screen.reading_pane.scroll_to_block(restore_block(texts, position), offset)

    # --- the sample articles --------------------------------------------------------------

    def remove_samples(self) -> None:
        """Ask, then take the bundled samples (and what was written on them) out of the library."""
        screen, root = self._screen, paths.sample_data_dir().resolve()
        if root not in screen.library.roots:
            screen.notify("The sample articles are not in this library", timeout=4)
            return
        from reader.ui.screens.dialogs import ConfirmScreen

        question = (
            "Remove the sample articles from your library? Your bookmarks, notes and "
            "highlights on them go with them."
        )
        screen.app.push_screen(
            ConfirmScreen(question), lambda yes: self._remove_samples(root) if yes else None
        )

    def _remove_samples(self, root: Path) -> None:
        screen = self._screen
        try:
            samples.mark_removed()
        except OSError as error:
            screen.notify(f"Could not remove the samples: {error}", severity="error")
            return
        # The scan drops every article no longer under the library's folders.
        screen.library.roots = tuple(folder for folder in screen.library.roots if folder != root)
        annotator = screen.annotator
        annotator.writes.put(lambda: samples.forget_annotations(annotator.store, root))
        annotator.reload()
        self.scan()
        screen.notify("The sample articles were removed", timeout=4)


def _engine_available() -> bool:
    """Whether the search engine can be loaded (without it the app lists and reads only)."""
    try:
        importlib.import_module("reader.search.sync")
    except ImportError:
        return False
    return True


def _every(
    interval: float,
    message: Callable[[ScanProgress], Message],
    post: Callable[[Message], object],
) -> Callable[[ScanProgress], None]:
    """A progress callback that posts `message(progress)` at most once per `interval`."""
    last = 0.0

    def report(progress: ScanProgress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= interval:
            last = now
            post(message(progress))

    return report


def _progress(verb: str, progress: ScanProgress, starting: str) -> str:
    done = f"{progress.done}/{progress.total}" if progress.total else starting
    return f"{verb} {done}"
