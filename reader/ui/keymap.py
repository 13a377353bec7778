"""The keys in force: a ready-made preset (`keys_preset`) with the user's `[keys]` over it.

Both map action ids of the registry ("main.links") to Textual key names, comma-separated
("L" or "ctrl+l,L"); an entry replaces every key of that action, as Textual's keymap does.
Entries that cannot be used (an unknown action or preset, a key Textual has no name for) are
left out and told in one warning line, so a typo never stops the app.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

from reader.ui import actions

PRESETS: dict[str, dict[str, str]] = {
    "vim": {},
    # Newsboat's own keys where reader has the same action: N toggles read, ^B bookmarks,
    # J/K step through articles, R reloads the feeds and ^R the library, q goes back and Q
    # quits. `o` (browser) and `/` (search) are the same in both.
    "newsboat": {
        "main.toggle-read": "N",
        "main.prev-match": "P",
        "main.toggle-bookmark": "ctrl+b,b",
        "main.next-article": "J,right_square_bracket",
        "main.prev-article": "K,left_square_bracket",
        "main.refresh-feeds": "R,r",
        "main.rescan": "ctrl+r",
        "main.back": "escape,q",
        "app.quit": "Q",
    },
}
"""Ready-made key sets by name; "vim" is the registry's own keys."""

DEFAULT_PRESET = "vim"
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | {"space", "enter", "tab", "escape", "backspace", "delete", "insert", "home", "end"}
    | {"pageup", "pagedown", "up", "down", "left", "right"}
    | {f"f{n}" for n in range(1, 25)}
)
"""Names Textual gives keys that type no character."""


@dataclass(frozen=True)
class Keymap:
    """The keymap to give Textual, and the one warning line about entries left out."""

    keys: dict[str, str] = field(default_factory=dict)
    """Action id -> keys in Textual's long names ("question_mark", not "?")."""
    warning: str | None = None


def key_name(key: str) -> str | None:
    """A key as Textual names it ("?" -> "question_mark", "ctrl+X" kept), or None if it is
    not a key Textual knows."""
    *modifiers, name = key.strip().split("+")
    if any(m.lower() not in MODIFIERS for m in modifiers) or not name:
        return None
    if len(name) == 1:
        if not name.isprintable() or name.isspace():
            return None
        if not name.isalnum():
            try:
                name = unicodedata.name(name).lower().replace("-", "_").replace(" ", "_")
            except ValueError:
                return None
            name = KEY_NAME_REPLACEMENTS.get(name, name)
    elif name.lower() in NAMED_KEYS:
        name = name.lower()
    elif key_to_character(name) is None:
        return None
    return "+".join([*(m.lower() for m in modifiers), name])


def _keys(value: object) -> str | None:
    """The keys of one entry in long names, or None when any of them is not a key."""
    if not isinstance(value, str) or not value.strip():
        return None
    names = [key_name(part) for part in value.split(",")]
    if any(name is None for name in names):
        return None
    return ",".join(dict.fromkeys(name for name in names if name))


def rebindable() -> dict[str, actions.Action]:
    """The actions a keymap may give keys to, by id (Textual binds the palette's key itself)."""
    return {a.id: a for a in actions.ACTIONS if a.keys and not a.bound_by_textual}


def build(preset: str, user: Mapping[str, object]) -> Keymap:
    """The keymap of `preset` with the user's entries over it; bad entries told, not used."""
    problems: list[str] = []
    if preset not in PRESETS:
        problems.append(f"unknown keys_preset {preset!r} (vim or newsboat)")
        preset = DEFAULT_PRESET
    known = rebindable()
    keys = dict(PRESETS[preset])
    for action_id, value in user.items():
        if action_id not in known:
            problems.append(f"no action {action_id!r}")
        elif (parsed := _keys(value)) is None:
            problems.append(f"{action_id}: {value!r} is not a key")
        else:
            keys[action_id] = parsed
    warning = None
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        warning = f"config.toml [keys]: {shown}; those keys are the defaults"
    return Keymap(keys, warning)
