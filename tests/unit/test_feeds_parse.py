"""Feed parsing: every format, malformed feeds, pages that are not feeds, and unsafe XML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.feeds.common import is_web_url
from reader.feeds.opml import read_opml
from reader.feeds.parse import FeedError, ParsedFeed, _feedparser, parse_feed
from tests.http_server import LoopbackServer, Route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss_091_is_read() -> None:
    feed = parse_feed(fixture("rss091.xml"))
    assert (feed.kind, feed.title, feed.link) == (
        "rss091u",
        "Quayside Almanac",
        "http://quayside.example/",
    )
    assert [e.title for e in feed.entries] == [
        "Spring tides arrive early",
        "Ferry timetable changes",
    ]
    first = feed.entries[0]
    assert first.id == "http://quayside.example/tides/spring"  # no guid: the link is the id
    assert "Café owners" in first.content_html  # ISO-8859-1 and a character reference
    assert first.summary_only and first.published is None


def test_rss_10_rdf_is_read_with_dublin_core_dates_and_authors() -> None:
    feed = parse_feed(fixture("rss10.rdf"))
    assert feed.kind == "rss10" and feed.title == "Orchard Ledger"
    first = feed.entries[0]
    assert first.author == "Maud Pellow"
    assert first.published == datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
    assert first.content_html.startswith("<p>We took scions")


def test_rss_20_content_encoded_is_the_content_not_the_summary() -> None:
    feed = parse_feed(fixture("rss20_content.xml"), url="http://lantern.example/feed")
    assert feed.kind == "rss20"
    lamp, market = feed.entries
    assert lamp.id == "lantern-2025-0007"
    assert not lamp.summary_only
    assert "<strong>Aurelio Vance</strong>" in lamp.content_html
    assert "teaser" not in lamp.content_html
    assert lamp.author == "Ines Okafor"
    assert lamp.published == datetime(2025, 2, 4, 8, 15, tzinfo=UTC)
    assert market.id == "http://lantern.example/2025/market"


def test_rss_20_summary_only_entries_and_id_fallbacks() -> None:
    feed = parse_feed(fixture("rss20_summary.xml"))
    chair, chain, note = feed.entries
    assert all(entry.summary_only for entry in feed.entries)
    assert chair.author == "Hal Brennock"  # the name, not "hal@... (Hal Brennock)"
    assert chain.id == "http://tinker.example/posts/chain"  # no guid: the link
    assert note.link is None and note.id.startswith("hash:")  # no guid, no link: a hash
    assert parse_feed(fixture("rss20_summary.xml")).entries[2].id == note.id  # stable


def test_atom_10_is_read_with_published_dates_and_xhtml_content() -> None:
    feed = parse_feed(fixture("atom10.xml"))
    assert feed.kind == "atom10"
    assert feed.title == "Field Notes from Kettle Moor"
    curlews, peat = feed.entries
    assert curlews.id == "urn:uuid:1b9e2d9c-3c1a-4f51-8e37-5d3c8a8f9e10"
    assert curlews.published == datetime(2025, 4, 20, 5, 45, tzinfo=UTC)  # published wins
    assert "<em>curlew</em>" in curlews.content_html and not curlews.summary_only
    assert peat.published == datetime(2025, 5, 30, 18, 0, tzinfo=UTC)  # falls back on updated
    assert peat.author == "Edda Hart"
    assert "<strong>June</strong>" in peat.content_html


def test_malformed_but_readable_feed_is_read() -> None:
    feed = parse_feed(fixture("malformed.xml"))
    assert feed.title == "Salt & Pepper Kitchen"
    assert [e.title for e in feed.entries] == ["Bread & butter pickles", "Burnt-sugar custard"]
    assert "hot brine" in feed.entries[0].content_html


def test_unreadable_feed_is_refused_with_the_parsers_reason() -> None:
    with pytest.raises(FeedError, match=r"not a readable feed: not well-formed .*line 2"):
        parse_feed(fixture("unreadable.xml"))


def test_web_page_is_refused_as_a_web_page() -> None:
    with pytest.raises(FeedError, match="not a feed: looks like a web page"):
        parse_feed(fixture("webpage.html"))


@pytest.mark.parametrize("data", [b"", b"   ", b"<?xml version='1.0'?><catalogue/>", b"\x00\xff"])
def test_other_documents_are_not_feeds(data: bytes) -> None:
    with pytest.raises(FeedError, match="not a"):
        parse_feed(data)


def test_a_feed_without_entries_is_still_a_feed() -> None:
    empty = b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    feed = parse_feed(empty)
    assert (feed.title, feed.entries) == ("Quiet", ())


def test_relative_links_resolve_against_the_feed_url() -> None:
    data = (
        b'<rss version="2.0"><channel><title>R</title><item><title>A</title>'
        b"<link>/posts/a</link></item></channel></rss>"
    )
    [entry] = parse_feed(data, url="http://rel.example/feed.xml").entries
    assert entry.link == "http://rel.example/posts/a"


# Safety ------------------------------------------------------------------------------


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(fixture("billion_laughs.xml"))


def test_entities_hidden_by_a_declared_utf7_encoding_are_refused() -> None:
    # In UTF-7 "+ADwAIQ-" is "<!": the plain bytes show no declaration, the decoded text does.
    text = fixture("billion_laughs.xml").decode().split("?>", 1)[-1]
    assert "<!ENTITY" in text
    hidden = text.replace("<!", "+ADwAIQ-").encode("ascii")
    assert hidden.decode("utf-7") == text
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(b'<?xml version="1.0" encoding="utf-7"?>' + hidden)
    with pytest.raises(FeedError, match="declares XML entities"):
        read_opml(b"<?xml version='1.0' encoding='UTF-7'?>" + hidden)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7731", encoding="utf-8")
    return path


def xxe(secret: Path, server: LoopbackServer) -> bytes:
    server.routes["/steal"] = Route(b"STOLEN-BY-HTTP", content_type="text/plain")
    text = fixture("xxe.xml").decode()
    text = text.replace("@SECRET_PATH@", str(secret)).replace("@REMOTE_URL@", server.url("/steal"))
    return text.encode()


def test_external_entities_are_refused_and_nothing_is_read(secret: Path, http_server) -> None:
    data = xxe(secret, http_server)
    with pytest.raises(FeedError, match="declares XML entities") as refused:
        parse_feed(data)
    assert "TOP-SECRET" not in str(refused.value)
    assert http_server.requests == []


def test_external_entities_in_utf16_are_refused(secret: Path, http_server) -> None:
    data = xxe(secret, http_server).decode().replace('<?xml version="1.0"?>', "")
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(data.encode("utf-16"))
    assert http_server.requests == []


def test_feedparser_itself_never_resolves_external_entities(secret: Path, http_server) -> None:
    # Defence in depth: even past the entity guard, neither the file nor the URL is read.
    result = _feedparser(xxe(secret, http_server), None)
    assert result["entries"]  # the feed was read, its entities left unexpanded
    text = repr(result)
    assert "TOP-SECRET" not in text and "STOLEN" not in text
    assert http_server.requests == []


def test_an_external_dtd_is_never_fetched(http_server) -> None:
    http_server.routes["/evil.dtd"] = Route(b"<!ENTITY x 'y'>", content_type="text/plain")
    data = fixture("external_dtd.xml").replace(
        b"@REMOTE_URL@", http_server.url("/evil.dtd").encode()
    )
    feed = parse_feed(data)
    assert [e.title for e in feed.entries] == ["Nothing to fetch"]
    assert http_server.requests == []


def test_bytes_that_name_a_file_are_parsed_not_opened(secret: Path) -> None:
    # feedparser opens a bytes argument as a path; parse_feed must hand it a stream.
    with pytest.raises(FeedError) as refused:
        parse_feed(str(secret).encode())
    assert "TOP-SECRET" not in str(refused.value)


# Properties ----------------------------------------------------------------------------

PIECES = [
    b'<?xml version="1.0"?>',
    b'<rss version="2.0">',
    b"<channel>",
    b"<title>T</title>",
    b"<item>",
    b"</item>",
    b"<link>http://x.example/a</link>",
    b"<guid>g</guid>",
    b"<description>&lt;p&gt;x</description>",
    b'<feed xmlns="http://www.w3.org/2005/Atom">',
    b"<entry>",
    b"<!DOCTYPE rss [",
    b"<!ENTITY a 'b'>",
    b"]>",
    b"&",
    b"&a;",
    b"<html>",
    b"<![CDATA[",
    b"]]>",
    b"\xff\xfe",
    b"\x00",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=20)), max_size=30))
def test_any_bytes_parse_or_raise_feed_error(parts: list[bytes]) -> None:
    try:
        feed = parse_feed(b"".join(parts))
    except FeedError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(feed, ParsedFeed) and feed.title


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(p.name for p in FIXTURES.glob("*.x*"))), st.integers(0, 4000))
def test_truncated_fixtures_parse_or_raise_feed_error(name: str, cut: int) -> None:
    try:
        feed = parse_feed(fixture(name)[:cut])
    except FeedError as error:
        assert "\n" not in str(error)
    else:
        assert all(entry.id for entry in feed.entries)


def test_text_that_is_no_url_at_all_is_not_a_web_url() -> None:
    assert is_web_url("http://quay.example/a")
    assert not is_web_url("http://[bad")  # urlsplit raises ValueError on it
    assert not is_web_url("x2")


@given(st.text(max_size=40))
def test_is_web_url_answers_for_any_text(text: str) -> None:
    assert is_web_url(text) in (True, False)
