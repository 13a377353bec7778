"""A virtual, paged view of the catalog in list order, for lists of any length."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from reader.library.catalog import Catalog
from reader.library.order import IdOrder
from reader.models import ArticleMeta

PAGE_SIZE = 200
"""Rows fetched together; a screenful of list rows needs one or two pages."""

CACHED_PAGES = 32
"""Pages kept in memory, most recently used first out last."""

REMOVED_TITLE = "(removed)"
"""Title shown for a row whose article left the catalog after the view was made."""


class CatalogRows:
    """Articles in a fixed order: only the ordered ids are held, rows are fetched by page.

    The order is read once, when the view is made; a later scan does not change it
    (ask the library for a new view). A row whose article has since gone is shown
    with the title "(removed)" rather than failing.
    """

    def __init__(self, catalog: Catalog, sort: str, ids: Sequence[str] | None = None) -> None:
        """The whole catalog in `sort` order, or only `ids` (already in that order)."""
        self._catalog = catalog
        self._ids = catalog.ordered_ids(sort) if ids is None else ids
        self._pages: OrderedDict[int, list[ArticleMeta]] = OrderedDict()
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index: int) -> ArticleMeta:
        if index < 0:
            index += len(self._ids)
        if not 0 <= index < len(self._ids):
            raise IndexError(f"row {index} out of range")
        page, offset = divmod(index, PAGE_SIZE)
        return self._page(page)[offset]

    def index_of(self, article_id: str) -> int | None:
        """The row of an article, or None when it is not in this view."""
        if isinstance(self._ids, IdOrder):
            return self._ids.position(article_id)
        if self._positions is None:
            self._positions = {id_: row for row, id_ in enumerate(self._ids)}
        return self._positions.get(article_id)

    def ids(self) -> list[str]:
        """Every id in this view's order (a copy)."""
        return list(self._ids)

    def _page(self, page: int) -> list[ArticleMeta]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        found = self._catalog.metas(ids)
        rows = [found.get(id_) or ArticleMeta(id=id_, path="", title=REMOVED_TITLE) for id_ in ids]
        self._pages[page] = rows
        if len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows
