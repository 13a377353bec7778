"""The subscription registry: names, lookups, changes, damage repair and concurrent processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader import paths
from reader.feeds.parse import FeedError
from reader.feeds.registry import FeedRegistry, unique_name
from reader.store import Store
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def registry(tmp_path: Path):
    with FeedRegistry.open(tmp_path / "feeds.json") as opened:
        yield opened


def test_add_get_all_and_remove(registry: FeedRegistry) -> None:
    sub, created = registry.add("http://quay.example/rss", "Quayside Almanac", tags=["News"])
    assert created and sub.name == "quayside-almanac" and sub.tags == ("News",)
    assert not sub.full_text and registry.seen(sub) == () and sub.etag is None
    other, _ = registry.add("https://moor.example/atom.xml", "  ")
    assert other.name == "moor-example"  # no title: the host
    assert [s.name for s in registry.all()] == ["moor-example", "quayside-almanac"]
    assert registry.get("quayside-almanac") == sub
    assert registry.get("HTTP://Quay.Example:80/rss") == sub  # by URL, normalised
    assert registry.remove("https://moor.example/atom.xml") == other
    assert registry.remove("moor-example") is None
    assert [s.name for s in registry.all()] == ["quayside-almanac"]


def test_the_same_url_is_not_added_twice(registry: FeedRegistry) -> None:
    first, created = registry.add("http://dup.example/feed", "Dup")
    again, created_again = registry.add("http://DUP.example/feed#top", "Another title")
    assert created and not created_again and again == first
    assert len(registry.all()) == 1


def test_names_are_unique_slugs(registry: FeedRegistry) -> None:
    a, _ = registry.add("http://a.example/f", "Café Ünïcode News!")
    b, _ = registry.add("http://b.example/f", "Café Unicode News")
    assert (a.name, b.name) == ("cafe-unicode-news", "cafe-unicode-news-2")
    assert unique_name("x" * 80, "http://h.example/", {"x" * 40}) == "x" * 38 + "-2"
    assert unique_name("", "/home/u/feeds/My Feed.xml", ()) == "my-feed"
    with pytest.raises(FeedError, match="already named"):
        registry.add("http://c.example/f", "C", name="cafe-unicode-news")
    with pytest.raises(FeedError, match="not a usable feed name"):
        registry.add("http://c.example/f", "C", name="Bad Name")


@pytest.mark.parametrize("url", ["ftp://x.example/f", "file:///etc/passwd", "relative/file.xml"])
def test_other_addresses_are_refused(registry: FeedRegistry, url: str) -> None:
    with pytest.raises(FeedError, match="not a feed address"):
        registry.add(url, "X")


def test_a_file_feed_is_an_absolute_path(registry: FeedRegistry, tmp_path: Path) -> None:
    sub, _ = registry.add(str(tmp_path / "feed.xml"), "Local")
    assert sub.is_file and registry.get(str(tmp_path / "feed.xml")) == sub


def test_update_and_full_text_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    with FeedRegistry.open(path) as registry:
        registry.add("http://u.example/f", "U")
        registry.update("u", etag='"v1"', tags=[" Long   read ", "x", "x"])
        registry.modify("u", lambda sub: sub, seen=lambda _: ("a", "b"))
        registry.set_full_text("u", True)
        with pytest.raises(FeedError, match="no feed named"):
            registry.update("nobody", etag="x")
    with FeedRegistry.open(path) as reopened:
        sub = reopened.get("u")
        seen = reopened.seen(sub) if sub is not None else None
    assert sub is not None
    assert (sub.etag, seen, sub.tags, sub.full_text) == (
        '"v1"',
        ("a", "b"),
        ("Long read", "x"),
        True,
    )


def test_default_file_sits_in_the_data_dir_with_its_own_backups() -> None:
    with FeedRegistry.open() as registry:
        registry.add("http://d.example/f", "D")
        assert registry.path == paths.data_dir() / "feeds.json"
    with Store.open() as store:
        store.toggle_bookmark("a1", "/x.txt", "X")
    with FeedRegistry.open() as registry:
        assert [s.name for s in registry.all()] == ["d"]
    store_backups = list((paths.data_dir() / "backups").glob("*.json"))
    feed_backups = list((paths.data_dir() / "backups" / "feeds").glob("*.json"))
    assert store_backups and feed_backups
    assert all(b"d.example" not in backup.read_bytes() for backup in store_backups)
    assert all(b"d.example" in backup.read_bytes() for backup in feed_backups)


def test_a_damaged_file_is_set_aside_and_recovered(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    with FeedRegistry.open(path) as registry:
        registry.add("http://r.example/f", "R")
    path.write_bytes(path.read_bytes()[:-20])  # a torn write, as a crash could leave
    with FeedRegistry.open(path) as registry:
        assert any("damaged" in notice for notice in registry.notices)
        registry.add("http://s.example/f", "S")  # usable again
    assert list(tmp_path.glob("feeds.json.damaged-*"))


WORKER = """
import sys
from pathlib import Path
from reader.feeds.registry import FeedRegistry
path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with FeedRegistry.open(path, lock_timeout=30) as registry:
    for n in range(count):
        registry.add(f"http://{tag}{n}.example/feed", f"{tag} {n}")
        mark = f"{tag}{n}"
        registry.modify("shared", lambda s: s, seen=lambda ids: (*ids, mark))
