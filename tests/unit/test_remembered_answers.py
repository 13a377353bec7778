"""Answers remembered to save repeated work hold only short texts, so whatever a feed or an
export brings, the memory they keep stays small; and a quick answer is the same answer."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from reader.feeds import common, entries
from reader.memo import ShortMemo
from reader.sources import simpleyaml


def fresh(memo: ShortMemo[object], text: str) -> object:
    """The answer worked out without remembering."""
    return memo.__wrapped__(text)  # type: ignore[attr-defined]


def test_long_texts_are_answered_but_not_remembered() -> None:
    long_title = "harbour " * 4000
    long_url = "https://example.org/" + "a" * 50_000
    memos = (simpleyaml.scalar, common.is_web_url, entries._link_page_key)
    before = [memo.kept() for memo in memos]
    assert simpleyaml.scalar(long_title) == fresh(simpleyaml.scalar, long_title)
    assert common.is_web_url(long_url)
    assert entries._link_page_key(long_url) is not None
    entry = type("Entry", (), {"link": long_url})()
    assert entries._page_key(entry) == entries._link_page_key(long_url)  # type: ignore[arg-type]
    assert [memo.kept() for memo in memos] == before


def test_short_texts_are_remembered_with_the_same_answers() -> None:
    for text in ("Harbour news", "yes", "a: b", "2024-01-02", "it's"):
        assert simpleyaml.scalar(text) == fresh(simpleyaml.scalar, text) == simpleyaml.scalar(text)
    for url in ("https://e.org/a", "http://[x", "ftp://e.org/", "https://e.org"):
        assert common.is_web_url(url) == fresh(common.is_web_url, url) == common.is_web_url(url)
    assert simpleyaml.scalar.kept() > 0
    assert common.is_web_url.kept() > 0


@given(
    st.text(alphabet=st.sampled_from("hH:/.-@[]?#\t\\ 1é"), max_size=30).map(
        lambda tail: "https://" + tail
    )
)
def test_an_entrys_site_is_the_host_urlsplit_reads(url: str) -> None:
    # Plain hosts are read without urlsplit: the same answer, whatever the address holds.
    try:
        expected = urlsplit(url).hostname
    except ValueError:
        expected = None  # not an address at all
    assert entries._host(url) == expected
