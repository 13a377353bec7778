"""Keeping the index in step with the library: incremental syncs, repairs and relevance."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reader.library import Library
from reader.models import ArticleMeta, ScanProgress
from reader.search import SearchIndex
from reader.search.index_input import Wanted, read_indexed
from reader.search.ledger import LEDGER_FILE, Ledger
from reader.search.sync import (
    SyncResult,
    index_dir,
    open_index,
    rebuild_index,
    sync_index,
)
from tests.conftest import SAMPLE_DATA
from tests.unit.library_files import write_article


def found(library: Library, index: SearchIndex, query: str) -> set[str]:
    """The file names of every article matching `query`."""
    hits = index.search(query, limit=1000).hits
    return {Path(meta.path).name for hit in hits if (meta := library.get(hit.id))}


def refresh(library: Library, index: SearchIndex) -> SyncResult:
    """Rescan the folders, then sync the index, as the app and CLI do."""
    library.scan()
    return sync_index(library, index, processes=0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write_article(root / "ferry.txt", "Electric ferries cross the fjord", body="Batteries hum.")
    write_article(root / "harvest.txt", "Farmers bring in the harvest", body="Wheat and barley.")
    write_article(root / "museum.txt", "A museum opens its vaults", body="Paintings return.")
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


# ------------------------------------------------------------------ incremental


def test_a_first_sync_indexes_every_article(library: Library, index: SearchIndex) -> None:
    assert sync_index(library, index, processes=0) == SyncResult(3, 0, 0, 3)
    assert found(library, index, "ferry") == {"ferry.txt"}
    assert index.ids() == set(library.ids())


def test_an_unchanged_library_changes_nothing(library: Library, index: SearchIndex) -> None:
    sync_index(library, index, processes=0)
    result = refresh(library, index)
    assert result == SyncResult(0, 0, 0, 3)
    assert not result.changed


def test_an_added_file_is_found(library: Library, index: SearchIndex, folder: Path) -> None:
    sync_index(library, index, processes=0)
    write_article(folder / "sub" / "glacier.txt", "A glacier retreats", body="Ice melts early.")
    assert refresh(library, index) == SyncResult(1, 0, 0, 4)
    assert found(library, index, "glacier") == {"glacier.txt"}


def test_a_changed_file_is_found_by_its_new_words_only(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    sync_index(library, index, processes=0)
    write_article(folder / "harvest.txt", "Farmers bring in the harvest", body="Rye and oats.")
    assert refresh(library, index) == SyncResult(0, 1, 0, 3)
    assert found(library, index, "oats") == {"harvest.txt"}
    assert found(library, index, "barley") == set()
    assert index.count() == 3


def test_a_deleted_file_is_no_longer_found(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    sync_index(library, index, processes=0)
    (folder / "museum.txt").unlink()
    assert refresh(library, index) == SyncResult(0, 0, 1, 2)
    assert found(library, index, "museum") == set()
    assert index.ids() == set(library.ids())


def test_a_renamed_file_keeps_its_id_and_is_found_at_its_new_path(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    sync_index(library, index, processes=0)
    before = index.search("ferry").hits[0].id
    (folder / "ferry.txt").rename(folder / "boats.txt")
    refresh(library, index)
    hits = index.search("ferry").hits
    assert [hit.id for hit in hits] == [before]
    assert found(library, index, "ferry") == {"boats.txt"}
    assert index.count() == 3


def test_many_changes_at_once(library: Library, index: SearchIndex, folder: Path) -> None:
    sync_index(library, index, processes=0)
    (folder / "museum.txt").unlink()
    (folder / "ferry.txt").rename(folder / "renamed.txt")
    write_article(folder / "harvest.txt", "Farmers bring in the harvest", body="Rye and oats.")
    write_article(folder / "new.txt", "A lighthouse keeper retires", body="Fog horns.")
    result = refresh(library, index)
    assert (result.added, result.updated, result.removed, result.total) == (1, 1, 1, 3)
    assert found(library, index, "museum OR barley") == set()
    assert found(library, index, "ferry OR oats OR lighthouse") == {
        "renamed.txt",
        "harvest.txt",
        "new.txt",
    }


def test_same_size_edits_of_each_file_are_seen(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    """Whichever catalog row an edit rewrites (the newest one gets its rowid back)."""
    sync_index(library, index, processes=0)
    edits = {"ferry.txt": ("hum", "zip"), "harvest.txt": ("barley", "millet"),
             "museum.txt": ("return", "vanish")}  # fmt: skip
    for name, (old, new) in edits.items():
        page = folder / name
        size = page.stat().st_size
        page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert page.stat().st_size == size
        assert refresh(library, index).updated == 1
        assert found(library, index, new) == {name}
        assert found(library, index, old) == set()


def test_a_metadata_change_alone_is_reindexed(tmp_path: Path) -> None:
    page = tmp_path / "md" / "page.md"
    page.parent.mkdir()
    page.write_text("---\ntitle: Old heading\ntags: [alpha]\n---\n\nSame body.\n", "utf-8")
    with Library([page.parent]) as library, open_index(library) as index:
        refresh(library, index)
        page.write_text("---\ntitle: Fresh heading\ntags: [beta]\n---\n\nSame body.\n", "utf-8")
        assert refresh(library, index).updated == 1
        assert found(library, index, "title:fresh tag:beta") == {"page.md"}
        assert found(library, index, "title:old OR tag:alpha") == set()


def test_progress_reaches_the_total(library: Library, index: SearchIndex) -> None:
    seen: list[ScanProgress] = []
    sync_index(library, index, seen.append, processes=0)
    assert seen[0].done == 0
    assert (seen[-1].done, seen[-1].total, seen[-1].added) == (3, 3, 3)


# ------------------------------------------------------------------ repairs


def test_a_deleted_index_directory_is_rebuilt(library: Library) -> None:
    with open_index(library) as index:
        sync_index(library, index, processes=0)
    shutil.rmtree(index_dir(library))
    with open_index(library) as index:
        assert index.count() == 0
        assert sync_index(library, index, processes=0) == SyncResult(3, 0, 0, 3)
        assert found(library, index, "harvest") == {"harvest.txt"}


def test_a_damaged_index_is_rebuilt_on_the_next_open(library: Library) -> None:
    with open_index(library) as index:
        sync_index(library, index, processes=0)
    for part in index_dir(library).iterdir():
        if part.name.endswith(".json") and part.name != LEDGER_FILE:
            part.write_text("not json", encoding="utf-8")
    with open_index(library) as index:
        assert index.rebuilt
        assert sync_index(library, index, processes=0).added == 3
        assert found(library, index, "museum") == {"museum.txt"}


def test_a_lost_ledger_leaves_no_stale_or_doubled_article(
    library: Library, index: SearchIndex, folder: Path
) -> None:
    sync_index(library, index, processes=0)
    (index_dir(library) / LEDGER_FILE).unlink()
    (folder / "museum.txt").unlink()
    library.scan()
    result = sync_index(library, index, processes=0)
    assert (result.removed, result.total) == (1, 2)
    assert index.ids() == set(library.ids())
    assert found(library, index, "museum") == set()


def test_an_interrupted_sync_is_finished_by_the_next(library: Library, index: SearchIndex) -> None:
    """A ledger written ahead (ids marked unknown) and an index holding a leftover article."""
    sync_index(library, index, processes=0)
    ghost = next(iter(index.search("ferry").hits))
    leftover = library.load(ghost.id)
    orphan = dataclasses.replace(leftover, meta=dataclasses.replace(leftover.meta, id="0" * 16))
    index.add([orphan])
    index.commit()
    ledger = Ledger(index_dir(library))
    ledger.mark_pending(["0" * 16])
    ledger.close()
    assert sync_index(library, index, processes=0).removed == 1
    assert index.ids() == set(library.ids())


def test_rebuild_indexes_everything_again(library: Library, index: SearchIndex) -> None:
    sync_index(library, index, processes=0)
    assert rebuild_index(library, index, processes=0) == SyncResult(3, 0, 0, 3)
    assert found(library, index, "ferry") == {"ferry.txt"}


def test_a_second_instance_searches_read_only_and_never_writes(library: Library) -> None:
    with open_index(library) as first:
        sync_index(library, first, processes=0)
        ledger = index_dir(library) / LEDGER_FILE
        before = ledger.read_bytes()
        with open_index(library) as second:
            assert second.read_only and second.notice
            assert sync_index(library, second, processes=0) == SyncResult(0, 0, 0, 3)
            assert rebuild_index(library, second, processes=0).total == 3
            assert found(library, second, "harvest") == {"harvest.txt"}
        assert ledger.read_bytes() == before
        assert first.count() == 3


def test_helper_processes_read_what_the_app_reads(library: Library) -> None:
    wanted = [Wanted(id_, library.get(id_).path) for id_ in library.ids()]  # type: ignore[union-attr]
    wanted.append(Wanted("f" * 16, str(Path(wanted[0].path).with_name("missing.txt"))))
    here = list(read_indexed(wanted, processes=0))
    pooled = list(read_indexed(wanted, processes=2, parallel_min=1))
    assert here == pooled
    assert here[-1][1] is None
    assert {item.id for item, fields in here if fields} == set(library.ids())
    titles = {fields[0] for _, fields in here if fields}
    assert titles == {library.get(id_).title for id_ in library.ids()}  # type: ignore[union-attr]


# ------------------------------------------------------------------ relevance on sample_data


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, SearchIndex]]:
    cache = tmp_path_factory.mktemp("sample-cache")
    with Library([SAMPLE_DATA], cache) as library:
        library.scan()
        with open_index(library) as index:
            sync_index(library, index, processes=0)
            yield library, index


def places(sample: tuple[Library, SearchIndex], query: str) -> list[str]:
    """The place (else file name) of each hit, in result order."""
    library, index = sample
    metas = [library.get(hit.id) for hit in index.search(query, limit=100).hits]
    return [meta.place or Path(meta.path).name for meta in metas if meta]


def all_metas(library: Library) -> list[ArticleMeta]:
    rows = library.rows()
    return [rows[i] for i in range(len(rows))]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("glacier", {"Lima, Peru", "Zürich, Switzerland"}),
        ("ferry batteries", {"Oslo, Norway"}),
        ("dengue", {"Hanoi, Vietnam"}),
        ("glacier retreat ice", {"Lima, Peru", "Zürich, Switzerland"}),
    ],
)
def test_distinctive_words_rank_their_article_first(sample, query: str, first: set[str]) -> None:
    assert places(sample, query)[0] in first


def test_glacier_finds_both_glacier_stories(sample) -> None:
    assert set(places(sample, "glacier")) == {"Lima, Peru", "Zürich, Switzerland"}


def test_stemming_matches_other_inflections(sample) -> None:
    library, _ = sample
    singular, plural = places(sample, "summit"), places(sample, "summits")
    assert singular and set(plural) == set(singular)
    assert "Tbilisi, Georgia" in plural


def test_a_phrase_needs_its_words_together(sample) -> None:
    assert set(places(sample, '"peace talks"')) == {"Tbilisi, Georgia", "Manila, Philippines"}
    assert places(sample, '"talks peace"') == []


def test_exclusion_drops_matching_articles(sample) -> None:
    assert "Wellington, New Zealand" in places(sample, "summit")
    without = places(sample, "summit -football")
    assert without and "Wellington, New Zealand" not in without
    assert set(without) == set(places(sample, "summit NOT football"))


def test_a_prefix_matches_word_starts(sample) -> None:
    assert set(places(sample, "glaci*")) == {"Lima, Peru", "Zürich, Switzerland"}
    assert "2025-02-11-home-batteries.md" in places(sample, "batter*")


def test_field_filters(sample) -> None:
    assert places(sample, "place:oslo") == ["Oslo, Norway"]
    assert places(sample, "place:zurich") == ["Zürich, Switzerland"]
    assert places(sample, "title:battery") == ["2025-02-11-home-batteries.md"]
    assert places(sample, "tag:travel") == ["night-trains-return.md"]
    assert places(sample, "tag:energy title:battery") == ["2025-02-11-home-batteries.md"]
    assert places(sample, 'source:"long wave"') == ["2024-06-01-community-radio.md"]


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("date:2025", lambda day: day.year == 2025),
        ("date:2024-06", lambda day: (day.year, day.month) == (2024, 6)),
        ("after:2025-06", lambda day: day >= date(2025, 6, 1)),
        ("before:2024-07", lambda day: day < date(2024, 7, 1)),
    ],
)
def test_date_filters_list_exactly_the_matching_dates_newest_first(sample, query, keep) -> None:
    library, index = sample
    expected = [m.id for m in all_metas(library) if m.date is not None and keep(m.date)]
    results = index.search(query, limit=100)
    assert expected
    assert [hit.id for hit in results.hits] == expected
    assert not results.ranked


def test_words_with_a_date_filter(sample) -> None:
    assert set(places(sample, "summit date:2025")) == {"Astana, Kazakhstan", "Manila, Philippines"}
