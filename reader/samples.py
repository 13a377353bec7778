"""The bundled sample articles: part of the default library until the user removes them.

The choice is remembered by a marker file in the data dir, so the command line and the app
agree on it; removing the samples also removes the bookmarks, notes and highlights on them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.files import atomic_write_text

if TYPE_CHECKING:
    from reader.store import Store

MARKER = "samples-removed"
"""The file in the data dir whose presence says the user removed the sample articles."""


def marker_file() -> Path:
    return paths.data_dir() / MARKER


def removed() -> bool:
    """Whether the user removed the sample articles from their default library."""
    return marker_file().exists()


def mark_removed() -> None:
    """Remember that the sample articles are removed (from the next scan and start on)."""
    atomic_write_text(
        marker_file(),
        "The bundled sample articles were removed from the default library.\n"
        "Delete this file to list them again.\n",
    )


def is_sample(path: str, root: Path | None = None) -> bool:
    """Whether an article path is one of the bundled samples."""
    if not path:
        return False
    root = (root or paths.sample_data_dir()).resolve()
    return Path(path).is_relative_to(root)


def forget_annotations(store: Store, root: Path | None = None) -> int:
    """Remove the bookmarks, notes and highlights on sample articles; returns how many."""
    count = 0
    for bookmark in store.bookmarks():
        if is_sample(bookmark.path, root):
            count += store.remove_bookmark(bookmark.article_id)
    for note in store.notes():
        if is_sample(note.path, root):
            count += store.delete_note(note.article_id)
    for highlight in store.highlights():
        if is_sample(highlight.path, root):
            count += store.remove_highlight(highlight.uuid)
    return count
