"""Article loaders, one module per format, behind `load_file`.

This module stays light: the loaders are imported on the first file read, so code that
only needs `LoadError` or `is_supported` (the app's start-up) does not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.sources.files import LoadError

if TYPE_CHECKING:
    from reader.models import Article

__all__ = ["MAX_BYTES", "SUFFIXES", "LoadError", "is_supported", "load_file"]

MAX_BYTES = 4 * 1024 * 1024
"""Files larger than this are read up to this size and marked truncated."""

SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm"})
"""File suffixes the library picks up (lower-case); `sources.loader` has a loader for each."""


def is_supported(path: Path) -> bool:
    """Whether the library should try to read this file."""
    return path.suffix.lower() in SUFFIXES


def load_file(path: Path) -> Article:
    """Read one file as an article, or raise LoadError with a one-line reason."""
    from reader.sources.loader import load_file as read

    return read(path)
