"""The one refresh pipeline: scan, re-link annotations, sync the index with the user's texts."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import paths
from reader.library import Library
from reader.refresh import refresh
from reader.search import SearchIndex
from reader.search.sync import is_current, open_index, quick_stamp, sync_index
from reader.store import Store
from tests.unit.library_files import write_article


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write_article(root / "ferry.txt", "Electric ferries cross the fjord", body="Batteries hum.")
    write_article(root / "harvest.txt", "Farmers bring in the harvest", body="Wheat and barley.")
    return root


@pytest.fixture
def library(folder: Path) -> Iterator[Library]:
    with Library([folder]) as opened:
        yield opened


@pytest.fixture
def index(library: Library) -> Iterator[SearchIndex]:
    with open_index(library) as opened:
        yield opened


class Opener:
    """Opens the user's store on demand, counting how often it was asked to."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Store:
        self.calls += 1
        return Store.open(lock_timeout=1.0)


def titles(library: Library, index: SearchIndex, query: str) -> set[str]:
    hits = index.search(query, limit=100).hits
    return {meta.title for hit in hits if (meta := library.get(hit.id))}


def test_a_refresh_scans_and_indexes_new_files(library: Library, index: SearchIndex) -> None:
    done = refresh(library, store=Opener(), index=index)
    assert done.scan is not None and done.scan.added == 2
    assert done.synced is not None and done.synced.added == 2
    assert titles(library, index, "barley") == {"Farmers bring in the harvest"}


def test_nothing_changed_reads_neither_the_store_nor_the_catalog_rows(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    refresh(library, store=Opener(), index=index)
    again = Opener()
    done = refresh(library, store=again, index=index)
    assert done.scan is None and again.calls == 0
    assert done.synced is not None and not done.synced.changed
    # A new file in a known folder is scanned, and found.
    write_article(folder / "museum.txt", "A museum opens its vaults", body="Paintings return.")
    done = refresh(library, store=again, index=index)
    assert done.scan is not None and done.scan.added == 1
    assert titles(library, index, "paintings") == {"A museum opens its vaults"}


def test_a_note_saved_since_the_last_refresh_is_indexed(
    library: Library, index: SearchIndex
) -> None:
    refresh(library, store=Opener(), index=index)
    meta = next(m for m in library.rows() if m.title.startswith("Electric"))
    with Store.open() as store:
        store.set_note(meta.id, meta.path, meta.title, "remember the lighthouse keeper")
    opener = Opener()
    done = refresh(library, store=opener, index=index)
    assert opener.calls == 1  # the store file changed: its texts are read again
    assert done.synced is not None and done.synced.updated == 1
    assert titles(library, index, "lighthouse") == {meta.title}


def test_an_interrupted_sync_leaves_no_quick_stamp(library: Library, index: SearchIndex) -> None:
    refresh(library, store=Opener(), index=index)
    store_file = paths.data_dir() / "store.json"
    assert is_current(index, quick_stamp(library, store_file))
    # A sync writes its ledger ahead of changing the index; killed after that, the next
    # command must look again rather than trust the stamp of the sync before.
    from reader.search.ledger import Ledger

    ledger = Ledger(index.directory)
    ledger.mark_pending([])
    ledger.close()
    assert not is_current(index, quick_stamp(library, store_file))


def test_the_catalog_generation_moves_with_each_write_and_with_a_new_file(
    library: Library, folder: Path, tmp_path: Path
) -> None:
    library.scan()
    first = library.generation()
    library.scan()  # nothing changed: nothing written
    assert library.generation() == first
    write_article(folder / "museum.txt", "A museum opens its vaults")
    library.scan()
    second = library.generation()
    assert second != first
    # A catalog made afresh starts its counter again, under another name.
    library.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{library.catalog_path}{suffix}").unlink(missing_ok=True)
    with Library([folder]) as fresh:
        fresh.scan()
        assert fresh.generation() not in (first, second)


def test_a_store_in_memory_is_always_read(library: Library, index: SearchIndex) -> None:
    store = Store.in_memory()
    refresh(library, store=store, index=index)
    meta = next(iter(library.rows()))
    store.set_note(meta.id, meta.path, meta.title, "a zeppelin over the harbour")
    done = refresh(library, store=store, index=index)
    assert done.synced is not None and done.synced.updated == 1
    assert titles(library, index, "zeppelin") == {meta.title}


def test_an_index_opened_by_the_refresh_comes_after_the_scan(library: Library) -> None:
    order: list[str] = []

    def opener() -> SearchIndex:
        order.append(f"index after {len(library)} articles")
        return open_index(library)

    done = refresh(library, index=opener)
    assert order == ["index after 2 articles"]
    assert done.index is not None
    with done.index:
        assert done.index.count() == 2


def test_a_plain_sync_still_works_without_a_quick_stamp(
    library: Library, index: SearchIndex
) -> None:
    library.scan()
    assert sync_index(library, index, processes=0).added == 2
    store_file = Path(os.devnull)
    assert not is_current(index, quick_stamp(library, store_file))


def test_a_search_goes_on_when_the_data_folder_cannot_be_made(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import main

    assert main(["search", "barley", "-l", str(folder)]) == 0  # indexed while all was well
    capsys.readouterr()
    shutil.rmtree(paths.data_path())
    paths.data_path().write_text("a file where the data folder goes", encoding="utf-8")
    code = main(["search", "barley", "-l", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0 and "Farmers bring in the harvest" in out and "Traceback" not in err
