"""Property tests: any text typed parses and searches a real index without raising."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import Article, ArticleMeta, Block, BlockKind
from reader.search import Marker, SearchIndex, StateFilters
from reader.search.index import HINT_FAILED

WORDS = ["summit", "peace", "talks", "Zürich", "forum", "négociations", "[bold]", "don't", "2025"]


def _article(number: int) -> Article:
    text = " ".join(WORDS[(number + k) % len(WORDS)] for k in range(12))
    meta = ArticleMeta(
        id=f"a{number}",
        path=f"/lib/{number}.txt",
        title=WORDS[number % len(WORDS)],
        date=date(2020 + number % 6, 1 + number % 12, 1) if number % 4 else None,
        tags=("politics",) if number % 2 else (),
        place="Baku" if number % 3 else None,
    )
    return Article(meta, (Block(BlockKind.PARAGRAPH, text),))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    with SearchIndex.open(tmp_path_factory.mktemp("props") / "index") as opened:
        opened.add(_article(n) for n in range(30))
        opened.commit()
        yield opened


STATE = StateFilters(bookmarked=frozenset({"a1"}), read=frozenset({"a2", "a3"}))
_SOUP = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "-",
        "*",
        ":",
        " OR ",
        " AND ",
        " NOT ",
        " ",
        "title:",
        "tag:",
        "date:",
        "after:2025-0",
        "before:",
        "is:",
        "has:",
        "unread",
        "summit",
        "pea",
        "é",
        "\x00",
        "\u202e",
    ]
)
QUERIES = st.one_of(st.text(max_size=200), st.lists(_SOUP, max_size=30).map("".join))


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUERIES, order=st.sampled_from(["relevance", "date"]), stated=st.booleans())
def test_any_text_searches_without_raising(
    index: SearchIndex, text: str, order: str, stated: bool
) -> None:
    results = index.search(text, limit=5, order=order, state=STATE if stated else None)
    assert results.total >= len(results.hits)
    assert results.hint is None or "\n" not in results.hint
    assert results.hint != HINT_FAILED  # the guard is a last resort, not the plan
    for hit in results.hits:
        for start, end in hit.snippet.spans:
            assert 0 <= start < end <= len(hit.snippet.text)


@settings(max_examples=150, deadline=None)
@given(query=QUERIES, text=st.text(max_size=300))
def test_marker_spans_are_words_of_the_text(query: str, text: str) -> None:
    spans = Marker.for_query(query).spans(text)
    assert spans == sorted(spans)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
