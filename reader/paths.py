"""Where reader keeps its files: data, cache and config dirs, with a READER_HOME override."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"
HOME_ENV = "READER_HOME"
"""Set to a folder to keep data, cache and config all inside it (tests set this)."""


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
    home = _home_override()
    return _ensure(home / "data" if home else platformdirs.user_data_path(APP_NAME))


def cache_dir() -> Path:
    """The folder for derived data (catalog, search index); deleting it loses nothing."""
    home = _home_override()
    path = home / "cache" if home else platformdirs.user_cache_path(APP_NAME)
    # Read-only, or a file in the way: the catalog works without saving.
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The folder holding config.toml; created on access."""
    home = _home_override()
    return _ensure(home / "config" if home else platformdirs.user_config_path(APP_NAME))


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
