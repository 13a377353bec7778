"""Where reader keeps its files: data, cache and config dirs, with a READER_HOME override."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

APP_NAME = "reader"
HOME_ENV = "READER_HOME"
"""Set to a folder to keep data, cache and config all inside it (tests set this)."""


_XDG = {"data": ("XDG_DATA_HOME", ".local/share"), "cache": ("XDG_CACHE_HOME", ".cache")}
_XDG["config"] = ("XDG_CONFIG_HOME", ".config")


def _platform(kind: str) -> Path:
    """The platform's folder of this kind ("data", "cache", "config") for the app.

    On Linux the XDG rules are followed here, as platformdirs does: importing it costs
    about 10 ms, a tenth of a `reader search`. Elsewhere platformdirs decides.
    """
    if sys.platform.startswith("linux"):
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "").strip()
        return Path(base if base else Path.home() / default) / APP_NAME
    import platformdirs

    found: Path = getattr(platformdirs, f"user_{kind}_path")(APP_NAME)
    return found


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # Imported here: the store's errors are what every command reports in one line.
        from reader.store.errors import StoreError

        if isinstance(error, FileExistsError | NotADirectoryError):
            raise StoreError(f"{path} cannot be used: a file is in the way of a folder") from None
        raise StoreError(f"{path} cannot be used: {error.strerror or error}") from None
    return path


def data_dir() -> Path:
    """The folder for the user's own data (store, saved articles); created on access."""
    return _ensure(data_path())


def data_path() -> Path:
    """Where `data_dir` is, without creating it (for looking, not writing)."""
    home = _home_override()
    return home / "data" if home else _platform("data")


def cache_dir() -> Path:
    """The folder for derived data (catalog, search index); deleting it loses nothing."""
    home = _home_override()
    path = home / "cache" if home else _platform("cache")
    # Read-only, or a file in the way: the catalog works without saving.
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The folder holding config.toml; created on access."""
    home = _home_override()
    return _ensure(home / "config" if home else _platform("config"))


def config_file() -> Path:
    """The path of config.toml."""
    return config_dir() / "config.toml"


def user_library_dir() -> Path:
    """The user's own library folder, where saved web articles and feed entries go."""
    return _ensure(data_dir() / "library")


def sample_data_dir() -> Path:
    """The bundled sample articles, in an installed wheel or in a source checkout."""
    packaged = Path(__file__).resolve().parent / "sample_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "sample_data"
