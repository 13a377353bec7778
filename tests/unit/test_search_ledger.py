"""The index's ledger in SQLite and the catalog's change log: a sync compares only the ids a
scan changed, and any damage to either makes it compare everything, never fail."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library import Library
from reader.search import SearchIndex
from reader.search import sync as sync_module
from reader.search.ledger import LEDGER_FILE, Ledger
from reader.search.sync import SyncResult, index_dir, open_index, sync_index
from tests.unit.library_files import write_article

WORDS = ("ferry", "harvest", "museum", "glacier", "lantern", "orchard", "quarry", "violin")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    for number, word in enumerate(WORDS[:4]):
        write_article(root / f"{word}.txt", f"Story {number} of the {word}", body=f"All {word}.")
    return root


@pytest.fixture
def library(folder: Path) -> Iterator[Library]:
    with Library([folder]) as opened:
        opened.scan()
        yield opened


@pytest.fixture
def index(library: Library) -> Iterator[SearchIndex]:
    with open_index(library) as opened:
        yield opened


def titles(index: SearchIndex, library: Library, word: str) -> set[str]:
    hits = index.search(word, limit=100).hits
    return {meta.title for hit in hits if (meta := library.get(hit.id))}


class Compared:
    """Records which ids each sync asked the catalog about (None: every id)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[Sequence[str] | None] = []
        real = sync_module.catalog_fingerprints

        def recording(library: Library, ids: Sequence[str] | None = None) -> dict[str, str]:
            self.calls.append(None if ids is None else list(ids))
            return real(library, ids)

        monkeypatch.setattr(sync_module, "catalog_fingerprints", recording)


def test_a_sync_after_one_new_file_compares_only_that_file(
    library: Library, index: SearchIndex, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_index(library, index, processes=0)
    compared = Compared(monkeypatch)
    write_article(folder / "lantern.txt", "A lantern in the window", body="Warm light.")
    library.scan()
    assert sync_index(library, index, processes=0) == SyncResult(1, 0, 0, 5)
    new_id = library.id_at(str(folder / "lantern.txt"))
    assert compared.calls == [[new_id]]
    assert titles(index, library, "lantern") == {"A lantern in the window"}


def test_edits_and_deletions_are_found_through_the_change_log(
    library: Library, index: SearchIndex, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_index(library, index, processes=0)
    compared = Compared(monkeypatch)
    write_article(folder / "ferry.txt", "Story 0 of the ferry", body="Now with sails.")
    (folder / "museum.txt").unlink()
    library.scan()
    result = sync_index(library, index, processes=0)
    assert (result.updated, result.removed, result.total) == (1, 1, 3)
    assert compared.calls and compared.calls[0] is not None and len(compared.calls[0]) == 2
    assert titles(index, library, "sails") == {"Story 0 of the ferry"}
    assert titles(index, library, "museum") == set()
    assert index.ids() == set(library.ids())


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"this is not a database at all" * 100),
        lambda path: path.write_bytes(path.read_bytes()[:1000]),
        lambda path: path.write_bytes(b""),
        lambda path: path.unlink(),
    ],
    ids=["garbage", "cut short", "emptied", "deleted"],
)
def test_a_damaged_ledger_makes_the_next_sync_check_everything(
    library: Library, index: SearchIndex, folder: Path, damage: object
) -> None:
    sync_index(library, index, processes=0)
    assert callable(damage)
    damage(index_dir(library) / LEDGER_FILE)
    (folder / "harvest.txt").unlink()
    write_article(folder / "orchard.txt", "Apples in the orchard", body="Crisp.")
    library.scan()
    result = sync_index(library, index, processes=0)
    assert result.total == 4
    assert index.ids() == set(library.ids())
    assert titles(index, library, "harvest") == set()
    assert titles(index, library, "orchard") == {"Apples in the orchard"}
    # And the ledger it left is sound again: the next sync compares only what changed.
    assert sync_index(library, index, processes=0) == SyncResult(0, 0, 0, 4)


