"""OPML lists: folders as tags, forgiving reading of clear mistakes, writing, safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.feeds.opml import MAX_FOLDER_TAGS, Outline, read_opml, write_opml
from reader.feeds.parse import FeedError
from reader.feeds.registry import Subscription
from tests.http_server import Route

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_nested_folders_become_tags() -> None:
    outlines = read_opml(fixture("folders.opml"))
    assert outlines == [
        Outline("http://loose.example/feed.xml", "Unfiled Feed", ()),
        Outline("http://quayside.example/rss.xml", "Quayside Almanac", ("News",)),
        Outline("http://lantern.example/feed", "Lantern Street Review", ("News", "Regional")),
        Outline("http://kettlemoor.example/atom.xml", "Field Notes from Kettle Moor", ("Nature",)),
        Outline("http://orchard.example/rss", "Orchard Ledger", ("Nature",)),
    ]


def test_raw_ampersands_and_html_entities_are_read_as_meant() -> None:
    outlines = read_opml(fixture("raw_ampersand.opml"))
    assert [o.title for o in outlines] == ["Salt & Pepper Kitchen", "Tea & Toast", "Café Nights"]
    assert outlines[0].url == "http://saltpepper.example/rss?a=1&b=2"
    assert all(o.tags == ("Food & Drink",) for o in outlines)


def test_a_stray_less_than_in_an_attribute_is_read() -> None:
    data = (
        b'<opml version="2.0"><body><outline text="Small <b> big" '
        b'xmlUrl="http://lt.example/feed"/></body></opml>'
    )
    assert read_opml(data) == [Outline("http://lt.example/feed", "Small <b> big", ())]


def test_the_same_feed_in_two_folders_is_listed_once_with_both_tags() -> None:
    outlines = read_opml(fixture("duplicates.opml"))
    assert [o.url for o in outlines] == [
        "http://tinker.example/rss.xml",
        "http://quayside.example/rss.xml",
    ]
    assert outlines[0].tags == ("Morning", "Weekend")


def test_unclosed_outlines_are_recovered() -> None:
    data = (
        b'<?xml version="1.0"?><opml version="1.0"><body>'
        b'<outline text="Open"><outline text="A" xmlUrl="http://a.example/f">'
        b"</body></opml>"
    )
    assert read_opml(data) == [Outline("http://a.example/f", "A", ("Open",))]


def test_category_attribute_adds_tags() -> None:
    data = (
        b'<opml version="2.0"><body><outline text="C" category="/Tech/Python,Daily" '
        b'xmlUrl="http://c.example/f"/></body></opml>'
    )
    assert read_opml(data)[0].tags == ("Tech", "Python", "Daily")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss><channel/></rss>", "not an OPML file: the document is <rss>"),
        (b"", "not a readable OPML file"),
        (b"%%% nothing like XML", "not a readable OPML file"),
    ],
)
def test_other_documents_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        read_opml(data)


def test_entities_are_refused_and_nothing_is_fetched(tmp_path: Path, http_server) -> None:
    secret = tmp_path / "secret"
    secret.write_text("TOP-SECRET-1")
    http_server.routes["/x"] = Route(b"REMOTE", content_type="text/plain")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY s SYSTEM "file://{secret}">'
        f'<!ENTITY r SYSTEM "{http_server.url("/x")}">]>'
        '<opml version="2.0"><body><outline text="&s;&r;" xmlUrl="http://s.example/f"/>'
        "</body></opml>"
    ).encode()
    with pytest.raises(FeedError, match="declares XML entities"):
        read_opml(data)
    assert http_server.requests == []


def test_written_opml_reads_back_with_folders_and_escaping() -> None:
    subs = [
        Subscription("salt", 'Salt & "Pepper" <Kitchen>', "http://s.example/rss?a=1&b=2"),
        Subscription("quay", "Quayside", "http://q.example/rss", tags=("News", "Local")),
        Subscription("moor", "Moor", "http://m.example/atom", tags=("Nature",)),
    ]
    text = write_opml(subs)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "&amp;" in text and "&lt;Kitchen&gt;" in text
    back = {o.url: o for o in read_opml(text.encode())}
    assert set(back) == {s.url for s in subs}
    for sub in subs:
        assert (back[sub.url].title, set(back[sub.url].tags)) == (sub.title, set(sub.tags))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    b"<opml>",
                    b"<body>",
                    b'<outline text="a" xmlUrl="http://x.example/f"/>',
                    b"<outline text='&'>",
                    b"</outline>",
                    b"</body></opml>",
                    b"<!DOCTYPE opml [",
                    b'<?xml version="1.0" encoding="bogus-9"?>',
                    b"&nbsp;",
                    b"<",
                    b'"',
                ]
            ),
            st.binary(max_size=16),
        ),
        max_size=25,
    )
)
def test_any_bytes_read_or_raise_feed_error(parts: list[bytes]) -> None:
    try:
        outlines = read_opml(b"".join(parts))
    except FeedError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert all(isinstance(o, Outline) and o.url for o in outlines)


def test_deeply_nested_folders_are_read_without_recursing() -> None:
    depth = 5000
    data = (
        '<opml version="2.0"><body>'
        + '<outline text="f">' * depth
        + '<outline xmlUrl="http://deep.example/feed" text="Deep"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    assert read_opml(data) == [Outline("http://deep.example/feed", "Deep", ("f",))]


def test_folders_nested_deeper_than_the_tag_limit_add_no_more_tags() -> None:
    depth = 30_000  # distinct names: the old walk copied a longer tuple at every level
    data = (
        '<opml version="2.0"><body>'
        + "".join(f'<outline text="f{level}">' for level in range(depth))
        + '<outline xmlUrl="http://deep.example/feed" text="Deep"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    [outline] = read_opml(data)
    assert outline.tags == tuple(f"f{level}" for level in range(MAX_FOLDER_TAGS))
