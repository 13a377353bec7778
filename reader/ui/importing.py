"""The palette's "Import from a file…" and "Fetch imported links": `reader import` and
`reader fetch` in a worker, with a one-line outcome and the list brought up to date."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reader.sanitize import safe_line

if TYPE_CHECKING:
    from reader.library import Library
    from reader.store import Store
    from reader.ui.app import ReaderApp
    from reader.ui.screens.main import MainScreen

IMPORT_HINT = "An export file: Pocket, Instapaper, wallabag, Omnivore, browser bookmarks…"


@dataclass
class ImportDone:
    """An import or a fetch finished: one line each for what came in, and for failures."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wrote: bool = False


class Importing:
    """Runs imports and fetches off the UI thread, on their own store and library objects
    (as another process would), so the app sees their writes as it sees any other."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen

    def ask(self) -> None:
        """Ask for the export file's path, then import it in the background."""
        from reader.ui.screens.dialogs import PromptScreen

        prompt = PromptScreen("Import from a file", hint=IMPORT_HINT)
        self._screen.app.push_screen(prompt, self._answered)

    def _answered(self, value: str | None) -> None:
        typed = (value or "").strip()
        if typed:
            self._screen.activity = f"importing {safe_line(Path(typed).name)} …"
            self._screen.show_count()
            self._screen.run_worker(lambda: self._import(typed), thread=True, group="import")

    def fetch(self) -> None:
        """Fetch the pages of imported links in the background."""
        self._screen.activity = "fetching imported links …"
        self._screen.show_count()
        self._screen.run_worker(self._fetch, thread=True, exclusive=True, group="fetch")

    def _import(self, typed: str) -> None:
        from reader.imports.pipeline import choose_format, import_source
        from reader.imports.source import SourceError, open_source

        done = ImportDone()
        try:
            source = open_source(Path(typed).expanduser())
            form = choose_format(source, None)
            if form.name == "reader":
                raise SourceError("a reader export: restore it with `reader import FILE`")
            with self._library() as library, self._store() as store:
                folder = self._folder()
                report = import_source(source, form, library=library, store=store, folder=folder)
            done.wrote = report.imported > 0
            done.lines.append(
                f"{safe_line(Path(typed).name)} ({form.name}): {report.imported} imported, "
                f"{report.duplicates} already there, {len(report.skipped)} skipped"
            )
        # A file no one foresaw must not take the app down with it: one line instead.
        except Exception as error:
            done.errors.append(f"{safe_line(Path(typed).name)}: {safe_line(error)}")
        self._screen.app.call_from_thread(self.take, done)

    def _fetch(self) -> None:
        from reader.imports.fetching import fetch_pending

        done = ImportDone()
        try:
            outcome = fetch_pending()
        except Exception as error:
            done.errors.append(safe_line(error) or type(error).__name__)
        else:
            done.wrote = outcome.fetched > 0
            done.lines.append(
                f"Fetched {outcome.fetched} pages, {len(outcome.failures)} failed, "
                f"{outcome.left} still to fetch"
            )
        self._screen.app.call_from_thread(self.take, done)

    def _folder(self) -> Path:
        from reader import paths

        return paths.user_library_dir()

    def _library(self) -> Library:
        from reader.library import Library

        return Library([self._folder()], processes=0)

    def _store(self) -> AbstractContextManager[Store]:
        from reader.store import Store

        store = cast("ReaderApp", self._screen.app).store
        # The app's own store object would not see its own writes as news: open another.
        return Store.open(store.path) if store.path is not None else nullcontext(store)

    def take(self, done: ImportDone) -> None:
        """Say how it went, then rescan so new articles are listed and marks shown."""
        screen = self._screen
        screen.activity = ""
        screen.show_count()
        for line in done.lines:
            screen.notify(line, title="Import", timeout=8)
        for error in done.errors:
            screen.notify(error, title="Could not import", severity="error", timeout=10)
        if done.wrote:
            screen.keeper.scan()
            screen.annotator.check_store()
