"""The lxml fast path for feeds gives exactly what feedparser gives, or declines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.feeds.fastparse import fast_result
from reader.feeds.parse import FeedError, parse_feed, parse_feed_fast, parse_feed_slow
from tests.unit.feed_documents import (
    assert_same,
    atom_documents,
    rdf_documents,
    rss_documents,
)
from tests.unit.newsboat_support import BLOG as NEWSBOAT_ATOM
from tests.unit.newsboat_support import NEWS as NEWSBOAT_RSS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
URL = "http://feeds.example/dir/feed.xml"


def both(data: bytes, url: str | None = URL) -> tuple[object, object]:
    """The fast path's feed (None when it declines) and feedparser's (or their FeedError)."""
    try:
        fast: object = parse_feed_fast(data, url=url)
    except FeedError as error:
        fast = str(error)
    try:
        slow: object = parse_feed_slow(data, url=url)
    except FeedError as error:
        slow = str(error)
    return fast, slow


def check(data: bytes, url: str | None = URL, *, accepted: bool | None = None) -> object:
    """Assert the fast path agrees with feedparser or declines; `accepted` says which."""
    fast, slow = both(data, url)
    if accepted is not None:
        assert (fast is not None) == accepted, slow
    if fast is None:
        return None
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return fast
    assert_same(fast, slow)  # type: ignore[arg-type]
    return fast


# Fixtures and the feeds other tests use ------------------------------------------------

ACCEPTED = {"atom10.xml", "rss10.rdf", "rss20_content.xml", "rss20_summary.xml"}


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.[xr]*")))
def test_every_feed_fixture_agrees_or_declines(name: str) -> None:
    check((FIXTURES / name).read_bytes(), accepted=True if name in ACCEPTED else None)


@pytest.mark.parametrize("name", ["rss091.xml", "malformed.xml", "unreadable.xml"])
def test_what_the_fast_path_cannot_vouch_for_goes_to_feedparser(name: str) -> None:
    # Latin-1, not well-formed, not a feed.
    assert fast_result((FIXTURES / name).read_bytes(), URL) is None


@pytest.mark.parametrize("text", [NEWSBOAT_RSS, NEWSBOAT_ATOM])
def test_the_newsboat_test_feeds_agree(text: str) -> None:
    check(text.encode("utf-8"), accepted=True)


# Shapes of the feeds other tests build inline (refresh, same page, escapes, batches).
INLINE = [
    b"<rss version='2.0'><channel><title>Fe&#x9d;2;PWNED&#x9c;ed &#x202e;eltit</title>"
    b"<item><title>One&#x9b;31m</title><guid>1</guid><description>Body.</description></item>"
    b"</channel></rss>",
    b"<rss version='2.0'><channel><title>Links</title><link>https://links.example/</link>"
    b"<item><title>An essay on tides</title><link>https://tides.example/essay</link>"
    b"<guid>x1</guid></item><item><guid>x2</guid><description></description></item>"
    b"</channel></rss>",
    b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
    b"<channel><title>Estuary Notes</title><item><title>Curlews</title>"
    b"<link>http://127.0.0.1:8000/c</link><guid isPermaLink='false'>curlew-1</guid>"
    b"<description>A teaser.</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]>"
    b"</content:encoded></item></channel></rss>",
    b"<rss version='2.0'><channel><title>Feed 1</title><item><title>Entry 1 of feed 1</title>"
    b"<guid isPermaLink='false'>f1-1</guid><link>http://feed1.example/1</link>"
    b"<pubDate>Mon, 03 Feb 2025 17:01:00 +0000</pubDate>"
    b"<description>&lt;p&gt;Body&lt;/p&gt;</description></item></channel></rss>",
]


@pytest.mark.parametrize("data", INLINE)
def test_the_inline_feeds_of_other_tests_agree(data: bytes) -> None:
    check(data, accepted=True)
    check(data, url="http://127.0.0.1:8000/feed", accepted=True)


def test_the_bench_feed_is_taken_by_the_fast_path() -> None:
    import random
    from datetime import UTC, datetime

    from bench.bench_ingest import _entry
    from bench.corpus import _sentence_pool

    rng = random.Random(3)
    pool = _sentence_pool(rng)
    items = "".join(_entry(rng, pool, 1, n, datetime(2025, 1, 1, n, tzinfo=UTC)) for n in range(5))
    text = f'<rss version="2.0"><channel><title>B</title>{items}</channel></rss>'
    assert check(DECLARED + text.encode(), accepted=True) is not None


# Tricky documents ----------------------------------------------------------------------

RSS = '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><link>http://t.example/</link>{}</channel></rss>'
ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="http://a.example/"/>{}</feed>'

DECLARED = b'<?xml version="1.0" encoding="utf-8"?>\n'

MEDIA = "xmlns:media='http://search.yahoo.com/mrss/'"
TRICKY_RSS = [
    f"<item><title>m</title><media:content {MEDIA} url='/v.mp4' medium='video'/>"
    f"<media:thumbnail {MEDIA} url='/t.jpg'/><guid>x</guid></item>",
    f"<item><media:content {MEDIA} url='/v.mp4'><media:title>Other</media:title></media:content>"
    "<title>t</title><guid>x</guid></item>",
    "<item><title>f</title><feedburner:origLink xmlns:feedburner="
    "'http://rssnamespace.org/feedburner/ext/1.0'>/orig</feedburner:origLink></item>",
    "<item><title><![CDATA[Salt & <b>pepper</b>]]></title><guid>x</guid></item>",
    "<item><title>AT&amp;T &amp; friends</title><guid>x</guid></item>",
    "<item><title>a &amp;amp; b</title><guid>x</guid></item>",  # looks like HTML
    "<item><title>&lt;i&gt;a&lt;/i&gt; &amp;copy; &lt;script&gt;x&lt;/script&gt;</title></item>",
    "<item><title>a &lt;b&gt;bold&lt;/b&gt;</title><guid>x</guid></item>",  # looks like HTML
    "<item><title>Fe&#x9d;2 &#x202e;x &#150; dash</title><guid>x</guid></item>",  # C1 controls
    "<item><title>Ã©tÃ© mojibake</title><guid>x</guid></item>",  # UTF-8 read as Latin-1
    "<item><title>  spaced\n title  </title><link> /rel/a </link></item>",
    "<item><link>/a?x=1&amp;y=2&amp;z;</link></item>",
    "<item><link></link><guid>http://t.example/g</guid></item>",
    "<item><link>/a?x=1&amp;amp;y=2&amp;amp;z</link></item>",  # escaped twice
    "<item><guid>/g/1</guid></item>",  # a permalink guid is resolved and is the link
    '<item><guid isPermaLink="false">/g/1</guid></item>',
    '<item><guid isPermaLink="FALSE">/g/1</guid></item>',
    "<item><guid>http://t.example/g</guid><link>http://t.example/l</link></item>",
    "<item><title>No id</title><pubDate>Tue, 04 Feb 2025 08:15:00 EST</pubDate></item>",
    "<item><title>z</title><pubDate>04 Feb 2025 08:15 +0530</pubDate></item>",
    "<item><title>z</title><pubDate>2025-02-04T08:15:00+01:00</pubDate></item>",
    "<item><title>z</title><pubDate>Tuesday, February 4, 2025</pubDate></item>",
    "<item><title>z</title><dc:date>2024-03-02</dc:date></item>",
    "<item><title>z</title><pubDate>nonsense</pubDate><dc:date>2024-03-02T01:02Z</dc:date></item>",
    "<item><author>hal@t.example (Hal B)</author><guid>x</guid></item>",
    "<item><author>Hal B &lt;hal@t.example&gt;</author><guid>x</guid></item>",
    "<item><dc:creator>  Maud  </dc:creator><guid>x</guid></item>",
    "<item><author>a</author><dc:creator>b</dc:creator><guid>x</guid></item>",
    "<item><description>&lt;p&gt;s&lt;/p&gt;</description><content:encoded>"
    "<![CDATA[<p>full <a href='/x'>link</a></p>]]></content:encoded><guid>x</guid></item>",
    "<item><content:encoded><![CDATA[<p>c</p>]]></content:encoded><description>d</description>"
    "<guid>x</guid></item>",
    "<item><content:encoded></content:encoded><description>only this</description>"
    "<guid>x</guid></item>",
    "<item><description><![CDATA[<p>x</p><script>alert(1)</script>]]></description>"
    "<guid>x</guid></item>",
    "<item><description><![CDATA[<p>x</p><iframe src='y'>frame text</iframe>]]></description>"
    "<guid>x</guid></item>",
    "<item><description><![CDATA[<p>x<!-- c --></p>]]></description><guid>x</guid></item>",
    "<item><description>"
    "<![CDATA[<p onclick='x()' style='color:red'>x &nbsp;&copy;&bogus; a < b</p>]]>"
    "</description><guid>x</guid></item>",
    "<item><description><p>inline xhtml</p></description><guid>x</guid></item>",
    "<item><description>one</description><description>two</description><guid>x</guid></item>",
    "<item><title>x<!-- note -->y</title><guid>x</guid></item>",
    "<item><Title>Capital</Title><guid>x</guid></item>",
    "<item><media:title xmlns:media='http://search.yahoo.com/mrss/'>m</media:title>"
    "<guid>x</guid></item>",
    "<item><foo:title xmlns:foo='urn:x'>m</foo:title><guid>x</guid></item>",
    "<item><source url='http://s.example/'>Src</source><category>c</category><guid>x</guid></item>",
    "<item><enclosure url='http://e.example/a.mp3' length='1' type='audio/mpeg'/><guid>x</guid>"
    "</item>",
    "<item><title>\u00a0nbsp\u00a0</title><guid>x</guid></item>",
    "<item><title>\u0085NEL</title><guid>x</guid></item>",
]

TRICKY_ATOM = [
    f"<entry><id>urn:1</id><title>t</title><media:thumbnail {MEDIA} url='/t.jpg'/></entry>",
    f"<entry><id>urn:1</id><media:group {MEDIA}><media:title>g</media:title></media:group></entry>",
    "<entry><id>urn:1</id><title type='html'>Salt &amp;amp; &lt;b&gt;pepper&lt;/b&gt;</title>"
    "</entry>",
    "<entry><id>urn:1</id><title type='html'>plain words</title></entry>",
    "<entry><id>urn:1</id><title type='html'>a &amp;amp; b &lt; c &amp;gt; d</title></entry>",
    "<entry><id>urn:1</id><title type='html'>&lt;script&gt;x()&lt;/script&gt;T</title></entry>",
    "<entry><id>urn:1</id><title type='text'>a &lt;b&gt; &amp;amp; c</title></entry>",
    "<entry><id>urn:1</id><title type='xhtml'>"
    "<div xmlns='http://www.w3.org/1999/xhtml'>x <b>y</b></div></title></entry>",
    "<entry><id>urn:1</id></entry>",  # no link: the id is the link
    "<entry><link href='/e/1'/><id>/e/id</id></entry>",
    "<entry><id>urn:1</id><link rel='self' href='/self'/>"
    "<link rel='ALTERNATE' type='TEXT/HTML' href='/alt'/></entry>",
    "<entry><id>urn:1</id><link rel='enclosure' href='/a.mp3'/></entry>",
    "<entry><id>urn:1</id><link href='/x' type='application/xhtml+xml'/></entry>",
    "<entry><id>urn:1</id><published>2025-04-20T06:45:00+01:00</published>"
    "<updated>2025-04-21T07:00:00Z</updated></entry>",
    "<entry><id>urn:1</id><updated>2025-04-21</updated></entry>",
    "<entry><id>urn:1</id><author><name>E H</name><email>e@h.example</email></author></entry>",
    "<entry><id>urn:1</id><author><email>e@h.example</email></author></entry>",
    "<entry><id>urn:1</id><author><uri>/u</uri></author></entry>",
    "<entry><id>urn:1</id><author><name></name></author></entry>",
    "<entry><id>urn:1</id><author><name>A</name></author><author><name>B</name></author></entry>",
    "<entry><id>urn:1</id><summary>s &lt;p&gt;</summary></entry>",
    "<entry><id>urn:1</id><summary type='html'>&lt;p&gt;s&lt;/p&gt;</summary>"
    "<content type='html'>&lt;p&gt;c&lt;/p&gt;</content></entry>",
    "<entry><id>urn:1</id><content>plain &lt;p&gt; text</content></entry>",
    "<entry><id>urn:1</id><content type='html'></content><summary>s</summary></entry>",
    "<entry><id>urn:1</id><content src='http://x.example/c'/></entry>",
    "<entry><id>urn:1</id><content type='image/png'>iVBORw0KGgo=</content></entry>",
    "<entry><id>urn:1</id><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
    "<p>x</p></div></content></entry>",
    "<entry><id>urn:1</id><source><title>S</title></source></entry>",
    "<entry><id>urn:1</id><category term='c'/><rights>r</rights></entry>",
    "<entry><id>/e/1</id>"
    "<content type='html' xml:base='http://o.example/post/'>&lt;a href='x'&gt;x&lt;/a&gt;</content>"
    "<link href='/after'/></entry>",
    "<entry xml:base='http://o.example/post/'><id>/e/1</id><link href='x'/></entry>",
    "<entry><id>/e/1</id><title xml:base='http://o.example/'>t</title><link href='x'/></entry>",
    "<entry><id>/e/1</id><link xml:base='http://o.example/' href='x'/></entry>",
]


@pytest.mark.parametrize("item", TRICKY_RSS)
def test_tricky_rss_agrees_or_declines(item: str) -> None:
    check(RSS.format(item).encode("utf-8"))
    check(RSS.format(item).encode("utf-8"), url=None)
    check(DECLARED + RSS.format(item).encode("utf-8"))


@pytest.mark.parametrize("entry", TRICKY_ATOM)
def test_tricky_atom_agrees_or_declines(entry: str) -> None:
    check(ATOM.format(entry).encode("utf-8"))
    check(ATOM.format(entry).encode("utf-8"), url=None)
    check(DECLARED + ATOM.format(entry).encode("utf-8"))


def test_an_xml_base_on_entry_content_is_taken_only_given_the_feeds_own_address() -> None:
    # feedparser restores the feed's base after the content, but with none to restore it
    # keeps the content's base for the links that follow.
    entry = (
        "<entry><id>urn:1</id><content type='html' xml:base='http://o.example/p/'>&lt;p&gt;"
        "c&lt;/p&gt;</content><link href='after'/></entry><entry><id>urn:2</id>"
        "<link href='next'/></entry>"
    )
    data = DECLARED + ATOM.format(entry).encode()
    feed = check(data, accepted=True)
    assert [e.link for e in feed.entries] == [  # type: ignore[attr-defined]
        "http://feeds.example/dir/after",
        "http://feeds.example/dir/next",
    ]
    assert check(data, url=None, accepted=False) is None


@pytest.mark.parametrize(
    "url", ["file:///srv/feeds/f.xml", "/srv/feeds/f.xml", "https://u.example", "ftp://f.example/x"]
)
def test_relative_links_resolve_as_feedparser_resolves_them_whatever_the_address(url: str) -> None:
    item = "<item><link>a/b</link><guid>/g</guid><comments>c</comments></item>"
    entry = "<entry><id>e/1</id><link href='../x'/></entry>"
    check(DECLARED + RSS.format(item).encode(), url=url, accepted=True)
    check(DECLARED + ATOM.format(entry).encode(), url=url, accepted=True)


def test_the_feed_author_is_inherited_by_atom_entries() -> None:
    data = ATOM.format("<author><name>Feed Writer</name></author><entry><id>urn:1</id></entry>")
    feed = check(data.encode(), accepted=True)
    assert feed.entries[0].author == "Feed Writer"  # type: ignore[attr-defined]


def test_plain_feeds_are_taken_by_the_fast_path() -> None:
    plain = (
        "<item><title>One</title><link>/one</link><guid>g1</guid>"
        "<pubDate>Tue, 04 Feb 2025 08:15:00 GMT</pubDate>"
        "<description>&lt;p&gt;x&lt;/p&gt;</description></item>"
    )
    check(RSS.format(plain).encode(), accepted=True)
    entry = (
        "<entry><id>urn:1</id><title>One</title><link href='/one'/>"
        "<updated>2025-01-01T00:00:00Z</updated>"
        "<content type='html'>&lt;p&gt;x&lt;/p&gt;</content></entry>"
    )
    check(ATOM.format(entry).encode(), accepted=True)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="iso-8859-1"?>'
        + RSS.format("<item><guid>x</guid></item>").encode(),
        RSS.format("<item><guid>x</guid></item>").encode("utf-16"),
        RSS.format("<item><guid>\xe9</guid></item>").encode("latin-1"),  # undeclared, not UTF-8
        RSS.format("<item><guid>x</guid></item>")
        .replace("<channel>", '<channel xml:base="http://b.example/">')
        .encode(),
        b'<!DOCTYPE rss SYSTEM "http://x.example/d.dtd">'
        + RSS.format("<item><guid>x</guid></item>").encode(),
        RSS.format("<item><title>&nbsp;</title></item>").encode(),  # an HTML entity: not XML
        RSS.format("").encode(),  # no entries
        b'<rss version="2.0" xmlns="http://purl.org/rss/1.0/"><channel><title>T</title><item><guid>x</guid></item></channel></rss>',
        b"<opml><body/></opml>",
        b'<?xml version="1.1"?>' + RSS.format("<item><guid>x</guid></item>").encode(),
        b'<feed xmlns="http://purl.org/atom/ns#"><entry><id>x</id></entry></feed>',  # Atom 0.3
    ],
)
def test_other_encodings_bases_doctypes_and_formats_are_declined(data: bytes) -> None:
    assert fast_result(data, URL) is None
    check(data)


@pytest.mark.parametrize(
    "data",
    [
        RSS.replace('version="2.0"', 'Version="2.0"')
        .format("<item><guid>x</guid></item>")
        .encode(),
        RSS.replace("<channel>", "<channel href='http://c.example/'>").format("<item/>").encode(),
        b"\xef\xbb\xbf" + DECLARED + RSS.format("<item><title>\xc3\xa9</title></item>").encode(),
        b"\xef\xbb\xbf" + RSS.format("<item><title>\xc3\xa9</title></item>").encode(),
        b"<?xml version='1.0' encoding='UTF8'?>"
        + RSS.format("<item><title>T</title></item>").encode(),
        RSS.replace('version="2.0"', 'version="0.92"')
        .format("<item><title>T</title></item>")
        .encode(),
        RSS.replace('version="2.0"', "").format("<item><title>T</title></item>").encode(),
    ],
)
def test_odd_but_well_formed_documents_agree_or_decline(data: bytes) -> None:
    check(data)
    check(data, url=None)


def test_a_deeply_nested_document_is_declined_without_recursion() -> None:
    deep = "<x>" * 5000 + "</x>" * 5000
    data = RSS.format(f"<item><guid>x</guid><description>{deep}</description></item>")
    assert fast_result(data.encode(), URL) is None


def test_entity_declarations_never_reach_the_fast_path() -> None:
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed_fast((FIXTURES / "billion_laughs.xml").read_bytes())


def test_parse_feed_gives_the_fast_paths_result() -> None:
    data = (FIXTURES / "rss20_content.xml").read_bytes()
    assert (
        parse_feed(data, url=URL)
        == parse_feed_fast(data, url=URL)
        == parse_feed_slow(data, url=URL)
    )


# Properties ----------------------------------------------------------------------------

ADDRESSES = [URL, None, "file:///srv/feeds/f.xml", "https://h.example"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rss_documents(), st.sampled_from(ADDRESSES))
def test_generated_rss_agrees_with_feedparser(data: bytes, url: str | None) -> None:
    check(data, url)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rdf_documents(), st.sampled_from(ADDRESSES))
def test_generated_rss_10_agrees_with_feedparser(data: bytes, url: str | None) -> None:
    check(data, url)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(atom_documents(), st.sampled_from(ADDRESSES))
def test_generated_atom_agrees_with_feedparser(data: bytes, url: str | None) -> None:
    check(data, url)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_common_well_formed_feeds_are_accepted(data: st.DataObject) -> None:
    # Plain titles and content: the fast path must take these, not decline everything.
    words = st.text(st.sampled_from(list("abc XYZ 019 ,.!?é€")), min_size=1, max_size=30)
    titles = data.draw(st.lists(words, min_size=1, max_size=5))
    items = "".join(
        f"<item><title>{t}</title><link>/p/{n}</link><guid>g{n}</guid>"
        f"<pubDate>Tue, 04 Feb 2025 08:15:00 GMT</pubDate>"
        f"<description>&lt;p&gt;{t}&lt;/p&gt;</description></item>"
        for n, t in enumerate(titles)
    )
    check(DECLARED + RSS.format(items).encode(), accepted=True)
    entries = "".join(
        f"<entry><id>urn:{n}</id><title>{t}</title><link href='/p/{n}'/>"
        f"<updated>2025-01-01T00:00:00Z</updated>"
        f"<content type='html'>&lt;p&gt;{t}&lt;/p&gt;</content></entry>"
        for n, t in enumerate(titles)
    )
    check(DECLARED + ATOM.format(entries).encode(), accepted=True)


@given(
    st.datetimes(min_value=datetime(1890, 1, 1), max_value=datetime(9100, 12, 31)),
    st.integers(min_value=-1439, max_value=1439),
    st.sampled_from(
        ["{wd}, {d:02} {mon} {y} {t} {z}", "{d} {mon} {y} {t} GMT", "{wd}, {d} {mon} {y} {t} Z"]
    ),
    st.integers(min_value=0, max_value=3),
)
def test_feed_dates_read_quickly_are_what_feedparser_reads(
    moment: datetime, offset: int, form: str, nudge: int
) -> None:
    from feedparser.datetimes import _parse_date

    from reader.feeds.dates import feed_date

    sign = "-" if offset < 0 else "+"
    zone = f"{sign}{abs(offset) // 60:02}{abs(offset) % 60:02}"
    # Now and then a day or second no calendar has: feedparser's answer all the same.
    day = moment.day + (3 if nudge == 3 else 0)
    clock = f"{moment:%H:%M}:{60 if nudge == 2 else moment.second:02}"
    text = form.format(wd=f"{moment:%a}", d=day, mon=f"{moment:%b}", y=moment.year, t=clock, z=zone)
    assert feed_date(text) == _parse_date(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tue, 30 Apr 2024 10:00:00 GMT",
        "Wed, 31 Apr 2024 10:00:00 GMT",
        "Thu, 29 Feb 2024 10:00:00 +0100",
        "Wed, 29 Feb 2023 10:00:00 +0100",
        "Thu, 29 Feb 1900 10:00:00 GMT",
        "Tue, 29 Feb 2000 10:00:00 GMT",
        "Wed, 31 Dec 2025 23:59:60 GMT",
        "Thu, 01 Jan 1970 00:30:00 +0100",
    ],
)
def test_feed_dates_on_the_calendars_edges_are_what_feedparser_reads(text: str) -> None:
    from feedparser.datetimes import _parse_date

    from reader.feeds.dates import feed_date

    assert feed_date(text) == _parse_date(text)


@given(
    st.sampled_from(["", "http://example.org/a/b", "https://x.org:8080/p?q#f", "ftp://h/"]),
    st.sampled_from(["", "http:", "http://", "http:///", "h-1.x://", "1a://", "a/b://"]),
    st.text(alphabet=st.sampled_from("ahtps:/.?#[]%@ 1\\\n"), max_size=30),
)
def test_links_resolve_as_feedparser_resolves_them(base: str, start: str, rest: str) -> None:
    from feedparser.urls import _urljoin

    from reader.feeds.fastparse import resolve_against

    assert resolve_against(base, start + rest) == _urljoin(base, start + rest)
