"""Watching a library's folders: a background thread says when files there were added or changed.

The OS's file notifications (inotify and its kin, through watchfiles) are used when they are
available; otherwise, or when they fail (too many folders for the inotify limit, a folder on a
network share), a light poll says "maybe changed" every `poll_interval` seconds instead, and
the incremental scan that follows finds what, if anything, did change.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from reader.sources import is_supported

POLL_INTERVAL = 30.0
"""Seconds between two "maybe changed" calls when notifications are not available."""
DEBOUNCE_MS = 800
"""A burst of changes (a feed refresh, a save) is reported once, this long after it settles."""

OnChange = Callable[[set[Path]], None]


def relevant(path: Path) -> bool:
    """Whether a change at `path` can change the library: an article file or a folder.

    Folders count (a folder moved in or out carries articles); temp files and other
    files next to the articles do not.
    """
    if path.name.startswith(".") and path.name != ".":
        return False
    return is_supported(path) or not path.suffix


class FolderWatcher:
    """Calls `on_change(paths)` from a background thread after files under `roots` change.

    `paths` is empty when the poll fallback is in use (it cannot tell what changed).
    """

    def __init__(
        self,
        roots: Sequence[Path],
        on_change: OnChange,
        *,
        poll_interval: float = POLL_INTERVAL,
        debounce_ms: int = DEBOUNCE_MS,
        notifications: bool = True,
    ) -> None:
        self.roots = [Path(root) for root in roots]
        self._on_change = on_change
        self._poll_interval = poll_interval
        self._debounce_ms = debounce_ms
        self._notifications = notifications
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.polling = False
        """True once the watcher fell back to polling."""
        self._files = [root for root in self.roots if root.is_file()]
        self.watching: frozenset[Path] = frozenset()
        """The folders (and file roots) watched now."""
        self.ready = threading.Event()
        """Set once the watcher runs (the OS watches are in place, or polling started)."""

    def start(self) -> None:
        """Start watching in a daemon thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="reader-watch", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop watching and wait (a little) for the thread to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        if self._notifications and self._watch():
            return
        self._poll()

    def _watch(self) -> bool:
        """Report changes from OS notifications; False when they are not available."""
        try:
            # Imported here: only the watcher thread pays for it, after the app has started.
            from watchfiles import watch
        except ImportError:
            return False
        while not self._stop.is_set():
            # Each folder is watched on its own, not the roots recursively: setting up a
            # recursive watch walks every file while holding the interpreter lock (0.14 s for
            # 20,000 files, a visible stall), where this walk shares it with the UI.
            known = set(folders(self.roots))
            self.watching = frozenset(known)
            if not known:
                return False
            try:
                changes = watch(
                    *sorted(known),
                    watch_filter=lambda _change, path: self._wanted(Path(path)),
                    debounce=self._debounce_ms,
                    stop_event=self._stop,
                    yield_on_timeout=True,
                    rust_timeout=1000,
                    raise_interrupt=False,
                    recursive=False,
                )
                for batch in changes:
                    self.ready.set()
                    paths = {Path(path) for _change, path in batch}
                    if paths:
                        self._on_change(paths)
                    if any(_folder_came_or_went(path, known) for path in paths):
                        break  # watch the new set of folders
            # Notifications that cannot be set up or that break (an inotify limit, a vanished
            # folder) leave the poll to do the job.
            except (OSError, RuntimeError):
                return self._stop.is_set()
        return True

    def _wanted(self, path: Path) -> bool:
        """Whether a change at `path` is in the library (a file root's neighbours are not)."""
        if not relevant(path):
            return False
        return any(path == root or path.is_relative_to(root) for root in self.roots) and (
            path in self.roots or not any(path.parent == root.parent for root in self._files)
        )

    def _poll(self) -> None:
        self.polling = True
        self.ready.set()
        while not self._stop.wait(self._poll_interval):
            self._on_change(set())


def folders(roots: Sequence[Path]) -> list[Path]:
    """Every folder under `roots` (hidden ones left out), and the folders of file roots.

    A file root is watched through its folder: an editor that saves by writing a new file
    and renaming it over the old one would leave a watch on the file itself behind.
    """
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root.parent)
            continue
        for folder, subfolders, _files in os.walk(root):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            found.append(Path(folder))
    return found


def _folder_came_or_went(path: Path, known: set[Path]) -> bool:
    """Whether a change made a new folder, or removed a watched one."""
    return not path.exists() if path in known else path.is_dir()
