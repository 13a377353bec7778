"""Unread counts per feed from the catalog, marking many read at once, and the refresh settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import config
from reader.feeds.counts import FeedTally, feed_lines, feeds_root, tally
from reader.feeds.registry import Subscription
from reader.library import Library
from reader.store import Position, Store


def entry(folder: Path, name: str, title: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: {title}\n---\n\n{title} was reported today.\n", "utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """The user library with two feeds' entries, a saved page and a stray file in feeds/."""
    root = feeds_root()
    for n in range(3):
        entry(root / "harbour", f"h{n}", f"Harbour story {n}")
    entry(root / "valley", "v0", "Valley story")
    entry(root.parent / "web", "page", "A saved page")
    entry(root, "stray", "Not in any feed")
    with Library([root.parent], tmp_path / "cache", processes=0) as lib:
        lib.scan()
        yield lib


def test_tally_groups_the_catalog_rows_by_feed_folder(library: Library) -> None:
    counts = tally(library)
    assert {name: counts.total(name) for name in counts.members} == {"harbour": 3, "valley": 1}
    assert counts.total("nowhere") == 0
    harbour = sorted(counts.members["harbour"])
    assert counts.unread("harbour", set(harbour[:2])) == 1
    assert counts.unread("valley", set(harbour)) == 1
    assert counts.feed_of(harbour[0]) == "harbour"


def test_counts_come_from_the_catalog_not_the_files(library: Library) -> None:
    for path in feeds_root().rglob("*.md"):
        path.unlink()  # nothing to read on disk; the catalog still lists them until a scan
    assert tally(library).total("harbour") == 3
    library.scan()
    assert tally(library).members == {}


def test_a_library_without_the_feeds_folder_has_no_feeds(tmp_path: Path) -> None:
    entry(tmp_path / "news", "a", "A story")
    with Library([tmp_path / "news"], tmp_path / "cache", processes=0) as lib:
        lib.scan()
        assert tally(lib) == FeedTally()


def test_feed_lines_are_by_folder_then_title_untagged_last() -> None:
    subs = [
        Subscription("b", "Beta", "/b.xml"),
        Subscription("a", "alpha", "/a.xml", tags=("news",)),
        Subscription("c", "Gamma", "/c.xml", tags=("Arts",), last_error="HTTP 500"),
    ]
    counts = FeedTally({"a": frozenset({"1", "2"}), "b": frozenset({"3"})})
    lines = feed_lines(subs, counts, counts.read_counts({"1"}))
    assert [(line.name, line.folder, line.unread, line.total) for line in lines] == [
        ("c", "Arts", 0, 0),
        ("a", "news", 1, 2),
        ("b", "", 1, 1),
    ]
    assert lines[0].error == "HTTP 500"


@pytest.fixture(params=["memory", "json"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made = Store.in_memory() if request.param == "memory" else Store.open(tmp_path / "s.json")
    yield made
    made.close()


def test_set_read_many_marks_all_in_one_write_and_keeps_positions(store: Store) -> None:
    position = Position.at(3, "Third paragraph")
    store.mark_opened("a" * 16, "/a.md", "A", position)
    items = [(f"{n:016x}", f"/{n}.md", f"T{n}") for n in range(50)] + [("a" * 16, "/a.md", "A")]
    assert store.set_read_many(items) == 51
    assert store.read_ids() == {item[0] for item in items}
    state = store.reading_state_for("a" * 16)
    assert state is not None and state.read and state.position == position
    store.set_read_many(items[:10], read=False)
    assert store.read_ids() == {item[0] for item in items[10:]}
    assert len(store.reading_states()) == 51  # updated in place, never doubled


def test_refresh_settings_round_trip_and_wrong_kinds_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert config.load(path).config.refresh_minutes == 30
    assert config.load(path).config.refresh_on_start is True
    chosen = config.Config(refresh_minutes=0, refresh_on_start=False)
    config.save(chosen, path)
    assert config.load(path).config == chosen
    path.write_text("refresh_minutes = true\nrefresh_on_start = 1\n", "utf-8")
    assert config.load(path).config == config.Config()
    path.write_text("refresh_minutes = -5\n", "utf-8")
    assert config.load(path).config.refresh_minutes == 30
