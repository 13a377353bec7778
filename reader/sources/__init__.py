"""Article loaders, one module per format, behind `load_file` (contract stub, being built)."""

from __future__ import annotations

from pathlib import Path

from reader.models import Article

MAX_BYTES = 4 * 1024 * 1024
"""Files larger than this are read up to this size and marked truncated."""

SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
"""File suffixes the library picks up (lower-case)."""


class LoadError(Exception):
    """A file that cannot be read as an article; str(error) is a one-line reason."""


def is_supported(path: Path) -> bool:
    """Whether the library should try to read this file."""
    return path.suffix.lower() in SUFFIXES


def load_file(path: Path) -> Article:
    """Read one file as an article, or raise LoadError with a one-line reason."""
    raise NotImplementedError
