"""The help's key tables and how keys are spelt for people, from the action registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reader.ui.actions import ACTIONS, PALETTE_HEADING, SECTIONS, Action, with_keys


def keys_in_force(action: Action, keymap: Mapping[str, str]) -> str:
    """The keys of an action as the help shows them ("" when it has none), under `keymap`."""
    keys = keymap.get(action.id) or action.all_keys
    return " ".join(key_label(key) for key in _split(keys))


KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "down": "↓",
    "up": "↑",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "f1": "F1",
}
"""How the help spells Textual's key names that are not what the key shows."""


def key_label(key: str) -> str:
    """A key as the help shows it: "ctrl+down" -> "ctrl+↓", "question_mark" -> "?"."""
    *modifiers, name = key.split("+")
    return "+".join([*modifiers, KEY_NAMES.get(name, name)])


def _split(keys: str) -> list[str]:
    return [key for key in keys.split(",") if key]


@dataclass(frozen=True)
class HelpRow:
    """One line of a key table: the keys of one or more actions and what they do."""

    keys: tuple[str, ...]
    aliases: tuple[str, ...]
    text: str
    section: str

    def markdown(self) -> str:
        """The table row: keys in code spans, then the text with its aliases."""
        keys = " ".join(f"`{key_label(key)}`" for key in self.keys)
        also = " ".join(f"`{key_label(key)}`" for key in self.aliases)
        return f"| {keys} | {self.text}{f' (also {also})' if also else ''} |"


def _row(members: list[Action]) -> HelpRow:
    """The row of actions that share it: the one with help text leads and lends its keys first."""
    lead = next((action for action in members if action.help), members[0])
    ordered = [lead, *(action for action in members if action is not lead)]
    keys = dict.fromkeys(key for action in ordered for key in _split(action.keys))
    aliases = dict.fromkeys(key for action in ordered for key in _split(action.aliases))
    return HelpRow(tuple(keys), tuple(aliases), lead.help or lead.tooltip, lead.section)


def help_rows(registry: tuple[Action, ...] = ACTIONS) -> list[HelpRow]:
    """Every key table row, in registry order of each row's first action."""
    groups: dict[str, list[Action]] = {}
    for action in registry:
        if action.keys:
            groups.setdefault(f"row:{action.row}" if action.row else action.id, []).append(action)
    return [_row(members) for members in groups.values()]


def _table(heading: str, lines: list[str]) -> str:
    return "\n".join([f"## {heading}", "", "| Key | What it does |", "| :-- | :-- |", *lines])


def help_tables(keymap: Mapping[str, str] | None = None) -> str:
    """The help's key tables as Markdown, with the keys of `keymap` in force: a table per
    section, then a list of the actions only the palette offers, by their palette titles."""
    rows = help_rows(with_keys(keymap) if keymap else ACTIONS)
    tables = [
        _table(heading, [row.markdown() for row in rows if row.section == section])
        for section, heading in SECTIONS.items()
    ]
    only = [f"- **{a.palette}**: {a.tooltip}" for a in ACTIONS if a.palette and not a.keys]
    return "\n\n".join([*tables, "\n".join([f"## {PALETTE_HEADING}", "", *only])])
