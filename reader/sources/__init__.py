"""Article loaders, one module per format, behind `load_file`.

This module stays light: the loaders are imported on the first file read, so code that
only needs `LoadError` or `is_supported` (the app's start-up) does not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.models import Article

__all__ = ["MAX_BYTES", "SUFFIXES", "LoadError", "is_supported", "load_file"]

MAX_BYTES = 4 * 1024 * 1024
"""Files larger than this are read up to this size and marked truncated."""

SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm"})
"""File suffixes the library picks up (lower-case); `sources.loader` has a loader for each."""


class LoadError(Exception):
    """A file that cannot be read as an article; str(error) is a one-line reason.

    Defined here, not beside the file reader: every command catches it, and most never
    read a file, so importing it loads nothing else."""


def is_supported(path: Path) -> bool:
    """Whether the library should try to read this file."""
    return path.suffix.lower() in SUFFIXES


def load_file(path: Path) -> Article:
    """Read one file as an article, or raise LoadError with a one-line reason."""
    from reader.sources.loader import load_file as read

    return read(path)
