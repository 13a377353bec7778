"""Command palette provider: the registry's palette actions, found by fuzzy search."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.ui import actions, help_keys
from reader.ui.screens.main import MainScreen


def palette_entries(screen_scope: str) -> tuple[actions.Action, ...]:
    """The registry actions the palette offers over a screen of `screen_scope`, then the app's."""
    return actions.palette(screen_scope, "app")


class ReaderCommands(Provider):
    """Offers reader's own actions over the main screen, then Textual's (theme, quit).

    One provider lists both, so reader's own entries always come first.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        entries: list[tuple[str, str, Callable[[], Any]]] = []
        if isinstance(self.screen, MainScreen):
            run = self.screen.run_action
            keymap: dict[str, str] = getattr(self.app, "keymap", {})
            entries = [
                (a.palette, _described(a, keymap), partial(run, _target(a)))
                for a in palette_entries("main")
            ]
        system = self.app.get_system_commands(self.screen)
        return entries + [(c.title, c.help, c.callback) for c in system]

    async def discover(self) -> Hits:
        for title, text, run in self._commands():
            yield DiscoveryHit(title, run, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, run in self._commands():
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, help=text)


def _described(action: actions.Action, keymap: dict[str, str]) -> str:
    """The palette's help line: the tooltip, then the keys in force ("key: b")."""
    keys = help_keys.keys_in_force(action, keymap)
    return f"{action.tooltip} (key: {keys})" if keys else action.tooltip


def _target(action: actions.Action) -> str:
    """The action string as the screen runs it: the app's actions go through `app.`."""
    return f"app.{action.action}" if action.scope == "app" else action.action
