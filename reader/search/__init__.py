"""Full-text search: the query language and the index behind one small interface."""

from __future__ import annotations

from reader.search.analysis import Marker, Snippet
from reader.search.documents import Hit
from reader.search.index import SearchIndex, SearchResults
from reader.search.query import Query, parse
from reader.search.translate import StateFilters

__all__ = [
    "Hit",
    "Marker",
    "Query",
    "SearchIndex",
    "SearchResults",
    "Snippet",
    "StateFilters",
    "parse",
]
