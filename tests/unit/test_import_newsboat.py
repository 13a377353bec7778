"""Newsboat: items of a real cache.db, the urls file's feeds and query feeds, and applying them."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.feeds.registry import FeedRegistry
from reader.imports.formats.newsboat import (
    NEWSBOAT,
    NewsboatFeed,
    SmartFolder,
    looks_like_urls,
    read_cache,
    read_urls,
    tokenize,
    with_feed_tags,
)
from reader.imports.formats.newsboat_apply import apply_urls
from reader.imports.formats.newsboat_query import translate
from reader.imports.items import ImportedItem, ImportSource, SkippedItem
from reader.store.api import Store
from tests.unit.import_sources import FIXTURES, fixture, split
from tests.unit.newsboat_support import NEWSBOAT as NEWSBOAT_PROGRAM
from tests.unit.newsboat_support import make_cache, mark_like_a_reader

CACHE = FIXTURES / "newsboat_cache.db"


def test_the_checked_in_cache_gives_every_item_with_state_and_feed() -> None:
    items, skipped = split(list(read_cache(CACHE)))

    by_title = {item.title: item for item in items}
    assert sorted(by_title) == ["First story", "Post & more", "Second story", "Third story"]
    first = by_title["First story"]
    assert first == ImportedItem(
        "item 3",
        url="https://news.example.com/1",
        title="First story",
        author="Ann",
        published=datetime(2025, 6, 2, 10, 0, tzinfo=UTC),
        content_html="<p>Body <b>one</b></p>",
        extra={
            "format": "newsboat",
            "feed": "Example News",
            "feed_url": first.extra["feed_url"],
            "guid": "https://news.example.com/1",
        },
    )
    assert first.extra["feed_url"].endswith("/news.xml")
    assert (by_title["Second story"].read, by_title["Second story"].starred) == (True, False)
    third = by_title["Third story"]
    assert (third.read, third.starred, third.extra["flags"]) == (False, True, "As")
    assert by_title["Post & more"].extra["feed"] == "A Blog [with] brackets"
    assert by_title["Post & more"].content_html == "<p>Café text</p>"
    assert skipped == [SkippedItem("item 4", "'No link post' was deleted in Newsboat")]


def test_the_format_object_reads_the_same_from_bytes() -> None:
    source = fixture("newsboat_cache.db")
    assert NEWSBOAT.detect(source)
    assert list(NEWSBOAT.parse(source)) == list(read_cache(CACHE, "newsboat_cache.db"))


def test_the_cache_is_opened_read_only_and_read_from_memory_when_locked(tmp_path: Path) -> None:
    cache = tmp_path / "cache.db"
    shutil.copyfile(CACHE, cache)
    before = cache.read_bytes()
    holder = sqlite3.connect(cache, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # what a Newsboat writing its cache holds
    try:
        items, skipped = split(list(read_cache(cache)))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(items) == 4 and len(skipped) == 1
    assert cache.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache.db"]


@pytest.mark.skipif(NEWSBOAT_PROGRAM is None, reason="newsboat is not installed")
def test_a_cache_newsboat_makes_now_is_read(tmp_path: Path) -> None:
    cache = make_cache(tmp_path)
    mark_like_a_reader(cache)
    items, skipped = split(list(read_cache(cache)))
    assert sorted((i.title, i.read, i.starred, i.extra["feed"]) for i in items) == [
        ("First story", False, False, "Example News"),
        ("Post & more", False, False, "A Blog [with] brackets"),
        ("Second story", True, False, "Example News"),
        ("Third story", False, True, "Example News"),
    ]
    assert [one.reason for one in skipped] == ["'No link post' was deleted in Newsboat"]
    assert NEWSBOAT.detect(ImportSource("cache.db", cache.read_bytes()))
    urls = read_urls((tmp_path / "urls").read_text(encoding="utf-8"))
    tagged, _ = split(list(with_feed_tags(read_cache(cache), urls)))
    assert sorted((item.title, item.tags) for item in tagged) == [
        ("First story", ("news",)),
        ("Post & more", ("blogs",)),
        ("Second story", ("news",)),
        ("Third story", ("news",)),
    ]


def test_older_caches_and_damaged_files(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as connection:
        connection.execute(
            "CREATE TABLE rss_item (id INTEGER PRIMARY KEY, guid TEXT, title TEXT, url TEXT,"
            " feedurl TEXT, pubDate INTEGER, content TEXT, unread INTEGER)"
        )
        connection.execute(
            "INSERT INTO rss_item VALUES (1, 'g', 'Old', 'https://o.example/', 'f', 0, '', 0)"
        )
        connection.execute("INSERT INTO rss_item VALUES (2, 'h', 'Empty', '', 'f', 0, ' ', 1)")
    connection.close()
    parsed = list(read_cache(old))
    assert parsed[0] == ImportedItem(
        "item 1",
        url="https://o.example/",
        title="Old",
        read=True,
        extra={"format": "newsboat", "feed": "", "feed_url": "f", "guid": "g"},
    )
    assert parsed[1] == SkippedItem("item 2", "'Empty' has neither a link nor text")

    view = tmp_path / "view.db"
    with sqlite3.connect(view) as connection:
        connection.execute("CREATE VIEW rss_item AS SELECT 1 AS id")
    connection.close()
    (skip,) = list(read_cache(view, "view.db"))
    assert skip == SkippedItem("view.db", "not a readable Newsboat cache: it has no rss_item table")

    latin = tmp_path / "latin.db"
    shutil.copyfile(old, latin)
    with sqlite3.connect(latin) as connection:
        connection.execute("UPDATE rss_item SET title = CAST(X'436166E9' AS TEXT) WHERE id = 1")
    connection.close()
    assert isinstance(first := next(read_cache(latin)), ImportedItem)
    assert first.title == "Caf\ufffd"

    broken = tmp_path / "broken.db"
    broken.write_bytes(CACHE.read_bytes()[:5000])
    assert all(isinstance(one, SkippedItem) for one in read_cache(broken))
    assert [type(one) for one in NEWSBOAT.parse(ImportSource("x", b"not sqlite"))] == [SkippedItem]


def test_the_urls_file() -> None:
    urls = read_urls((FIXTURES / "newsboat_urls").read_text(encoding="utf-8"))

    assert urls.feeds == [
        NewsboatFeed(
            "https://news.example.com/feed.xml", ("news", "daily reads"), "World News", line=2
        ),
        NewsboatFeed("https://blog.example.org/atom.xml", ("blogs", "tech"), line=3),
        NewsboatFeed("https://hidden.example.net/rss", ("news",), "Only in queries", True, 4),
        NewsboatFeed("/home/me/feeds/local.xml", ("local",), line=12),
        NewsboatFeed("https://news.example.com/feed.xml", ("duplicate",), line=14),
    ]
    assert urls.smart_folders == [
        SmartFolder("Unread news", "is:unread tag:news", 'unread = "yes" and tags # "news"', 5),
        SmartFolder("Flagged", "is:bookmarked", 'flags # "s"', 6),
    ]
    assert [(one.source, one.reason) for one in urls.skipped] == [
        ("line 7", "query feed 'Recent': age < '7' has no equivalent in reader's search"),
        ("line 8", "query feed 'Either': uses 'or', which a saved search cannot express yet"),
        (
            "line 9",
            "exec: feeds run a program; reader does not run programs named in an import "
            "(exec:~/bin/make-feed.sh)",
        ),
        (
            "line 10",
            "filter: feeds run a program; reader does not run programs named in an import "
            "(filter:~/bin/clean.py:https://filtered.example.com/rss)",
        ),
        ("line 11", "not a feed address: gopher://old.example.com/feed"),
    ]
    assert looks_like_urls((FIXTURES / "newsboat_urls").read_bytes())
    assert not looks_like_urls(b"just words\nhttps://a.example/\n")
    assert not looks_like_urls(CACHE.read_bytes())


def test_applying_subscribes_once_and_keeps_the_users_own_searches(tmp_path: Path) -> None:
    urls = read_urls((FIXTURES / "newsboat_urls").read_text(encoding="utf-8"))
    with (
        FeedRegistry.open(tmp_path / "feeds.json") as registry,
        Store.open(tmp_path / "store.json") as store,
    ):
        store.save_search("Flagged", "tag:mine")
        result = apply_urls(urls, registry, store)
        assert [sub.url for sub in result.subscribed] == [
            "https://news.example.com/feed.xml",
            "https://blog.example.org/atom.xml",
            "https://hidden.example.net/rss",
            "/home/me/feeds/local.xml",
        ]
        assert [sub.url for sub in result.already] == ["https://news.example.com/feed.xml"]
        assert result.hidden == ["https://hidden.example.net/rss"]
        assert result.searches == [
            ("Unread news", "is:unread tag:news"),
            ("Flagged (Newsboat)", "is:bookmarked"),
        ]
        assert result.lines == 12
        news = registry.get("https://news.example.com/feed.xml")
        assert news is not None and (news.title, news.tags) == (
            "World News",
            ("news", "daily reads"),
        )
        assert {(s.name, s.query) for s in store.saved_searches()} == {
            ("Flagged", "tag:mine"),
            ("Flagged (Newsboat)", "is:bookmarked"),
            ("Unread news", "is:unread tag:news"),
        }
        again = apply_urls(urls, registry, store)
        assert again.subscribed == [] and len(again.already) == 5
        assert again.searches == result.searches
        assert len(store.saved_searches()) == 3


@pytest.mark.parametrize(
    ("line", "tokens"),
    [
        ('https://a.example/ "x y" z', ["https://a.example/", "x y", "z"]),
        ('"query:N:a = \\"b\\"" t', ['query:N:a = "b"', "t"]),
        ("https://a.example/#frag tag # comment", ["https://a.example/#frag", "tag"]),
        ('"unterminated', ["unterminated"]),
        ("", []),
    ],
)
def test_tokenize(line: str, tokens: list[str]) -> None:
    assert tokenize(line) == tokens


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('unread = "yes"', ("is:unread", "")),
        ('unread != "yes"', ("is:read", "")),
        ('unread = "no"', ("is:read", "")),
        ('tags # "news" and tags !# "sport"', ("tag:news -tag:sport", "")),
        ('title =~ "rust" and content =~ "async"', ("title:rust async", "")),
        ('title =~ "^a.*"', ("", "title =~ '^a.*' has no equivalent in reader's search")),
        ('(unread = "yes")', ("", "uses '(', which a saved search cannot express yet")),
        ('tags # "and"', ("tag:and", "")),
        ("unread =", ("", "cannot read 'unread ='")),
        ('"', ("", "cannot read the filter expression '\"'")),
    ],
)
def test_query_feeds_in_reader_search(expression: str, expected: tuple[str, str]) -> None:
    assert translate(expression) == expected


def test_an_address_urllib_cannot_split_is_skipped() -> None:
    urls = read_urls('http://[broken "tag"\nhttps://fine.example/feed\n')
    assert [feed.url for feed in urls.feeds] == ["https://fine.example/feed"]
    assert [(one.source, one.reason) for one in urls.skipped] == [
        ("line 1", "not a feed address: http://[broken")
    ]
