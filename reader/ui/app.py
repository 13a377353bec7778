"""The reader Textual app: wires the services given by the caller to the screens."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from reader import config as settings
from reader.config import Config, LoadedConfig
from reader.library import Library
from reader.sanitize import safe_line, safe_text
from reader.store import Store
from reader.ui import actions
from reader.ui.incoming import FeedsOpener
from reader.ui.keymap import build as build_keymap
from reader.ui.screens.main import MainScreen
from reader.ui.sync_keeper import SyncKeeper

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.command import Provider

    from reader.search import SearchIndex


TEXTUAL_COMMANDS_HIDDEN = frozenset({"Keys", "Maximize", "Minimize", "Screenshot"})
"""Textual's own palette entries that do nothing for a reader: `?` lists the keys, the one-pane
layout already gives the article the whole terminal, and an SVG screenshot is for developers."""


def reader_commands() -> type[Provider]:
    """The palette's provider of reader's own actions, imported when the palette first opens."""
    from reader.ui.commands import ReaderCommands

    return ReaderCommands


class ReaderApp(App[None]):
    """Read a library of articles in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    # reader's provider lists Textual's own entries too, after reader's, in a fixed order.
    COMMANDS = {reader_commands}
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("app")

    def __init__(
        self,
        library: Library,
        config: Config | LoadedConfig | None = None,
        *,
        scan_on_start: bool = True,
        index: SearchIndex | Callable[[], SearchIndex] | None = None,
        store: Store | None = None,
        feeds: FeedsOpener | None = None,
    ) -> None:
        """Build the app around its services.

        Args:
            library: The articles to show.
            config: The user's settings (a `LoadedConfig` carries a warning to show).
            scan_on_start: Rescan the library folders in the background once shown.
            index: The library's full-text index, kept in step after each scan, or a function
                that opens it on first use (None: no search).
            store: The user's bookmarks, notes, highlights and reading state (None: in memory).
            feeds: Opens the feed subscriptions on first use (None: no feed refresh).
        """
        super().__init__()
        loaded = config if isinstance(config, LoadedConfig) else LoadedConfig(config or Config())
        self.library = library
        self.settings: Config = loaded.config
        """The current settings; changes are written to config.toml in the background."""
        self.scan_on_start = scan_on_start
        self.index = index
        self.store = store if store is not None else Store.in_memory()
        """The user's own data; the caller opens it and closes it after the app exits."""
        self.feeds = feeds
        self.today: Callable[[], date] = date.today
        """Today's date, for the daily review and the stats (tests fix it)."""
        self._config_warning = loaded.warning
        keymap = build_keymap(self.settings.keys_preset, self.settings.keys)
        self.keymap: dict[str, str] = keymap.keys
        """The keys in force that differ from the registry's, by action id."""
        self._keymap_warning = keymap.warning
        self._save_lock = threading.Lock()
        self._leaving = False
        self.sync_keeper = SyncKeeper(self, self.store, self.settings.sync_folder)
        """Syncs through the settings' sync folder, if one is set."""

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(
            self.library,
            sort=self.settings.sort,
            measure=self.settings.measure,
            scan=self.scan_on_start,
            index=self.index,
            store=self.store,
            feeds=self.feeds,
        )

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)
        if self.keymap:
            self.set_keymap(self.keymap)
        for warning in (self._config_warning, self._keymap_warning):
            if warning:
                self.notify(warning, title="Settings", severity="warning")
        for notice in self.store.notices:  # repairs and restores made while opening the store
            self.notify(notice, title="Your data", severity="warning", timeout=10)
        self.library.listen(self._cache_notice)  # a cache that cannot be written, say
        self.sync_keeper.start()

    def _cache_notice(self, notice: str) -> None:
        """Show trouble the library worked around; scans tell it from their worker thread."""
        show = partial(self.notify, notice, title="Cache", severity="warning", timeout=10)
        if threading.get_ident() == self._thread_id:
            show()
        else:
            self.call_from_thread(show)

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        self._leaving = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        # A key typed just after `q` must not open a screen while the app is closing: its
        # widgets would never be composed (`q n` crashed in the note editor).
        if self._leaving and isinstance(event, events.Key):
            return
        await super().on_event(event)

    def on_ready(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.keeper.first_frame_shown()

    def on_app_focus(self) -> None:
        """Coming back to the terminal: show what other processes wrote meanwhile."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.annotator.check_store()

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus reader's own, checked to stay readable in this theme."""
        from reader.ui.contrast import readable_variables

        variables = super().get_css_variables()
        return {**variables, **readable_variables(variables)}

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette entries that help a reader: the theme and quitting."""
        for command in super().get_system_commands(screen):
            if command.title not in TEXTUAL_COMMANDS_HIDDEN:
                yield command

    def action_help(self) -> None:
        """Show the key table, or close it when it is showing."""
        # Imported on first use: the Markdown widget is slow to import and not needed to start.
        from reader.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.keymap))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Show a notification; its text passes the one sanitiser and is never read as
        markup, as it often carries a title, a file name or a server's reason."""
        del markup  # no notification of this app uses markup: "[x]" in a name stays as it is
        super().notify(
            safe_text(message),
            title=safe_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _on_theme_changed(self, theme: Theme) -> None:
        self.update_settings(theme=theme.name)

    def on_main_screen_sort_changed(self, message: MainScreen.SortChanged) -> None:
        self.update_settings(sort=message.sort)

    def update_settings(self, **changes: str | int) -> None:
        """Change settings and save them to config.toml, off the UI thread."""
        updated = replace(self.settings, **changes)  # type: ignore[arg-type]
        if updated != self.settings:
            self.settings = updated
            self._save_settings()

    @work(thread=True, group="config")
    def _save_settings(self) -> None:
        # Under the lock the newest settings are written, so saves never go back in time.
        with self._save_lock:
            try:
                settings.save(self.settings)
            except OSError as error:
                self.call_from_thread(
                    self.notify, f"Could not save settings: {error}", severity="warning"
                )
