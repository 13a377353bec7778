"""A refresh parses each entry as it writes it: the scan and the index sync that follow take
that parse instead of reading every new file back, and it is the parse a scan would make."""

from __future__ import annotations

import json
import sqlite3
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import paths
from reader.cli import main
from reader.cli.common import open_library
from reader.feeds import refresh as refresh_module
from reader.feeds.refresh import refresh
from reader.feeds.registry import FeedRegistry
from reader.files import BatchWriter
from reader.library import Library, parse_pool
from reader.library.spool import parse_once
from reader.refresh import refresh as refresh_library
from reader.search.sync import open_index
from reader.web.save import Draft, write_draft
from tests.unit.test_feeds_batch import saved_files, subscribe_all, write_feed
from tests.unit.test_library_spool import counting_loads


def user_library() -> Library:
    return Library([paths.user_library_dir()], cache_dir=paths.cache_dir())


def rows(library: Library) -> dict[str, tuple[object, ...]]:
    """Every catalog row by path, without the columns that only say when it was written."""
    query = "SELECT path, id, content_hash, title, date, source, url, tags, words FROM articles"
    with sqlite3.connect(library.catalog_path) as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


@pytest.mark.parametrize("feeds", [2, refresh_module.PROCESS_MIN], ids=["threads", "processes"])
def test_entries_written_by_a_refresh_are_not_read_back(
    feeds: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe_all([write_feed(tmp_path, feed, 6) for feed in range(feeds)])
    calls = counting_loads(monkeypatch)
    with parse_once(paths.cache_dir()), FeedRegistry.open() as registry:
        results = refresh(registry)
        assert all(result.parsed == () for result in results)  # handed over, not held
        with user_library() as library:
            done = refresh_library(library, index=lambda: open_index(library))
            assert done.index is not None
            hits = done.index.search("harbour", limit=100).hits
            done.index.close()
    assert sum(result.new for result in results) == 6 * feeds
    assert done.scan is not None and done.scan.added == 6 * feeds
    assert len(hits) == 6 * feeds
    assert [path for path in calls if "feeds" in path.parts] == []


def test_without_the_block_the_scan_reads_the_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe_all([write_feed(tmp_path, 0, 4)])
    calls = counting_loads(monkeypatch)
    with FeedRegistry.open() as registry:
        refresh(registry)
    with user_library() as library:
        library.scan()
    assert len([path for path in calls if "feeds" in path.parts]) == 4


def test_the_catalog_is_the_one_a_scan_of_the_files_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe_all([write_feed(tmp_path, feed, 5) for feed in range(refresh_module.PROCESS_MIN)])
    with parse_once(paths.cache_dir()), FeedRegistry.open() as registry:
        refresh(registry)
        with user_library() as library:
            refresh_library(library)
            handed_over = rows(library)
    with Library([paths.user_library_dir()], cache_dir=tmp_path / "fresh") as library:
        library.scan()
        scanned = rows(library)
    assert len(handed_over) == len(saved_files()) == 5 * refresh_module.PROCESS_MIN
    assert handed_over == scanned


def test_the_cli_syncs_part_way_through_a_big_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reader.cli import feeds as cli_feeds

    monkeypatch.setattr(cli_feeds, "SYNC_EVERY", 5)
    synced: list[int] = []
    orders: list[int] = []
    real = cli_feeds.sync_default_library

    def sync(*, last: bool = True) -> None:
        real(last=last)
        with open_library([]) as library:  # the default library, as the command syncs it
            synced.append(len(library.ids_under(paths.user_library_dir() / "feeds")))
            with sqlite3.connect(library.catalog_path) as conn:
                orders.append(conn.execute("SELECT count(*) FROM orders").fetchone()[0])

    monkeypatch.setattr(cli_feeds, "sync_default_library", sync)
    subscribe_all([write_feed(tmp_path, feed, 4) for feed in range(3)])
    assert main(["feeds", "refresh"]) == 0
    # Once after the second feed (8 new entries, at least all of those on disk), once at
    # the end for the rest.
    assert len(synced) == 2 and synced[0] >= 8 and synced[1] == 12
    # The list orders (read whole, ~0.2 s at 100,000 articles) are stored by the last only.
    assert orders == [0, 2]
    capsys.readouterr()
    assert main(["search", "harbour", "--json", "--limit", "50"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len([hit for hit in hits if "feeds" in Path(hit["path"]).parts]) == 12


def test_a_part_way_sync_leaves_the_feeds_not_done_to_a_later_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.cli import feeds as cli_feeds
    from reader.web.fetch import Limits

    def refresh_all_then_tell(registry, names=None, *, on_progress=None, **_):  # type: ignore[no-untyped-def]
        # Every feed's files are on disk before the first is told done (helpers ahead of
        # this process): the parse of each comes with its result, not before.
        subs = registry.all()
        results = [refresh_module.refresh_one(registry, sub, Limits()) for sub in subs]
        told = []
        for done, result in enumerate(results, 1):
            told.append(refresh_module._handed_over(result))
            on_progress(done, len(results), told[-1])
        return told

    monkeypatch.setattr(cli_feeds, "SYNC_EVERY", 5)
    monkeypatch.setattr(refresh_module, "refresh", refresh_all_then_tell)
    subscribe_all([write_feed(tmp_path, feed, 4) for feed in range(3)])
    # Synced once before, as any command does: a library never scanned is scanned whole.
    cli_feeds.sync_default_library()
    calls = counting_loads(monkeypatch)
    assert main(["feeds", "refresh"]) == 0
    assert [path for path in calls if "feeds" in path.parts] == []  # none read back
    with open_library([]) as library:  # and every entry is catalogued
        assert len(library.ids_under(paths.user_library_dir() / "feeds")) == 12


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=_TEXT,
    body=st.lists(_TEXT, min_size=1, max_size=4),
    tags=st.lists(st.text(string.ascii_letters + " -:é", min_size=1, max_size=12), max_size=3),
    day=st.none() | st.dates(date(1990, 1, 1), date(2030, 12, 31)),
    author=st.none() | _TEXT,
)
def test_the_parse_from_the_bytes_written_is_the_parse_of_the_file(
    tmp_path: Path,
    title: str,
    body: list[str],
    tags: list[str],
    day: date | None,
    author: str | None,
) -> None:
    draft = Draft(
        title=title,
        markdown="\n\n".join(body),
        url="https://example.org/a",
        author=author,
        date=day,
        tags=tuple(tags),
        saved=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        extra={"feed": "f", "entry_id": "e:1"},
    )
    written: list[tuple[Path, bytes]] = []
    batch = BatchWriter(written.extend)
    saved = write_draft(
        draft, tmp_path / "out", "k" + format(abs(hash(title)), "x")[:12] + "00000", batch=batch
    )
    batch.commit()
    [(path, data)] = written
    assert path == saved.path
    from_bytes = parse_pool.parse_written(str(saved.path), data)
    from_file = parse_pool.parse(str(saved.path))
    if isinstance(from_file, str):  # not an article (no text): the written parse says so too
        assert from_bytes is None
    else:
        assert from_bytes == from_file
    saved.path.unlink()


def test_a_refresh_that_only_counts_keeps_no_paths(tmp_path: Path) -> None:
    subscribe_all([write_feed(tmp_path, feed, 3) for feed in range(2)])
    with FeedRegistry.open() as registry:
        counted = refresh(registry, keep_paths=False)
    assert [(result.new, result.paths) for result in counted] == [(3, ()), (3, ())]
    assert len(saved_files()) == 6