def test_a_ledger_that_cannot_be_written_is_dropped_not_trusted(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    sync_index(library, index, processes=0)
    ledger = Ledger(index_dir(library))
    ledger.mark_pending(["0" * 16])
    assert ledger.pending()
    ledger.close()
    path = index_dir(library) / LEDGER_FILE
    path.write_bytes(b"\0" * 4096)
    broken = Ledger(index_dir(library))
    broken.record([("1" * 16, "a b c")])  # fails: the file is deleted, not half-trusted
    assert not path.exists()
    assert broken.read_all() is None and broken.pending()
    broken.close()


def test_a_pruned_change_log_or_a_new_catalog_means_a_full_comparison(
    library: Library, index: SearchIndex, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_index(library, index, processes=0)
    write_article(folder / "quarry.txt", "Stone from the quarry", body="Granite.")
    library.scan()
    with sqlite3.connect(library.catalog_path) as conn:
        conn.execute("DELETE FROM changes")  # the log no longer reaches back to the ledger
    conn.close()
    compared = Compared(monkeypatch)
    assert sync_index(library, index, processes=0).added == 1
    assert compared.calls == [None]
    assert titles(index, library, "granite") == {"Stone from the quarry"}


def test_an_earlier_json_ledger_is_taken_over_without_reindexing(
    library: Library, index: SearchIndex
) -> None:
    sync_index(library, index, processes=0)
    ledger = Ledger(index_dir(library))
    entries = ledger.read_all()
    ledger.close()
    (index_dir(library) / LEDGER_FILE).unlink()
    old = index_dir(library) / "reader-ledger.json"
    old.write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")
    assert sync_index(library, index, processes=0) == SyncResult(0, 0, 0, 4)
    assert not old.exists()
    old.write_text("{not json", encoding="utf-8")  # and a damaged one is just dropped
    (index_dir(library) / LEDGER_FILE).unlink()
    assert sync_index(library, index, processes=0) == SyncResult(0, 4, 0, 4)
    assert not old.exists()
    assert index.ids() == set(library.ids())


def test_a_replaced_row_at_the_same_path_is_logged(library: Library, folder: Path) -> None:
    """INSERT OR REPLACE drops a row holding the path under another id without a delete
    trigger: the log must still name the id that went."""
    path = str(folder / "ferry.txt")
    old_id = library.id_at(path)
    assert old_id is not None
    with sqlite3.connect(library.catalog_path) as conn:
        (start,) = conn.execute("SELECT max(seq) FROM changes").fetchone()
        row = list(conn.execute("SELECT * FROM articles WHERE id = ?", (old_id,)).fetchone())
        row[0] = "f" * 16
        conn.execute(f"INSERT OR REPLACE INTO articles VALUES ({', '.join('?' * len(row))})", row)
        logged = {r[0] for r in conn.execute("SELECT id FROM changes WHERE seq > ?", (start,))}
    conn.close()
    assert logged == {old_id, "f" * 16}


# ------------------------------------------------------------------ property


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete", "rename", "sync", "damage", "lose"]),
        st.sampled_from(WORDS),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_changes_and_damage_leave_the_index_equal_to_the_catalog(
    tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[str, str]]
) -> None:
    root = tmp_path_factory.mktemp("lib") / "news"
    write_article(root / "ferry.txt", "Ferry story", body="All ferry.")
    edits = 0
    with Library([root]) as library, open_index(library) as index:
        library.scan()
        sync_index(library, index, processes=0)
        for operation, word in operations:
            path = root / f"{word}.txt"
            moved = root / "moved" / f"{word}.txt"
            if operation in ("add", "edit"):
                edits += 1
                write_article(path, f"{word} story {edits}", body=f"All {word} {'x' * edits}.")
            elif operation == "delete":
                path.unlink(missing_ok=True)
            elif operation == "rename" and path.exists():
                moved.parent.mkdir(exist_ok=True)
                os.replace(path, moved)
            elif operation == "damage":
                ledger = index_dir(library) / LEDGER_FILE
                if ledger.exists():
                    ledger.write_bytes(b"not a ledger")
            elif operation == "lose":
                with sqlite3.connect(library.catalog_path) as conn:
                    conn.execute("DELETE FROM changes")
                conn.close()
            library.scan()
            if operation == "sync":
                sync_index(library, index, processes=0)
        sync_index(library, index, processes=0)
        assert index.ids() == set(library.ids())
        for id_ in library.ids():
            meta = library.get(id_)
            assert meta is not None
            hits = index.search(f'"{meta.title}"', limit=10).hits
            assert id_ in {hit.id for hit in hits}
