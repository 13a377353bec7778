"""One page, one article: saved by its address (`reader add`, the app's `a`) or as a feed
entry holding its whole text, it is recognised across both by its normalised URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.feeds.refresh import subscribe
from reader.feeds.registry import FeedRegistry
from reader.web.addresses import place
from reader.web.fetch import Limits
from reader.web.save import add_url, url_key
from tests.http_server import LoopbackServer, Route

FAST = Limits(timeout=3.0, max_bytes=256 * 1024)
RSS = "application/rss+xml"
PAGE = (
    b"<html><head><title>Curlews over the estuary</title></head><body><article>"
    b"<h1>Curlews over the estuary</h1>"
    + b"<p>The curlews came back to the mudflats in the first cold week of autumn.</p>" * 8
    + b"</article></body></html>"
)


@pytest.fixture
def registry() -> Iterator[FeedRegistry]:
    with FeedRegistry.open() as opened:
        yield opened


def library_files() -> list[Path]:
    return sorted(paths.user_library_dir().rglob("*.md"))


def feed_with(link: str, *, content: str | None = None) -> bytes:
    body = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Estuary Notes</title>"
        f"<item><title>Curlews</title><link>{link}</link><guid isPermaLink='false'>curlew-1</guid>"
        f"<description>A teaser.</description>{body}</item></channel></rss>"
    ).encode()


def allowing(server: LoopbackServer) -> Limits:
    # Entry links must be public: this server stands for a public site by explicit allowance.
    return dataclasses.replace(FAST, allow=frozenset({place(server.base)}))


def test_a_full_text_entry_of_a_page_saved_by_address_is_not_saved_again(
    registry, http_server
) -> None:
    http_server.routes["/curlews"] = Route(PAGE)
    saved = add_url(http_server.url("/curlews"), limits=FAST)
    link = http_server.url("/curlews?utm_source=rss#top")  # the same page, spelled otherwise
    http_server.routes["/feed"] = Route(feed_with(link), content_type=RSS)
    feed_url = http_server.url("/feed")
    _, result = subscribe(registry, feed_url, full_text=True, limits=allowing(http_server))
    assert result.error is None and result.new == 0
    assert library_files() == [saved.path]
    assert http_server.hits("/curlews") == 1  # not even fetched again
    # and not tried at the next refresh
    assert registry.seen(registry.get(feed_url)) == ("curlew-1",)


def test_adding_a_page_a_full_text_entry_saved_says_already_saved(
    registry, http_server, capsys
) -> None:
    http_server.routes["/curlews"] = Route(PAGE)
    http_server.routes["/feed"] = Route(feed_with(http_server.url("/curlews")), content_type=RSS)
    feed_url = http_server.url("/feed")
    _, result = subscribe(registry, feed_url, full_text=True, limits=allowing(http_server))
    [entry] = result.paths
    assert "first cold week" in entry.read_text(encoding="utf-8")
    code = main(["add", http_server.url("/curlews#comments")])
    out = capsys.readouterr().out
    assert code == 0 and out == f"already saved: Curlews → {entry}\n"
    assert library_files() == [entry]


def test_an_entry_with_full_content_is_the_page_too(registry, http_server) -> None:
    link = "http://estuary.example/curlews"
    http_server.routes["/feed"] = Route(
        feed_with(link, content="<p>Whole text of the curlew story.</p>"), content_type=RSS
    )
    _, result = subscribe(registry, http_server.url("/feed"), limits=FAST)
    [entry] = result.paths
    from reader.web.save import _find_page, url_key

    web = paths.user_library_dir() / "web"
    assert _find_page(web, url_key("https://ESTUARY.example:443/curlews?utm_medium=x")) == entry


def test_a_summary_only_entry_is_not_taken_for_its_page(registry, http_server) -> None:
    http_server.routes["/curlews"] = Route(PAGE)
    http_server.routes["/feed"] = Route(feed_with(http_server.url("/curlews")), content_type=RSS)
    _, result = subscribe(registry, http_server.url("/feed"), limits=FAST)
    [entry] = result.paths
    saved = add_url(http_server.url("/curlews"), limits=FAST)
    assert saved.created and saved.path != entry  # the page's text, not the teaser
    assert "first cold week" in saved.path.read_text(encoding="utf-8")


def test_feed_addresses_compare_by_the_same_normal_form(registry) -> None:
    from reader.feeds.common import normalize_url
    from reader.web.urls import normal_url

    sub, created = registry.add("https://Estuary.example:443/feed.xml?utm_source=x#f", "E")
    assert created
    again, created = registry.add("http://estuary.example/feed.xml", "E")
    assert not created and again.name == sub.name
    for url in ("HTTP://a.example:80/x?b=2&a=1", "/home/ann/feed.xml", " tag:x,2024:1 "):
        assert normalize_url(url) == normal_url(url)


@pytest.mark.parametrize("path", ["/", "/news/shared"])
def test_entries_sharing_one_link_or_linking_home_are_each_kept(
    registry, http_server, path: str
) -> None:
    link = "http://estuary.example" + path
    items = "".join(
        f"<item><title>Note {n}</title><link>{link}</link>"
        f"<guid isPermaLink='false'>n{n}</guid>"
        f"<content:encoded><![CDATA[<p>Whole text of note {n}.</p>]]></content:encoded></item>"
        for n in range(3)
    )
    feed = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Notes</title>{items}</channel></rss>"
    ).encode()
    web = paths.user_library_dir() / "web"
    web.mkdir(parents=True)
    (web / f"2025-01-01-home--{url_key(link)}.md").write_text("---\ntitle: Home\n---\n\nHi.\n")
    http_server.routes["/feed"] = Route(feed, content_type=RSS)
    _, result = subscribe(registry, http_server.url("/feed"), limits=FAST)
    assert result.new == 3
    texts = sorted(path.read_text(encoding="utf-8") for path in result.paths)
    assert [f"Whole text of note {n}." in text for n, text in enumerate(texts)] == [True] * 3