"""


def test_two_processes_lose_none_of_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    with FeedRegistry.open(path) as registry:
        registry.add("http://shared.example/f", "Shared")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), tag, "25"],
            cwd=PROJECT_ROOT,
        )
        for tag in ("left", "right")
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    with FeedRegistry.open(path) as registry:
        names = {s.name for s in registry.all()}
        shared = registry.get("shared")
        assert shared is not None and len(registry.seen(shared)) == 50
    assert len(names) == 51


def test_seen_ids_are_kept_beside_the_subscriptions_not_inside_them(tmp_path: Path) -> None:
    path = tmp_path / "feeds.json"
    ids = tuple(f"entry-{n}" for n in range(300))
    with FeedRegistry.open(path) as registry:
        sub, _ = registry.add("http://busy.example/feed", "Busy")
        registry.add("http://quiet.example/feed", "Quiet")
        registry.modify("busy", lambda old: old, seen=lambda _: ids)
        assert "entry-" not in path.read_text(encoding="utf-8")  # nor read by each change
        assert registry.seen(sub) == ids
        assert registry.seen(registry.get("quiet")) == ()
        registry.modify("busy", lambda old: old, seen=lambda old: (*old[-2:], "entry-new"))
        assert registry.seen(sub) == ("entry-298", "entry-299", "entry-new")
        assert len(list((tmp_path / "feeds-seen").iterdir())) == 1
        registry.remove("busy")
        assert list((tmp_path / "feeds-seen").iterdir()) == []
        again, _ = registry.add("http://busy.example/feed", "Busy")
        assert registry.seen(again) == ()  # subscribing anew starts afresh


def test_seen_ids_that_are_not_valid_unicode_are_kept(registry: FeedRegistry) -> None:
    # An id from a feed whose bytes did not decode: kept as it came, not a failed refresh.
    sub, _ = registry.add("http://odd.example/feed", "Odd")
    odd = ("caf\udce9-1", "plain-2")
    registry.modify("odd", lambda old: old, seen=lambda _: odd)
    assert registry.seen(sub) == odd


def test_an_older_files_seen_ids_are_read_then_moved_out_at_its_next_change(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feeds.json"
    with FeedRegistry.open(path) as registry:
        registry.add("http://old.example/feed", "Old")
    tables = json.loads(path.read_text(encoding="utf-8"))
    [doc] = tables["feeds"].values()
    doc["seen"] = ["a", "b"]  # where versions before kept them
    path.write_text(json.dumps(tables), encoding="utf-8")
    with FeedRegistry.open(path) as registry:
        sub = registry.get("old")
        assert sub is not None and registry.seen(sub) == ("a", "b")
        registry.update("old", title="Renamed")  # any change writes the file
        assert '"seen"' not in path.read_text(encoding="utf-8")
        assert registry.seen(sub) == ("a", "b")
        registry.modify("old", lambda old: old, seen=lambda ids: (*ids, "c"))
    with FeedRegistry.open(path) as reopened:
        assert reopened.seen(sub) == ("a", "b", "c")


def test_add_many_names_each_uniquely_and_knows_existing_feeds(registry: FeedRegistry) -> None:
    registry.add("http://news.example/a", "News")
    results = registry.add_many(
        [
            ("http://news.example/a", "Other title", ()),
            ("http://news.example/b", "News", ("Town",)),
            ("http://news.example/c", "News", ()),
            ("http://NEWS.example/c#x", "News", ()),
        ]
    )
    assert [(sub.name, created) for sub, created in results] == [
        ("news", False),
        ("news-2", True),
        ("news-3", True),
        ("news-3", False),
    ]
    assert results[1][0].tags == ("Town",)
    assert [s.name for s in registry.all()] == ["news", "news-2", "news-3"]
    assert registry.get("news-3").url == "http://news.example/c"


def test_many_feeds_of_one_title_are_added_at_once(registry: FeedRegistry) -> None:
    count = 20_000
    results = registry.add_many((f"http://feed{i}.example/rss", "Same", ()) for i in range(count))
    names = [sub.name for sub, _ in results]
    assert len(set(names)) == count and names[:3] == ["same", "same-2", "same-3"]
    assert len(registry.all()) == count
