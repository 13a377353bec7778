"""Turn a parsed query tree into tantivy queries, without tantivy's own query parser."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

import tantivy

from reader.search.analysis import folds, stems
from reader.search.query import (
    And,
    DateFilter,
    FieldFilter,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    StateFilter,
    Term,
)

TITLE_BOOST = 3.0
"""A word in the title counts this many times a word in the body."""

KEYWORD_FIELDS = {"tag": "tags", "place": "place", "source": "source"}
"""Query field names and the index fields they search."""

Occur = tantivy.Occur


@dataclass(frozen=True, slots=True)
class StateFilters:
    """Article ids in each reading state, for `is:` and `has:` (supplied by the store)."""

    bookmarked: Set[str] = frozenset()
    read: Set[str] = frozenset()
    noted: Set[str] = frozenset()
    highlighted: Set[str] = frozenset()


class Translator:
    """Builds tantivy queries for one schema; unusable leaves translate to None."""

    def __init__(self, schema: tantivy.Schema, state: StateFilters | None) -> None:
        self.schema = schema
        self.state = state

    def translate(self, node: Node) -> tantivy.Query | None:
        """The tantivy query for a tree (None when nothing in it is searchable)."""
        if isinstance(node, And):
            return self._and(node.children)
        if isinstance(node, Or):
            return self._or(node.children)
        if isinstance(node, Not):
            inner = self.translate(node.child)
            return None if inner is None else _without(tantivy.Query.all_query(), inner)
        return self._leaf(node)

    def _and(self, children: tuple[Node, ...]) -> tantivy.Query | None:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for child in children:
            negated = isinstance(child, Not)
            query = self.translate(child.child if isinstance(child, Not) else child)
            if query is not None:
                clauses.append((Occur.MustNot if negated else Occur.Must, query))
        if not clauses:
            return None
        if all(occur == Occur.MustNot for occur, _ in clauses):
            clauses.append((Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _or(self, children: tuple[Node, ...]) -> tantivy.Query | None:
        queries = [q for child in children if (q := self.translate(child)) is not None]
        if not queries:
            return None
        return _any(queries)

    def _leaf(self, node: Node) -> tantivy.Query | None:
        if isinstance(node, Term | Phrase):
            return self._text(stems(node.text), ("title", "body", "notes"))
        if isinstance(node, Prefix):
            return self._prefix(node.text, ("title", "body", "notes"))
        if isinstance(node, FieldFilter):
            return self._field(node)
        if isinstance(node, DateFilter):
            return self._date(node)
        if isinstance(node, StateFilter):
            return self._state(node.state)
        return None

    def _text(self, tokens: tuple[str, ...], fields: tuple[str, ...]) -> tantivy.Query | None:
        """Tokens in a row (one token: a term) in any of the fields, title boosted."""
        if not tokens:
            return None
        return _any([_boosted(f, self._sequence(f, list(tokens))) for f in fields])

    def _sequence(self, field: str, tokens: list[str]) -> tantivy.Query:
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, field, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field, list(tokens))

    def _prefix(
        self, text: str, fields: tuple[str, ...], keyword: bool = False
    ) -> tantivy.Query | None:
        """Words starting with `text`; earlier words of a multi-word prefix match whole."""
        tokens = folds(text)
        if not tokens:
            return None
        head = list(tokens[:-1] if keyword else stems(" ".join(tokens[:-1])))
        return _any(
            [_boosted(f, self._prefix_query(f, head, tokens[-1], not keyword)) for f in fields]
        )

    def _prefix_query(
        self, field: str, head: list[str], last: str, stemmed: bool = True
    ) -> tantivy.Query:
        if head:
            return tantivy.Query.phrase_prefix_query(self.schema, field, [*head, last])
        query = tantivy.Query.regex_query(self.schema, field, re.escape(last) + ".*")
        shorter = prefix_stems(last) if stemmed else []
        if not shorter:
            return query
        others = tantivy.Query.term_set_query(self.schema, field, shorter)
        return _any([query, others])

    def _field(self, node: FieldFilter) -> tantivy.Query | None:
        if node.field == "title":
            if node.prefix:
                return self._prefix(node.value, ("title",))
            return self._text(stems(node.value), ("title",))
        name = KEYWORD_FIELDS[node.field]
        if node.prefix:
            return self._prefix(node.value, (name,), keyword=True)
        return self._text(folds(node.value), (name,))

    def _date(self, node: DateFilter) -> tantivy.Query:
        low = node.start.toordinal() if node.start else None
        high = node.end.toordinal() if node.end else None
        if low is not None and high is not None and low >= high:
            return tantivy.Query.empty_query()
        # an open side must be inclusive (tantivy refuses an exclusive open bound)
        return tantivy.Query.range_query(
            self.schema, "day", tantivy.FieldType.Integer, low, high, include_upper=high is None
        )

    def _state(self, state: str) -> tantivy.Query:
        if state == "unread":
            read = self._ids(self.state.read if self.state else frozenset())
            return _without(tantivy.Query.all_query(), read)
        if self.state is None:
            return tantivy.Query.empty_query()
        ids = {
            "bookmarked": self.state.bookmarked,
            "read": self.state.read,
            "note": self.state.noted,
            "highlight": self.state.highlighted,
        }[state]
        return self._ids(ids)

    def _ids(self, ids: Set[str]) -> tantivy.Query:
        if not ids:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, "id", sorted(ids))


# Endings the English stemmer strips (alone and in common chains), used to guess
# which stems words starting with a prefix can have.
_ENDINGS_TEXT = (
    "s es ies ed ied ing ings er ers est ly ily ation ations ational ization izations "
    "ator ators ative ness ful fulness ment ments ement ements ity ities ive ively ous "
    "ously ism ist ists ance ence ant ent able ably ible al ally ic ical ically ion ions "
    "ize izes ized izing ise ised ising y e"
)
_ENDINGS = _ENDINGS_TEXT.split()
_TAILS = sorted({ending[k:] for ending in _ENDINGS for k in range(len(ending))})


def prefix_stems(prefix: str) -> list[str]:
    """Stems shorter than `prefix` that words starting with it are indexed under.

    The body is indexed by stem, so "negotiations" is stored as "negoti", which a
    plain prefix match for "negotiat" would miss: complete the prefix with common
    endings (and a doubled last letter, as in "running") and keep the stems that
    the prefix does not already cover.
    """
    guesses = [prefix + tail for tail in _TAILS]
    guesses += [prefix + prefix[-1] + ending for ending in ("ing", "ed", "er", "ers")]
    found = {stem for word in guesses for stem in stems(word)[:1]}
    return sorted(stem for stem in found if not stem.startswith(prefix) and len(stem) >= 2)


def _boosted(field: str, query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boost_query(query, TITLE_BOOST) if field == "title" else query


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])


def _without(base: tantivy.Query, excluded: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(Occur.Must, base), (Occur.MustNot, excluded)])
