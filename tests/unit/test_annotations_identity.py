"""Bookmarks, notes and highlights follow their article through renames, moves and edits."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import paths
from reader.annotations import annotated_articles, locate_highlights, relink_annotations
from reader.library import Library
from reader.store import Store, anchor
from tests.unit.library_files import write_article

LEAD = "Harbour reopens after the storm"
BODY = "Ships return to the quay. The harbour master said the cranes were safe again."
PASSAGE = "the cranes were safe again"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as made:
        yield made


def scanned(root: Path) -> Library:
    library = Library([root])
    library.scan()
    return library


def fresh_catalog(library: Library, root: Path) -> Library:
    """Forget the catalog (as when the cache dir is deleted) and scan again."""
    library.close()
    shutil.rmtree(paths.cache_dir())
    return scanned(root)


def annotate(library: Library, store: Store) -> str:
    """Bookmark, note and highlight the harbour article; return its id."""
    meta = next(library.rows()[i] for i in range(len(library)) if library.rows()[i].title == LEAD)
    store.add_bookmark(meta.id, meta.path, meta.title, ["ports"])
    store.set_note(meta.id, meta.path, meta.title, "Check the cranes.")
    block = library.load(meta.id).blocks[0].text
    start = block.index(PASSAGE)
    quote, prefix, suffix = anchor(block, start, start + len(PASSAGE))
    store.add_highlight(meta.id, meta.path, meta.title, quote, prefix=prefix, suffix=suffix)
    return meta.id


def assert_follows(library: Library, store: Store, path: Path) -> str:
    """Every record points at the article now at `path`, and nothing was lost."""
    meta = next(
        library.rows()[i] for i in range(len(library)) if library.rows()[i].path == str(path)
    )
    bookmark, note = store.bookmark_for(meta.id), store.note_for(meta.id)
    assert bookmark is not None and bookmark.tags == ("ports",) and bookmark.path == str(path)
    assert note is not None and note.text == "Check the cranes." and note.path == str(path)
    [highlight] = store.highlights_for(meta.id)
    assert highlight.path == str(path) and highlight.quote == PASSAGE
    assert len(store.bookmarks()) == len(store.notes()) == len(store.highlights()) == 1
    return meta.id


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_article(folder / "other.txt", "Unrelated story about trains", "2021-07-07")
    write_article(folder / "harbour.txt", LEAD, "2024-02-02", BODY)
    return folder


def test_records_follow_a_renamed_file(root: Path, store: Store) -> None:
    library = scanned(root)
    old_id = annotate(library, store)
    (root / "harbour.txt").rename(root / "renamed.txt")
    library.scan()
    assert relink_annotations(library, store) == 3
    assert assert_follows(library, store, (root / "renamed.txt").resolve()) == old_id
    assert relink_annotations(library, store) == 0  # nothing left to do


def test_records_follow_a_file_moved_to_a_subfolder_with_a_fresh_catalog(
    root: Path, store: Store
) -> None:
    library = scanned(root)
    annotate(library, store)
    (root / "deep").mkdir()
    (root / "harbour.txt").rename(root / "deep" / "harbour.txt")
    library = fresh_catalog(library, root)
    relink_annotations(library, store)
    assert_follows(library, store, (root / "deep" / "harbour.txt").resolve())


def test_records_follow_an_edited_file_with_a_fresh_catalog(root: Path, store: Store) -> None:
    library = scanned(root)
    old_id = annotate(library, store)
    write_article(root / "harbour.txt", LEAD, "2024-02-02", "Extra words first. " + BODY)
    library = fresh_catalog(library, root)
    assert old_id not in library.ids()  # a new catalog gives the edited text a new id
    assert relink_annotations(library, store) == 3
    new_id = assert_follows(library, store, (root / "harbour.txt").resolve())
    assert new_id != old_id and store.bookmark_for(old_id) is None


def test_records_follow_a_renamed_and_edited_file_by_title(root: Path, store: Store) -> None:
    library = scanned(root)
    annotate(library, store)
    (root / "harbour.txt").unlink()
    write_article(root / "moved" / "h.txt", LEAD, "2024-02-02", BODY + " Trade resumed.")
    library = fresh_catalog(library, root)
    assert relink_annotations(library, store) == 3
    assert_follows(library, store, (root / "moved" / "h.txt").resolve())


def test_an_edit_that_changes_the_title_updates_the_records(root: Path, store: Store) -> None:
    library = scanned(root)
    article_id = annotate(library, store)
    write_article(root / "harbour.txt", "Harbour reopens at last", "2024-02-02", BODY)
    library.scan()
    relink_annotations(library, store)
    bookmark = store.bookmark_for(article_id)
    assert bookmark is not None and bookmark.title == "Harbour reopens at last"


def test_records_of_a_deleted_article_are_kept(root: Path, store: Store) -> None:
    library = scanned(root)
    article_id = annotate(library, store)
    (root / "harbour.txt").unlink()
    library.scan()
    assert relink_annotations(library, store) == 0
    assert store.bookmark_for(article_id) is not None and store.note_for(article_id) is not None
    [item] = annotated_articles(library, store)
    assert item.orphaned and item.title == LEAD
    assert list(locate_highlights(library, item).values()) == [None]


def test_a_same_titled_article_in_another_library_does_not_take_the_records(
    root: Path, store: Store, tmp_path: Path
) -> None:
    library = scanned(root)
    article_id = annotate(library, store)
    (root / "harbour.txt").unlink()
    elsewhere = tmp_path / "elsewhere"
    write_article(elsewhere / "twin.txt", LEAD, "2024-02-02", "A different story entirely.")
    other = scanned(elsewhere)
    assert relink_annotations(other, store) == 0
    assert store.bookmark_for(article_id) is not None


def test_two_candidates_with_the_lost_title_leave_the_records_alone(
    root: Path, store: Store
) -> None:
    library = scanned(root)
    article_id = annotate(library, store)
    (root / "harbour.txt").unlink()
    write_article(root / "a.txt", LEAD, "2024-02-02", "First rewrite.")
    write_article(root / "b.txt", LEAD, "2024-02-03", "Second rewrite.")
    library = fresh_catalog(library, root)
    assert relink_annotations(library, store) == 0
    assert store.bookmark_for(article_id) is not None


def test_a_highlight_reanchors_after_the_text_around_it_changes(root: Path, store: Store) -> None:
    library = scanned(root)
    annotate(library, store)
    rewrapped = (
        " date 2024-02-02 OSLO, Norway, Jan. 2. A new opening paragraph was added.\n\n"
        f"{LEAD}. Ships came back to the quay on Monday. The harbour\nmaster said "
        "the cranes were\nsafe again, after a week of repairs.\n\nA second paragraph here.\n"
    )
    (root / "harbour.txt").write_text(rewrapped, encoding="utf-8")
    library = fresh_catalog(library, root)
    relink_annotations(library, store)
    [item] = annotated_articles(library, store)
    assert not item.orphaned
    [(uuid, span)] = locate_highlights(library, item).items()
    assert span is not None
    block, start, end = span
    text = library.load(item.article_id).blocks[block].text
    assert block == 1 and " ".join(text[start:end].split()) == PASSAGE
