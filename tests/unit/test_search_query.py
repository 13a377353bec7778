"""The query language parser: every operator and filter, nasty input, and any text at all."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.query import (
    MAX_LENGTH,
    And,
    DateFilter,
    FieldFilter,
    Not,
    Or,
    Phrase,
    Prefix,
    Query,
    StateFilter,
    Term,
    fold,
    parse,
)

T = Term

TABLE = [
    # words, phrases, boolean operators
    ("summit", T("summit")),
    ("summit peace", And((T("summit"), T("peace")))),
    ("summit AND peace", And((T("summit"), T("peace")))),
    ('"peace talks"', Phrase("peace talks")),
    ("summit OR forum", Or((T("summit"), T("forum")))),
    ("a OR b OR c", Or((T("a"), T("b"), T("c")))),
    ("a b OR c", And((T("a"), Or((T("b"), T("c")))))),
    ("summit or forum", And((T("summit"), T("or"), T("forum")))),
    ("-football", Not(T("football"))),
    ("NOT football", Not(T("football"))),
    ("NOT NOT football", T("football")),
    ('-"peace talks"', Not(Phrase("peace talks"))),
    ("sum*", Prefix("sum")),
    ('"peace tal*"', Prefix("peace tal")),
    ("\u201cpeace talks\u201d", Phrase("peace talks")),
    ("(a OR b) c", And((Or((T("a"), T("b"))), T("c")))),
    ("-(a b)", Not(And((T("a"), T("b"))))),
    ("well-known", T("well-known")),
    # field filters
    ("title:khankendi", FieldFilter("title", "khankendi")),
    ('title:"peace talks"', FieldFilter("title", "peace talks")),
    ("title: summit", FieldFilter("title", "summit")),
    ("Title:Summit", FieldFilter("title", "summit")),
    ("tag:politics", FieldFilter("tag", "politics")),
    ("source:BBC", FieldFilter("source", "bbc")),
    ("place:baku", FieldFilter("place", "baku")),
    ("title:sum*", FieldFilter("title", "sum", prefix=True)),
    ("-tag:sport", Not(FieldFilter("tag", "sport"))),
    # date filters: [start, end)
    ("after:2025-01-01", DateFilter(date(2025, 1, 1), None)),
    ("after:2025-01", DateFilter(date(2025, 1, 1), None)),
    ("before:2025-07", DateFilter(None, date(2025, 7, 1))),
    ("before:2025-07-15", DateFilter(None, date(2025, 7, 15))),
    ("date:2025", DateFilter(date(2025, 1, 1), date(2026, 1, 1))),
    ("date:2025-12", DateFilter(date(2025, 12, 1), date(2026, 1, 1))),
    ("date:2024-02-29", DateFilter(date(2024, 2, 29), date(2024, 3, 1))),
    ("date:9999", DateFilter(date(9999, 1, 1), None)),
    # state filters
    ("is:bookmarked", StateFilter("bookmarked")),
    ("is:unread", StateFilter("unread")),
    ("is:read", StateFilter("read")),
    ("has:note", StateFilter("note")),
    ("has:highlights", StateFilter("highlight")),
    ("-is:read", Not(StateFilter("read"))),
    # case and accents
    ("Zürich", T("zurich")),
    ("ÉCOLE", T("ecole")),
    ("Straße", T("strasse")),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_parses(text: str, expected: object) -> None:
    query = parse(text)
    assert query.root == expected
    assert query.hint is None


NASTY = [
    ('"unclosed quote', And((T("unclosed"), T("quote"))), "unclosed quote"),
    ("((", None, "unclosed parenthesis"),
    ("(summit", T("summit"), "unclosed parenthesis"),
    ("summit)", T("summit"), "unmatched"),
    ("OR", None, "OR needs"),
    ("summit OR", T("summit"), "OR needs"),
    ("OR summit", T("summit"), "OR needs"),
    ("NOT", None, "NOT needs"),
    ("-", None, None),
    ("AND", None, None),
    ("title:", None, "title: needs a word"),
    ('title:""', None, "title: needs a word"),
    ("tag:*", None, "tag: needs a word"),
    ("foo:bar", T("foo:bar"), "foo: is not a filter"),
    ("10:30", T("10:30"), None),
    ("after:2025-13", None, "after: needs a date like"),
    ("before:yesterday", None, "before: needs a date"),
    ("date:2025-02-30", None, "date: needs a date"),
    ("date:", None, "date: needs a date"),
    ("is:happy", None, "is: takes"),
    ("has:", None, "has: takes"),
    ("a*", T("a"), "two letters"),
    ("*", None, None),
    ("!!! ...", None, None),
    ("()", None, None),
    ("summit\x00\x1b[31mred\x7f", And((T("summit"), T("[31mred"))), None),
    ("((((((((((((deep))))))))))))", T("deep"), "nested deeper"),
]


@pytest.mark.parametrize(("text", "expected", "hint"), NASTY, ids=[row[0] for row in NASTY])
def test_nasty_input_gives_best_effort_and_hint(
    text: str, expected: object, hint: str | None
) -> None:
    query = parse(text)
    assert query.root == expected
    if hint is None:
        assert query.hint is None
    else:
        assert query.hint is not None and hint in query.hint
        assert "\n" not in query.hint


def test_long_query_is_capped_with_a_hint() -> None:
    query = parse("summit " * 2000)
    assert len(query.text) <= MAX_LENGTH
    assert query.hint is not None and "too long" in query.hint
    assert isinstance(query.root, And)


def test_deep_nesting_and_negation_chains_do_not_recurse_without_bound() -> None:
    assert parse("(" * 10_000).root is None
    assert parse("(" * 999 + "x").root == T("x")
    assert parse("-" * 999 + "x").root == Not(T("x"))
    assert parse("NOT " * 200 + "x").root == T("x")


def test_ranked_words_and_prefixes() -> None:
    query = parse('summit "peace talks" -football tag:x sum* title:zurich')
    assert query.ranked
    assert query.words() == ("summit", "peace talks", "zurich")
    assert query.prefixes() == ("sum",)
    assert not parse("date:2025 -football").ranked
    assert parse("").is_empty


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Zürich Ångström ÇA ﬁle") == "zurich angstrom ca file"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    query = parse(text)
    assert isinstance(query, Query)
    assert query.hint is None or "\n" not in query.hint


_PIECES = st.sampled_from(
    ['"', "(", ")", "-", "*", ":", "OR", "AND", "NOT", " ", "title:", "date:", "is:", "a", "é"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_operator_soup_parses(text: str) -> None:
    assert isinstance(parse(text), Query)


@pytest.mark.parametrize("text", ["after:banana", "summit is:sleepy", "OR summit", "summit NOT"])
def test_a_dropped_part_is_a_mistake(text: str) -> None:
    query = parse(text)
    assert query.mistake is not None and query.hint is not None


@pytest.mark.parametrize("text", ["summit", '"peace talks', "(summit", "fooo:bar"])
def test_a_query_read_another_way_is_no_mistake(text: str) -> None:
    assert parse(text).mistake is None
