"""Helpers for library tests: house-format article files written into a temp folder."""

from __future__ import annotations

import os
from pathlib import Path

from reader.library import Library


def write_article(
    path: Path, lead: str, day: str | None = "2024-01-02", body: str = "Plain body text."
) -> Path:
    """A house-format file whose title comes from `lead` (undated when day is None)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if day is None:
        text = f"{lead}\n\n{body}\n"
    else:
        text = f" date {day} OSLO, Norway, Jan. 2. {lead}. {body}\n\nA second paragraph here.\n"
    path.write_text(text, encoding="utf-8")
    return path


def open_library(*roots: Path) -> Library:
    """A library on these folders with its catalog in the test's READER_HOME."""
    return Library(list(roots))


def keep_stat(path: Path, new_text: str) -> None:
    """Rewrite a file with same-size text, then restore its size and mtime as before."""
    before = path.stat()
    assert len(new_text.encode()) == before.st_size
    path.write_text(new_text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def titles(library: Library, sort: str = "date") -> list[str]:
    """The listed titles in order."""
    rows = library.rows(sort)
    return [rows[i].title for i in range(len(rows))]
