"""User settings in config.toml: tolerant loading, atomic saving."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from reader import paths
from reader.files import atomic_write_text, read_text

CONFIG_LIMIT = 1024 * 1024
"""The largest settings file read, in bytes."""

SORT_ORDERS = ("date", "title")


@dataclass(frozen=True, slots=True)
class Config:
    """Settings the user can change; unknown keys in the file are ignored."""

    theme: str = "textual-dark"
    """The Textual theme, remembered across runs."""
    sort: str = "date"
    """Article list order: "date" (newest first) or "title"."""
    measure: int = 72
    """Width of the reading column, in cells."""
    review_per_day: int = 5
    """Highlights offered by the daily review each day."""
    keys_preset: str = "vim"
    """The ready-made key set: "vim" or "newsboat"."""
    keys: dict[str, str] = field(default_factory=dict)
    """The `[keys]` table: action id ("main.links") -> keys ("L" or "ctrl+l,L")."""
    sync_folder: str = ""
    """A folder shared with other machines by a file-sync tool; empty: no sync."""
    refresh_minutes: int = 30
    """Minutes between two feed refreshes while the app is open (0: none)."""
    refresh_on_start: bool = True
    """Refresh the feeds in the background when the app opens."""


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A config plus the one-line warning to show when the file could not be read."""

    config: Config
    warning: str | None = None


def load(path: Path | None = None) -> LoadedConfig:
    """Read config.toml; a missing file gives defaults, a bad one defaults plus a warning."""
    path = path or paths.config_file()
    try:
        text = read_text(path, CONFIG_LIMIT)
    except FileNotFoundError:
        return LoadedConfig(Config())
    except (OSError, UnicodeDecodeError) as error:
        return LoadedConfig(Config(), f"{path}: unreadable settings, using defaults ({error})")
    # Imported only when there is a file to parse: it costs milliseconds at start-up.
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return LoadedConfig(Config(), f"{path}: unreadable settings, using defaults ({error})")
    return LoadedConfig(_from_mapping(raw))


def _from_mapping(raw: dict[str, object]) -> Config:
    config = Config()
    for spec in fields(Config):
        value = raw.get(spec.name)
        default = getattr(config, spec.name)
        # bool is an int in Python: a `true` must not pass for a number, nor 1 for a switch.
        same_kind = isinstance(value, bool) == isinstance(default, bool)
        if isinstance(value, type(default)) and same_kind:
            config = replace(config, **{spec.name: value})
    if config.sort not in SORT_ORDERS:
        config = replace(config, sort="date")
    if not 20 <= config.measure <= 200:
        config = replace(config, measure=72)
    if not 1 <= config.review_per_day <= 100:
        config = replace(config, review_per_day=5)
    # Checked when applied (reader.ui.keymap), where a bad entry is one warning line.
    config = replace(config, keys={str(k): v for k, v in config.keys.items()})
    if not 0 <= config.refresh_minutes <= 7 * 24 * 60:
        config = replace(config, refresh_minutes=30)
    return config


def _quoted(value: str) -> str:
    """A TOML basic string (control characters escaped, so the file stays one valid line)."""
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _to_toml(config: Config) -> str:
    lines = ["# reader settings"]
    tables: list[str] = []
    for key, value in asdict(config).items():
        if isinstance(value, dict):
            tables += [
                "",
                f"[{key}]",
                *(f"{_quoted(k)} = {_quoted(str(v))}" for k, v in value.items()),
            ]
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, str):
            lines.append(f"{key} = {_quoted(value)}")
        else:
            lines.append(f"{key} = {value}")
    return "\n".join([*lines, *tables]) + "\n"


def save(config: Config, path: Path | None = None) -> None:
    """Write config.toml atomically (a symlinked file stays a symlink)."""
    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, _to_toml(config))
