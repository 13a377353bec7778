"""The search index: matching, ranking, filters, snippets, upserts and recovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from reader.models import Article, ArticleMeta, Block, BlockKind
from reader.search import Marker, SearchIndex, StateFilters
from reader.search.index import NOTICE_DAMAGED, NOTICE_OUTDATED, VERSION_FILE


def article(
    article_id: str,
    title: str,
    body: str,
    day: date | None = None,
    **meta: object,
) -> Article:
    blocks = tuple(Block(BlockKind.PARAGRAPH, text) for text in body.split("\n\n"))
    info = ArticleMeta(id=article_id, path=f"/lib/{article_id}.txt", title=title, date=day, **meta)  # type: ignore[arg-type]
    return Article(info, blocks)


ARTICLES = [
    article(
        "baku",
        "Leaders gather in Baku",
        "BAKU, Azerbaijan, July 3. The summits drew leaders from Zürich and Oslo.\n\n"
        "Peace talks continued late into the night.",
        date(2025, 7, 3),
        place="Baku, Azerbaijan",
        tags=("Politics", "Caucasus"),
        source="BBC News",
    ),
    article(
        "football",
        "Cup final report",
        "The football summit ended in a draw. Talks about peace were not on the agenda. "
        "Negotiations over the transfer ran late.",
        date(2025, 1, 10),
        tags=("sport",),
        source="Daily Sport",
    ),
    article(
        "forum",
        "Trade forum opens",
        "A forum on trade opened on Monday. Summitry is an art, said a delegate.",
        date(2024, 12, 31),
        place="Geneva",
    ),
    article(
        "undated",
        "Notes without a date",
        "Nothing much here but an idle remark about talks, and peace.",
    ),
    article(
        "titled",
        "Harvest",
        "Farmers in the valley expect a fine crop this year after the rain.",
        date(2023, 5, 1),
    ),
    article(
        "bodied",
        "Weather",
        "The harvest follows the rain, and farmers in the valley expect a crop.",
        date(2023, 5, 2),
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    with SearchIndex.open(tmp_path_factory.mktemp("search") / "index") as opened:
        opened.add(ARTICLES)
        opened.commit()
        yield opened


def ids(index: SearchIndex, query: str, **kwargs: object) -> list[str]:
    return [hit.id for hit in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


def test_opens_a_new_index_writable(index: SearchIndex) -> None:
    assert not index.read_only
    assert not index.rebuilt
    assert index.notice is None
    assert index.count() == len(ARTICLES)
    assert index.ids() == {a.id for a in ARTICLES}


@pytest.mark.parametrize("word", ["summit", "summits", "SUMMIT"])
def test_any_inflection_matches(index: SearchIndex, word: str) -> None:
    assert set(ids(index, word)) == {"baku", "football"}


def test_accents_and_case_are_ignored(index: SearchIndex) -> None:
    assert ids(index, "zurich") == ["baku"]
    assert ids(index, "ZÜRICH") == ["baku"]


def test_all_words_must_match(index: SearchIndex) -> None:
    assert ids(index, "summit oslo") == ["baku"]
    assert ids(index, "summit geneva") == []


def test_phrase_needs_the_words_together(index: SearchIndex) -> None:
    assert ids(index, '"peace talks"') == ["baku"]
    assert set(ids(index, "peace talks")) == {"baku", "football", "undated"}


def test_or_and_exclusion(index: SearchIndex) -> None:
    assert set(ids(index, "summit OR forum")) == {"baku", "football", "forum"}
    assert ids(index, "summit -football") == ["baku"]
    assert set(ids(index, "-summit")) == {"forum", "undated", "titled", "bodied"}
    assert set(ids(index, "(summit OR forum) NOT trade")) == {"baku", "football"}


def test_prefix_matches_word_starts(index: SearchIndex) -> None:
    assert set(ids(index, "summ*")) == {"baku", "football", "forum"}
    # "negotiations" is indexed by its stem "negoti", shorter than the prefix
    assert ids(index, "negotiat*") == ["football"]
    assert ids(index, '"peace tal*"') == ["baku"]


def test_title_words_rank_higher(index: SearchIndex) -> None:
    assert ids(index, "harvest") == ["titled", "bodied"]


def test_field_filters(index: SearchIndex) -> None:
    assert ids(index, "title:forum") == ["forum"]
    assert ids(index, "tag:politics") == ["baku"]
    assert ids(index, "place:baku") == ["baku"]
    assert ids(index, "place:azerbaijan") == ["baku"]
    assert ids(index, "source:bbc") == ["baku"]
    assert ids(index, "source:spo*") == ["football"]
    assert ids(index, "summit -tag:sport") == ["baku"]
    assert ids(index, "title:summit") == []


def test_date_filters(index: SearchIndex) -> None:
    assert ids(index, "date:2025") == ["baku", "football"]
    assert ids(index, "after:2025-02") == ["baku"]
    assert ids(index, "before:2025") == ["forum", "bodied", "titled"]
    assert ids(index, "date:2024-12-31") == ["forum"]
    assert ids(index, "summit date:2025-01") == ["football"]


def test_filter_only_query_lists_newest_first_undated_last(index: SearchIndex) -> None:
    results = index.search("-tag:sport")
    assert not results.ranked
    assert [hit.id for hit in results.hits] == ["baku", "forum", "bodied", "titled", "undated"]
    assert results.hits[0].date == date(2025, 7, 3)
    assert results.hits[-1].date is None
    assert results.hits[0].snippet.text.startswith("BAKU, Azerbaijan")
    assert results.hits[0].snippet.spans == ()


def test_date_order_for_a_ranked_query(index: SearchIndex) -> None:
    assert ids(index, "summit", order="date") == ["baku", "football"]


def test_state_filters(index: SearchIndex) -> None:
    state = StateFilters(
        bookmarked=frozenset({"forum"}),
        read=frozenset({"baku", "football"}),
        noted=frozenset({"titled"}),
        highlighted=frozenset(),
    )
    assert ids(index, "is:bookmarked", state=state) == ["forum"]
    assert ids(index, "summit is:unread", state=state) == []
    assert ids(index, "summit is:read", state=state) == ["baku", "football"]
    assert ids(index, "has:note", state=state) == ["titled"]
    assert ids(index, "has:highlight", state=state) == []
    assert index.search("is:unread", state=state).total == 4


def test_state_filters_without_a_store(index: SearchIndex) -> None:
    assert ids(index, "is:bookmarked") == []
    assert index.search("is:unread").total == len(ARTICLES)


def test_results_carry_total_limit_and_hits(index: SearchIndex) -> None:
    results = index.search("summit OR forum OR harvest", limit=2)
    assert len(results.hits) == 2
    assert results.total == 5
    assert results.hits[0].score >= results.hits[1].score > 0
    assert results.hint is None


def test_snippet_marks_matched_words(index: SearchIndex) -> None:
    [hit] = index.search('"peace talks" zurich').hits
    assert hit.title == "Leaders gather in Baku"
    marked = [hit.snippet.text[start:end] for start, end in hit.snippet.spans]
    assert marked == ["Zürich", "Peace", "talks"]


def test_terms_and_marker_for_the_reading_pane(index: SearchIndex) -> None:
    results = index.search("summits negotiat* -football")
    assert results.terms == ("summit", "negotiat*")
    text = "Summit-level negotiations; football summitry."
    marked = [text[a:b] for a, b in results.marker.spans(text)]
    assert marked == ["Summit", "negotiations"]
    assert Marker.for_query("summit").spans(text) == [(0, 6)]


def test_a_bad_query_gives_a_hint_not_an_error(index: SearchIndex) -> None:
    results = index.search('"summit')
    assert set(hit.id for hit in results.hits) == {"baku", "football"}
    assert results.hint is not None and "unclosed quote" in results.hint
    assert index.search("").hits == ()
    assert index.search("x" * 60).hint is not None


def test_upsert_remove_and_clear(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "index") as index:
        index.add(ARTICLES[:2])
        index.commit()
        changed = article("baku", "Leaders gather in Baku", "An entirely new text about kebabs.")
        index.add([changed])
        index.commit()
        assert index.count() == 2
        assert ids(index, "kebab") == ["baku"]
        assert ids(index, "zurich") == []
        index.remove(["football", "missing"])
        index.commit()
        assert index.ids() == {"baku"}
        index.clear()
        assert index.count() == 0


def test_index_persists_across_opens(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "index") as index:
        index.add(ARTICLES)
    with SearchIndex.open(tmp_path / "index") as again:
        assert again.count() == len(ARTICLES)
        assert not again.rebuilt


def test_a_damaged_index_is_rebuilt_empty(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    with SearchIndex.open(folder) as index:
        index.add(ARTICLES)
    (folder / "meta.json").write_bytes(b"\x00garbage{")
    (folder / "0123.idx").write_bytes(b"junk" * 100)
    with SearchIndex.open(folder) as index:
        assert index.rebuilt
        assert index.notice == NOTICE_DAMAGED
        assert index.count() == 0
        index.add(ARTICLES[:1])
        index.commit()
        assert ids(index, "zurich") == ["baku"]


def test_an_index_from_another_version_is_rebuilt(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    with SearchIndex.open(folder) as index:
        index.add(ARTICLES)
    (folder / VERSION_FILE).write_text("0", encoding="utf-8")
    with SearchIndex.open(folder) as index:
        assert index.rebuilt and index.notice == NOTICE_OUTDATED
        assert index.count() == 0


def test_a_second_writer_opens_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    with SearchIndex.open(folder) as first:
        first.add(ARTICLES)
        first.commit()
        with SearchIndex.open(folder) as second:
            assert second.read_only
            assert second.notice is not None and "read-only" in second.notice
            assert ids(second, "zurich") == ["baku"]
            assert second.add(ARTICLES) == 0
            first.remove(["baku"])
            first.commit()
            second.refresh()
            assert ids(second, "zurich") == []
    with SearchIndex.open(folder) as third:
        assert not third.read_only


def test_an_unusable_folder_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with SearchIndex.open(blocker / "index") as index:
        assert index.notice is not None
        index.add(ARTICLES[:1])
        index.commit()
        assert ids(index, "zurich") == ["baku"]
