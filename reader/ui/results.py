"""Search results as article-list rows: catalog metadata plus a snippet for each hit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.models import ArticleMeta

if TYPE_CHECKING:
    from reader.search import SearchResults, Snippet

RESULT_LIMIT = 500
"""Results listed for one query; the count still says how many matched in all."""
STATE_PREFIXES = ("is:", "has:")
"""Queries naming these filter by the reader's own data (bookmarks, notes, read state)."""


def count_text(results: SearchResults) -> str:
    """How many articles matched, as shown under the bar ("12 results", "no results")."""
    total = results.total
    if total == 0:
        return "no results"
    text = f"{total:,} result" + ("" if total == 1 else "s")
    if len(results.hits) < total and len(results.hits) >= RESULT_LIMIT:
        text += f", best {len(results.hits):,} listed"
    return text if results.ranked else text + ", newest first"


def uses_state(query: str) -> bool:
    """Whether `query` filters by the reader's own data, so it changes when that data does."""
    lowered = query.lower()
    return any(prefix in lowered for prefix in STATE_PREFIXES)


class ResultRows:
    """Ranked hits shown by the article list; each row's metadata is read when first drawn."""

    def __init__(self, results: SearchResults, lookup: Callable[[str], ArticleMeta | None]) -> None:
        self.results = results
        """The search these rows show."""
        self._hits = results.hits
        self._lookup = lookup
        self._metas: dict[int, ArticleMeta] = {}
        self._positions = {hit.id: row for row, hit in reversed(list(enumerate(self._hits)))}

    def __len__(self) -> int:
        return len(self._hits)

    def __getitem__(self, index: int) -> ArticleMeta:
        if index < 0:
            index += len(self._hits)
        meta = self._metas.get(index)
        if meta is None:
            hit = self._hits[index]
            # an article gone from the catalog since indexing still lists with what the index knew
            meta = self._lookup(hit.id) or ArticleMeta(
                id=hit.id, path="", title=hit.title, date=hit.date
            )
            self._metas[index] = meta
        return meta

    def index_of(self, article_id: str) -> int | None:
        """The row of an article, or None when it is not among the results."""
        return self._positions.get(article_id)

    def ids(self) -> list[str]:
        """Every listed id, in list order."""
        return [hit.id for hit in self._hits]

    def snippet(self, index: int) -> Snippet:
        """The piece of the article's text shown under its title, with the matches."""
        return self._hits[index].snippet

    def snippet_label(self, index: int) -> str:
        """The label leading a snippet taken from the reader's notes, kept when it is cut."""
        # Imported here: results exist only once the search engine is loaded, after start-up.
        from reader.search.documents import NOTE_LABEL

        return NOTE_LABEL if self._hits[index].in_notes else ""
