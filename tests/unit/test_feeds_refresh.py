"""Subscribing and refreshing over a real loopback server: incremental, parallel, resilient."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from reader import paths
from reader.feeds import refresh as refresh_module
from reader.feeds.entries import LinkedPages
from reader.feeds.parse import FeedError
from reader.feeds.refresh import FeedResult, merge_seen, refresh, subscribe
from reader.feeds.registry import FeedRegistry
from reader.sources import load_file
from reader.web.addresses import place
from reader.web.fetch import FetchError, Limits
from tests.http_server import LoopbackServer, Route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
RSS = "application/rss+xml"
FAST = Limits(timeout=2.0, max_bytes=256 * 1024)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(*items: tuple[str, str, str], title: str = "Loop Feed") -> bytes:
    """An RSS 2.0 feed of (guid, title, description) items."""
    body = "".join(
        f"<item><title>{t}</title><guid isPermaLink='false'>{g}</guid>"
        f"<link>http://loop.example/{g}</link><description>{d}</description></item>"
        for g, t, d in items
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


@pytest.fixture
def registry():
    with FeedRegistry.open() as opened:
        yield opened


def saved(name: str) -> list[Path]:
    folder = paths.user_library_dir() / "feeds" / name
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


# Subscribing ---------------------------------------------------------------------------


def test_subscribe_fetches_once_with_feed_accept_and_saves_entries(
    registry: FeedRegistry, http_server: LoopbackServer
) -> None:
    http_server.routes["/feed"] = Route(fixture("rss20_content.xml"), content_type=RSS)
    sub, result = subscribe(registry, http_server.url("/feed"))
    assert (sub.name, sub.title, result.new) == (
        "lantern-street-review",
        "Lantern Street Review",
        2,
    )
    [(_, headers)] = http_server.requests
    assert headers["Accept"].startswith("application/atom+xml")
    [market, lamp] = saved(sub.name)
    text = lamp.read_text(encoding="utf-8")
    assert "source: Lantern Street Review" in text and "author: Ines Okafor" in text
    assert "entry_id: lantern-2025-0007" in text and "feed: lantern-street-review" in text
    assert "**Aurelio Vance**" in text and "## Forty years of dusk" in text
    assert "(http://lantern.example/archive/lamps)" in text  # relative link made absolute
    assert lamp.name.startswith("2025-02-04-the-last-lamplighter")
    assert registry.seen(sub) == (
        "lantern-2025-0007",
        "http://lantern.example/2025/market",
    )


def test_the_same_feed_twice_is_recognised(registry, http_server) -> None:
    http_server.routes["/feed"] = Route(fixture("atom10.xml"), content_type=RSS)
    first, _ = subscribe(registry, http_server.url("/feed"))
    again, result = subscribe(registry, http_server.url("/feed").replace("127.0.0.1", "127.0.0.1"))
    assert again == registry.get(first.name) and result == FeedResult(first.name)
    assert len(registry.all()) == 1 and http_server.hits("/feed") == 1


def test_a_page_that_is_not_a_feed_is_refused_and_nothing_saved(registry, http_server) -> None:
    http_server.routes["/page"] = Route(fixture("webpage.html"))
    with pytest.raises(FeedError, match="looks like a web page"):
        subscribe(registry, http_server.url("/page"))
    assert registry.all() == [] and not (paths.user_library_dir() / "feeds").exists()


def test_fetch_failures_and_other_schemes_are_refused(registry, http_server) -> None:
    with pytest.raises(FetchError, match="404"):
        subscribe(registry, http_server.url("/missing"))
    for source in ("ftp://127.0.0.1/feed", "file:///etc/passwd"):
        with pytest.raises(FeedError, match="only http"):
            subscribe(registry, source)
    assert registry.all() == []


def test_entries_without_text_or_with_a_bare_guid_are_still_articles(registry, tmp_path) -> None:
    feed = tmp_path / "links.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>Links</title><link>https://links.example/</link>"
        "<item><title>An essay on tides</title><link>https://tides.example/essay</link>"
        "<guid>x1</guid></item><item><guid>x2</guid><description></description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    _, result = subscribe(registry, str(feed))
    articles = sorted((load_file(path) for path in result.paths), key=lambda a: a.title)
    assert [a.title for a in articles] == ["An essay on tides", "Untitled entry"]
    essay, untitled = articles
    assert essay.meta.url == "https://tides.example/essay"
    assert "read it on its page" in essay.blocks[0].text
    assert untitled.meta.url is None  # "x2" is no address
    assert untitled.blocks[0].text == "This entry has no text of its own."


def test_a_feed_whose_own_link_is_no_address_still_saves_its_entries(registry, tmp_path) -> None:
    feed = tmp_path / "odd.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>Odd</title><link>http://[oops</link>"
        "<item><guid isPermaLink='false'>x1</guid><description>Hello there.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    _, result = subscribe(registry, str(feed))
    assert result.error is None and result.new == 1
    [article] = [load_file(path) for path in result.paths]
    assert article.blocks[0].text == "Hello there."


def test_subscribe_to_a_local_file(registry, tmp_path: Path) -> None:
    feed = tmp_path / "orchard.rdf"
    feed.write_bytes(fixture("rss10.rdf"))
    sub, result = subscribe(registry, str(feed))
    assert sub.url == str(feed) and sub.is_file and result.new == 2
    [again] = refresh(registry)
    assert again.not_modified
    feed.write_bytes(fixture("rss10.rdf").replace(b"First pressing", b"Second pressing"))
    [changed] = refresh(registry)
    assert not changed.not_modified and changed.new == 0  # same entry ids: nothing new


def test_local_files_that_are_not_feeds_or_too_big_are_refused(registry, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(fixture("webpage.html"))
    with pytest.raises(FeedError, match="looks like a web page"):
        subscribe(registry, str(page))
    big = tmp_path / "big.xml"
    big.write_bytes(rss(("g", "t", "x" * 5000)))
    with pytest.raises(FeedError, match="too large"):
        subscribe(registry, str(big), limits=Limits(max_bytes=1000))
    with pytest.raises(FeedError, match="no such file"):
        subscribe(registry, str(tmp_path / "absent.xml"))
    assert registry.all() == []


# Refreshing ----------------------------------------------------------------------------


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_unchanged_feed_answers_304_and_saves_nothing(registry, http_server, validator) -> None:
    route = Route(fixture("rss20_summary.xml"), content_type=RSS)
    if validator == "etag":
        route.etag = '"v1"'
    else:
        route.last_modified = "Sat, 10 May 2025 10:00:00 GMT"
    http_server.routes["/feed"] = route
    sub, first = subscribe(registry, http_server.url("/feed"))
    files = saved(sub.name)
    assert first.new == 3 and len(files) == 3
    [again] = refresh(registry)
    assert again == FeedResult(sub.name, not_modified=True)
    _, headers = http_server.requests[-1]
    assert headers.get("If-None-Match" if validator == "etag" else "If-Modified-Since")
    assert saved(sub.name) == files and http_server.hits("/feed") == 2
    assert registry.get(sub.name).last_checked is not None


def test_a_moved_feed_is_followed_through_its_redirects(registry, http_server) -> None:
    http_server.routes["/feed"] = Route(fixture("atom10.xml"), content_type=RSS)
    sub, first = subscribe(registry, http_server.url("/feed"))
    moved = {"Location": http_server.url("/new/feed")}
    http_server.routes["/feed"] = Route(b"", status=301, content_type=RSS, headers=moved)
    http_server.routes["/new/feed"] = Route(rss(("fresh", "Fresh", "<p>new</p>")), content_type=RSS)
    [later] = refresh(registry)
    assert later.error is None and later.new == 1 and http_server.hits("/new/feed") == 1
    assert len(saved(sub.name)) == first.new + 1


def test_a_redirect_loop_is_reported(registry, http_server) -> None:
    http_server.routes["/feed"] = Route(fixture("atom10.xml"), content_type=RSS)
    registry.add(http_server.url("/feed"), "looping")
    loop = {"Location": http_server.url("/feed")}
    http_server.routes["/feed"] = Route(b"", status=302, content_type=RSS, headers=loop)
    [result] = refresh(registry)
    assert result.error is not None and "redirect" in result.error


def test_a_long_backlog_is_saved_newest_first_over_several_refreshes(
    registry, http_server, monkeypatch
) -> None:
    monkeypatch.setattr(refresh_module, "MAX_NEW_ENTRIES", 4)
    items = "".join(
        f"<item><title>Day {day}</title><guid>d{day}</guid>"
        f"<pubDate>{day:02d} Mar 2026 08:00:00 GMT</pubDate><description>Day {day}.</description>"
        "</item>"
        for day in range(1, 11)
    )
    feed = f'<rss version="2.0"><channel><title>Diary</title>{items}</channel></rss>'.encode()
    http_server.routes["/feed"] = Route(feed, content_type=RSS, etag='"v1"')
    sub, first = subscribe(registry, http_server.url("/feed"))
    titles = sorted(load_file(path).title for path in first.paths)
    assert titles == ["Day 10", "Day 7", "Day 8", "Day 9"]  # the newest four
    [second] = refresh(registry)  # no "not modified": entries were still waiting
    assert second.new == 4 and not second.not_modified
    [third] = refresh(registry)
    assert third.new == 2
    [fourth] = refresh(registry)
    assert fourth.not_modified and len(saved(sub.name)) == 10


def test_a_new_entry_appears_on_a_later_refresh(registry, http_server) -> None:
    items = [("one", "First", "<p>one</p>")]
    http_server.routes["/feed"] = lambda _handler: Route(rss(*items), content_type=RSS)
    sub, first = subscribe(registry, http_server.url("/feed"))
    assert first.new == 1
    [same] = refresh(registry)
    assert same.new == 0 and not same.not_modified and len(saved(sub.name)) == 1
    items.insert(0, ("two", "Second", "<p>two <em>new</em></p>"))
    [later] = refresh(registry)
    assert later.new == 1 and [p.name for p in later.paths][0].endswith(".md")
    assert "two _new_" in later.paths[0].read_text(encoding="utf-8")
    assert set(registry.seen(sub)) == {"one", "two"}


def test_failing_feeds_are_reported_and_the_others_still_refresh(registry, http_server) -> None:
    http_server.routes["/good"] = Route(fixture("atom10.xml"), content_type=RSS)
    http_server.routes["/gone"] = Route(fixture("rss10.rdf"), content_type=RSS)
    http_server.routes["/slow"] = Route(fixture("rss091.xml"), content_type=RSS)
    http_server.routes["/huge"] = Route(rss(("g", "t", "x" * 300_000)), content_type=RSS)
    http_server.routes["/odd"] = Route(fixture("unreadable.xml"), content_type=RSS)
    for path in ("/gone", "/slow", "/huge", "/odd"):
        registry.add(http_server.url(path), path.strip("/"))
    http_server.routes["/gone"] = Route(b"gone", status=404, content_type="text/plain")
    http_server.routes["/slow"] = Route(fixture("rss091.xml"), content_type=RSS, delay=5)
    good, _ = subscribe(registry, http_server.url("/good"), limits=FAST)
    seen: list[tuple[int, int, str]] = []
    results = refresh(
        registry,
        on_progress=lambda done, total, r: seen.append((done, total, r.name)),
        limits=Limits(timeout=0.5, max_bytes=256 * 1024),
    )
    by_name = {r.name: r for r in results}
    assert "404" in by_name["gone"].error
    assert "time" in by_name["slow"].error.lower()
    assert "large" in by_name["huge"].error.lower() or "big" in by_name["huge"].error.lower()
    assert "not a readable feed" in by_name["odd"].error
    assert by_name[good.name].error is None
    assert sorted(n for _, _, n in seen) == sorted(by_name)
    assert [d for d, _, _ in seen] == [1, 2, 3, 4, 5] and {t for _, t, _ in seen} == {5}
    assert registry.get("gone").last_error == by_name["gone"].error
    assert registry.get(good.name).last_error is None


def test_feeds_refresh_in_parallel_within_the_bound(registry, http_server) -> None:
    # Three feeds each hold their answer until all three requests have arrived: only a
    # parallel refresh gets past the barrier.
    barrier = threading.Barrier(3, timeout=5)
    active, peak, lock = [0], [0], threading.Lock()

    def together(_handler):
        barrier.wait()
        return Route(rss(("x", "X", "x")), content_type=RSS)

    def counted(_handler):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return Route(rss(("y", "Y", "y")), content_type=RSS)

    for n in range(3):
        http_server.routes[f"/p{n}"] = together
        registry.add(http_server.url(f"/p{n}"), f"p{n}")
    results = refresh(registry, workers=3, limits=FAST)
    assert [r.error for r in results] == [None, None, None] and {r.new for r in results} == {1}
    for n in range(6):
        http_server.routes[f"/c{n}"] = counted
        registry.add(http_server.url(f"/c{n}"), f"c{n}")
    results = refresh(registry, [f"c{n}" for n in range(6)], workers=2, limits=FAST)
    assert all(r.error is None for r in results) and peak[0] <= 2


def test_unknown_names_give_an_error_result(registry) -> None:
    assert refresh(registry, ["nobody"]) == [FeedResult("nobody", error="no such feed")]


def test_full_text_fetches_the_linked_pages(registry, http_server) -> None:
    article = (
        "<html><head><title>Cane chairs</title></head><body><nav>Home | Shop</nav>"
        "<article><h1>Cane chairs</h1>"
        + "<p>Soak the cane overnight so it bends without cracking, then weave.</p>" * 8
        + "</article><footer>Copyright the tinker</footer></body></html>"
    ).encode()
    http_server.routes["/posts/chair"] = Route(article)
    base = http_server.url("")
    feed = (
        '<rss version="2.0"><channel><title>Tinker</title>'
        f"<item><title>Chair</title><link>{base}/posts/chair</link><guid>c1</guid>"
        "<description>Short teaser.</description></item>"
        f"<item><title>Gone</title><link>{base}/posts/gone</link><guid>c2</guid>"
        "<description>Only the summary survives.</description></item>"
        "</channel></rss>"
    ).encode()
    http_server.routes["/feed"] = Route(feed, content_type=RSS)
    # Entry links must be public: this server stands for a public site by explicit allowance.
    limits = dataclasses.replace(FAST, allow=frozenset({place(base)}))
    sub, result = subscribe(registry, http_server.url("/feed"), full_text=True, limits=limits)
    assert result.new == 2 and http_server.hits("/posts/chair") == 1
    texts = {p.name.split("--")[0][11:]: p.read_text(encoding="utf-8") for p in result.paths}
    assert "Soak the cane overnight" in texts["chair"] and "teaser" not in texts["chair"]
    assert "Copyright" not in texts["chair"]
    assert "Only the summary survives." in texts["gone"]  # 404: the summary is kept


def test_full_text_stops_asking_a_site_that_does_not_answer(registry, http_server) -> None:
    base = http_server.url("")
    items = "".join(
        f"<item><title>Post {n}</title><link>{base}/slow/{n}</link><guid>s{n}</guid>"
        f"<description>Summary {n}.</description></item>"
        for n in range(6)
    )
    for n in range(6):
        http_server.routes[f"/slow/{n}"] = Route(b"<p>late</p>", delay=3)
    feed = f'<rss version="2.0"><channel><title>Slow</title>{items}</channel></rss>'.encode()
    http_server.routes["/feed"] = Route(feed, content_type=RSS)
    limits = Limits(timeout=0.3, max_bytes=256 * 1024, allow=frozenset({place(base)}))
    _, result = subscribe(registry, http_server.url("/feed"), full_text=True, limits=limits)
    assert result.new == 6  # every entry saved, with its summary
    asked = sum(http_server.hits(f"/slow/{n}") for n in range(6))
    assert asked == LinkedPages.GIVE_UP


def test_without_full_text_linked_pages_are_not_fetched(registry, http_server) -> None:
    http_server.routes["/feed"] = Route(fixture("rss20_summary.xml"), content_type=RSS)
    _, result = subscribe(registry, http_server.url("/feed"))
    assert result.new == 3 and http_server.hits("/feed") == 1 and len(http_server.requests) == 1


def test_seen_ids_are_capped_but_keep_those_still_in_the_feed() -> None:
    old = [f"old{n}" for n in range(10)]
    kept = merge_seen(old, ["new1"], ["old0", "new1"], keep=3)
    assert kept == ("old0", "old7", "old8", "old9", "new1")


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/abs", "..", "a/../../b", "x\x00y"])
def test_a_feed_name_edited_by_hand_stays_inside_the_feeds_folder(
    registry, tmp_path: Path, name: str
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(("one", "One", "First entry.")))
    sub, _ = subscribe(registry, str(feed))
    for path in saved(sub.name):
        path.unlink()
    registry.modify(
        sub.name, lambda old: dataclasses.replace(old, name=name, etag=None), seen=lambda _: ()
    )
    [result] = refresh(registry, limits=FAST)
    assert result.error is None and result.new == 1
    root = (paths.user_library_dir() / "feeds").resolve()
    assert result.paths[0].resolve().parent.parent == root
