"""Answers remembered to save repeated work hold only short texts, so whatever a feed or an
export brings, the memory they keep stays small; and a remembered answer is the same."""

from __future__ import annotations

from reader.feeds import common, entries
from reader.sources import simpleyaml


def test_long_texts_are_answered_but_not_remembered() -> None:
    long_title = "harbour " * 4000
    long_url = "https://example.org/" + "a" * 50_000
    before = (
        simpleyaml._remembered_scalar.cache_info().currsize,
        common._remembered_web_url.cache_info().currsize,
        entries._remembered_page_key.cache_info().currsize,
    )
    assert simpleyaml.scalar(long_title) == simpleyaml._scalar(long_title)
    assert common.is_web_url(long_url)
    assert entries._link_page_key(long_url) is not None
    entry = type("Entry", (), {"link": long_url})()
    assert entries._page_key(entry) == entries._link_page_key(long_url)  # type: ignore[arg-type]
    after = (
        simpleyaml._remembered_scalar.cache_info().currsize,
        common._remembered_web_url.cache_info().currsize,
        entries._remembered_page_key.cache_info().currsize,
    )
    assert after == before


def test_short_texts_are_remembered_with_the_same_answers() -> None:
    for text in ("Harbour news", "yes", "a: b", "2024-01-02", "it's"):
        assert simpleyaml.scalar(text) == simpleyaml._scalar(text) == simpleyaml.scalar(text)
    for url in ("https://e.org/a", "http://[x", "ftp://e.org/", "https://e.org"):
        assert common.is_web_url(url) == common._web_url(url) == common.is_web_url(url)
    assert simpleyaml._remembered_scalar.cache_info().currsize > 0
    assert common._remembered_web_url.cache_info().currsize > 0
