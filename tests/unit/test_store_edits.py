"""Read-modify-write edits of notes and tags against the store file's current contents."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.store import Store
from tests.conftest import PROJECT_ROOT

A, B = "0123456789abcdef", "fedcba9876543210"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(path) as opened:
        yield opened


def _other(path: Path) -> Store:
    """A second Store on the same file, as another process would hold."""
    return Store.open(path)


def test_append_note_creates_then_appends_after_a_blank_line(store: Store) -> None:
    first = store.append_note(A, "/a", "A", "one")
    second = store.append_note(A, "/a", "A", "two")
    assert first.text == "one" and second.text == "one\n\ntwo" and second.uuid == first.uuid
    with pytest.raises(ValueError):
        store.append_note(A, "/a", "A", "  ")


def test_append_note_sees_what_another_store_wrote(store: Store, path: Path) -> None:
    store.note_for(A)  # this store has read the file
    with _other(path) as other:
        other.append_note(A, "/a", "A", "from elsewhere")
    assert store.append_note(A, "/a", "A", "mine").text == "from elsewhere\n\nmine"


def test_edit_note_replaces_when_nobody_changed_it(store: Store) -> None:
    store.append_note(A, "/a", "A", "draft")
    edited = store.edit_note(A, "/a", "A", "final", base="draft")
    assert edited is not None and edited.text == "final"


def test_edit_note_keeps_an_append_made_while_editing(store: Store, path: Path) -> None:
    store.append_note(A, "/a", "A", "draft")
    with _other(path) as other:
        other.append_note(A, "/a", "A", "CLI-NOTE")
    edited = store.edit_note(A, "/a", "A", "rewritten", base="draft")
    assert edited is not None and edited.text == "rewritten\n\nCLI-NOTE"


def test_edit_note_on_an_empty_editor_keeps_a_note_written_meanwhile(
    store: Store, path: Path
) -> None:
    with _other(path) as other:
        other.append_note(A, "/a", "A", "CLI-NOTE")
    edited = store.edit_note(A, "/a", "A", "typed in the app", base="")
    assert edited is not None
    assert "CLI-NOTE" in edited.text and "typed in the app" in edited.text


def test_edit_note_keeps_both_after_an_unrelated_change(store: Store, path: Path) -> None:
    store.append_note(A, "/a", "A", "draft")
    with _other(path) as other:
        other.set_note(A, "/a", "A", "replaced elsewhere")
    edited = store.edit_note(A, "/a", "A", "mine", base="draft")
    assert edited is not None and edited.text == "replaced elsewhere\n\nmine"


def test_edit_note_to_empty_deletes_unless_someone_appended(store: Store, path: Path) -> None:
    store.append_note(A, "/a", "A", "draft")
    assert store.edit_note(A, "/a", "A", "", base="draft") is None
    assert store.note_for(A) is None
    store.append_note(B, "/b", "B", "draft")
    with _other(path) as other:
        other.append_note(B, "/b", "B", "later")
    kept = store.edit_note(B, "/b", "B", "", base="draft")
    assert kept is not None and kept.text == "later"


def test_delete_note(store: Store) -> None:
    store.append_note(A, "/a", "A", "text")
    assert store.delete_note(A) is True
    assert store.delete_note(A) is False and store.note_for(A) is None


def test_bookmark_tags_are_added_and_removed_against_the_file(store: Store, path: Path) -> None:
    store.add_bookmark_tags(A, "/a", "A", ["mine"])
    with _other(path) as other:
        other.add_bookmark_tags(A, "/a", "A", ["cli-tag"])
    assert store.add_bookmark_tags(A, "/a", "A", ["more"]).tags == ("mine", "cli-tag", "more")
    removed = store.remove_bookmark_tags(A, [" mine ", "absent"])
    assert removed is not None and removed.tags == ("cli-tag", "more")
    assert store.remove_bookmark_tags(B, ["x"]) is None
    assert store.is_bookmarked(A)


def test_changed_tells_when_another_process_wrote(store: Store, path: Path) -> None:
    store.bookmarks()
    assert store.changed() is False
    store.add_bookmark(A, "/a", "A")
    assert store.changed() is False  # our own write
    code = (
        "import sys; from reader.store import Store\n"
        "with Store.open(__import__('pathlib').Path(sys.argv[1])) as s:\n"
        "    s.append_note('" + B + "', '/b', 'B', 'elsewhere')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=PROJECT_ROOT)
    assert store.changed() is True
    assert store.note_for(B) is not None
    assert store.changed() is False


def test_changed_is_true_when_the_file_is_gone(store: Store, path: Path) -> None:
    store.bookmarks()
    path.unlink()
    assert store.changed() is True
    assert Store.in_memory().changed() is False
