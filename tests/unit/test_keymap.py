"""Keymaps: key names, presets, the user's [keys] over them, and bad entries told in one line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import config, paths
from reader.ui import help_keys
from reader.ui.keymap import PRESETS, build, key_name, rebindable


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("L", "L"),
        ("?", "question_mark"),
        ("]", "right_square_bracket"),
        ("ctrl+l", "ctrl+l"),
        ("Ctrl+Shift+Up", "ctrl+shift+up"),
        ("F5", "f5"),
        ("question_mark", "question_mark"),
        ("pagedown", "pagedown"),
        ("ctrl+", None),
        ("bananas", None),
        ("cmd+x", None),
        (" ", None),
        ("\x1b", None),
        ("", None),
    ],
)
def test_key_names(typed: str, name: str | None) -> None:
    assert key_name(typed) == name


def test_the_vim_preset_is_the_registry() -> None:
    keymap = build("vim", {})
    assert keymap.keys == {} and keymap.warning is None


def test_every_preset_entry_is_a_rebindable_action_with_good_keys() -> None:
    known = rebindable()
    for preset in PRESETS.values():
        for action_id, keys in preset.items():
            assert action_id in known
            assert all(key_name(key) == key for key in keys.split(","))


def test_the_user_entries_go_over_the_preset() -> None:
    keymap = build("newsboat", {"main.links": "ctrl+l, L", "app.quit": "ctrl+q"})
    assert keymap.keys["main.links"] == "ctrl+l,L"
    assert keymap.keys["app.quit"] == "ctrl+q"
    assert keymap.keys["main.toggle-read"] == "N"
    assert keymap.warning is None


def test_bad_entries_are_one_warning_line_and_left_out() -> None:
    keymap = build(
        "emacs",
        {"main.nope": "x", "main.links": 5, "main.stats": "ctrl+bananas", "main.review": "V"},
    )
    assert keymap.keys == {"main.review": "V"}
    assert keymap.warning is not None and "\n" not in keymap.warning
    for said in ("emacs", "main.nope", "main.links", "and 1 more"):
        assert said in keymap.warning


def test_the_palette_key_is_textuals_own() -> None:
    keymap = build("vim", {"app.command-palette": "ctrl+k"})
    assert keymap.keys == {} and keymap.warning is not None


@given(st.dictionaries(st.text(max_size=20), st.one_of(st.text(max_size=20), st.integers())))
def test_any_table_builds(entries: dict[str, object]) -> None:
    keymap = build("vim", entries)
    for action_id, keys in keymap.keys.items():
        assert action_id in rebindable() and keys
    assert keymap.warning is None or "\n" not in keymap.warning


def test_help_tables_show_the_keys_in_force() -> None:
    tables = help_keys.help_tables({"main.links": "ctrl+l"})
    row = next(line for line in tables.splitlines() if "Link list" in line)
    assert row.startswith("| `ctrl+l` |")
    assert "| `L` |" not in tables.split("Link list")[0].splitlines()[-1]


def test_keys_round_trip_through_config_toml() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'keys_preset = "newsboat"\n[keys]\n"main.links" = "ctrl+l"\n"x" = 3\n', encoding="utf-8"
    )
    loaded = config.load().config
    assert loaded.keys_preset == "newsboat"
    assert loaded.keys == {"main.links": "ctrl+l", "x": 3}
    config.save(loaded)
    again = config.load().config
    assert again.keys == {"main.links": "ctrl+l", "x": "3"}


def test_a_keys_entry_that_is_not_a_table_is_ignored() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('keys = "vim"\nreview_per_day = 500\n', encoding="utf-8")
    loaded = config.load()
    assert loaded.config.keys == {} and loaded.config.review_per_day == 5
