"""More like this: the articles whose words most resemble one article's, from the index.

tantivy's more-like-this query picks the article's most telling terms (by tf-idf over its
stored title, body and notes) and finds the articles that share them; the article itself is
excluded by id. A term must occur in at least two articles to be worth asking for, and words
in more than a fifth of the library say little about a topic.
"""

from __future__ import annotations

import tantivy

from reader.search.analysis import stems

MIN_DOC_FREQUENCY = 2
"""A term only the article itself holds cannot find another article."""

COMMON_SHARE = 5
"""Terms in more than 1/COMMON_SHARE of the articles are left out of the query."""

QUERY_TERMS = 30
"""The article's most telling terms asked for."""

MIN_WORD = 3
"""Shorter terms (of, to, it) are left out."""

_COMMON = """
a about above after again against all also am an and any are as at be been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just last
made make many may me more most much my new next no nor not now of off on once one only or
other our ours out over own per said same say says she should since so some still such than
that the their theirs them then there these they this those three through to too two under
until up upon us very was we week were what when where which while who whom why will with
would year years yet you your
"""
STOP_WORDS = sorted({*_COMMON.split(), *stems(_COMMON)})
"""Common English words a more-like-this query ignores, as typed and as the index stems them:
they are in every article and say nothing of its topic."""


def more_like(
    index: tantivy.Index, article_id: str, limit: int
) -> list[tuple[tantivy.Document, float]]:
    """The `limit` articles most like `article_id` (never itself), best first, with scores.

    An article the index does not hold, or one with no telling words, has none.
    """
    schema = index.schema
    searcher = index.searcher()
    own = tantivy.Query.term_query(schema, "id", article_id)
    found = searcher.search(own, 1).hits
    if not found or limit <= 0:
        return []
    total = max(1, int(searcher.num_docs))
    like = tantivy.Query.more_like_this_query(
        found[0][1],
        min_doc_frequency=MIN_DOC_FREQUENCY,
        max_doc_frequency=max(MIN_DOC_FREQUENCY + 1, total // COMMON_SHARE),
        min_term_frequency=1,
        max_query_terms=QUERY_TERMS,
        min_word_length=MIN_WORD,
        stop_words=STOP_WORDS,
    )
    query = tantivy.Query.boolean_query([(tantivy.Occur.Must, like), (tantivy.Occur.MustNot, own)])
    results = searcher.search(query, limit).hits
    return [(searcher.doc(address), float(score)) for score, address in results]
