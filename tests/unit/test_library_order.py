"""Stored list orders: fixed-width id strings, kept in step with every catalog write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library import order_merge
from reader.library.catalog import Catalog, _read_order
from reader.library.order import IdOrder
from tests.unit.library_files import open_library, titles, write_article

IDS = ["0123456789abcdef", "fedcba9876543210", "00000000000000ff"]


def test_an_id_order_reads_like_a_list() -> None:
    order = IdOrder("".join(IDS))
    assert len(order) == 3
    assert list(order) == IDS
    assert order[1] == IDS[1] and order[-1] == IDS[2]
    assert order[1:] == IDS[1:]
    with pytest.raises(IndexError):
        order[3]


def test_position_finds_only_whole_ids() -> None:
    order = IdOrder("".join(IDS))
    assert [order.position(id_) for id_ in IDS] == [0, 1, 2]
    # "89abcdeffedcba98" straddles the first two ids: it is not an id of the order.
    assert order.position("89abcdeffedcba98") is None
    assert order.position("short") is None


def test_ids_of_another_width_are_not_stored_as_an_order() -> None:
    assert IdOrder.of(["abc"]) is None
    with pytest.raises(ValueError):
        IdOrder("abc")


def test_a_scan_stores_the_orders_and_a_new_view_uses_them(tmp_path: Path) -> None:
    for number in range(5):
        write_article(tmp_path / f"{number}.txt", f"Story {number}", f"2024-01-0{number + 1}")
    with open_library(tmp_path) as library:
        library.scan()
        catalog = library._catalog
        assert catalog.has_orders()
        for sort in ("date", "title"):
            stored = catalog.ordered_ids(sort)
            assert isinstance(stored, IdOrder)
            assert list(stored) == _read_order(catalog.connection(), sort)
        rows = library.rows()
        assert rows.index_of(rows[3].id) == 3


def test_a_write_that_removes_drops_the_orders_and_the_next_scan_stores_them_again(
    tmp_path: Path,
) -> None:
    write_article(tmp_path / "a.txt", "Older story", "2024-01-01")
    write_article(tmp_path / "gone.txt", "Gone", "2024-01-01")
    with open_library(tmp_path) as library:
        library.scan()
        (tmp_path / "gone.txt").unlink()
        with library._catalog.transaction() as conn:
            Catalog.delete_articles(conn, [str(tmp_path / "gone.txt")])
        assert not library._catalog.has_orders()
        # Without stored orders the view reads the order from the catalog itself.
        assert titles(library) == ["Older story"]
        write_article(tmp_path / "b.txt", "Newer story", "2024-02-01")
        library.scan()
        assert library._catalog.has_orders()
        assert titles(library) == ["Newer story", "Older story"]


# Rows added to stored orders ----------------------------------------------------------

DAYS = st.sampled_from(
    [None, "", "2024-01-0\u0663", "2024-01-01", "2024-01-02", "2023-12-31", "2024-01-01T09:00"]
)
TITLES = st.sampled_from(["a", "A", "b", "B", "ab", "a b", "", "Z", "_x", "ä", "Ä", "é", "[", "~"])


def _article_row(number: int, day: str | None, title: str) -> tuple[object, ...]:
    path = f"/lib/{number}.md"
    return (f"{number:016x}", path, 1, 1, "hash", title, day, None, None, None, None)


def _catalog_with(tmp_path: Path, rows: list[tuple[str | None, str]]) -> Catalog:
    catalog = Catalog(tmp_path / f"catalog-{len(list(tmp_path.iterdir()))}.sqlite")
    with catalog.transaction() as conn:
        Catalog.put_articles(conn, [_full(_article_row(n, *row)) for n, row in enumerate(rows)])
    catalog.refresh_orders()
    return catalog


def _full(row: tuple[object, ...]) -> tuple[object, ...]:
    return (*row, "", 0, "text", False, False)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    before=st.lists(st.tuples(DAYS, TITLES), min_size=1, max_size=30),
    added=st.lists(st.tuples(DAYS, TITLES), min_size=1, max_size=8),
)
def test_rows_added_take_the_places_the_catalog_sorts_them_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: list, added: list
) -> None:
    monkeypatch.setattr(order_merge, "MERGE_SHARE", 0)  # place them however many they are
    catalog = _catalog_with(tmp_path, before)
    try:
        with catalog.transaction() as conn:
            new = [_article_row(len(before) + n, *row) for n, row in enumerate(added)]
            Catalog.put_articles(conn, [_full(row) for row in new])
        # A date that is not ISO text, when met, is left to SQLite: the orders are read
        # whole later. Either way they are the catalog's.
        if all(day is None or day.isascii() for day, _ in before + added):
            assert catalog.has_orders()
        for sort in ("date", "title"):
            assert list(catalog.ordered_ids(sort)) == _read_order(catalog.connection(), sort)
    finally:
        catalog.close()


def test_a_write_that_replaces_or_changes_a_row_drops_the_orders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(order_merge, "MERGE_SHARE", 0)
    rows = [("2024-01-01", "One"), ("2024-01-02", "Two")]
    for change in ("retitled", "new id at a path", "added and removed"):
        catalog = _catalog_with(tmp_path, rows)
        try:
            with catalog.transaction() as conn:
                if change == "retitled":
                    Catalog.put_articles(conn, [_full(_article_row(0, "2024-01-01", "Zero"))])
                elif change == "new id at a path":
                    moved = ("00000000000000aa", *_article_row(0, "2024-01-01", "One")[1:])
                    Catalog.put_articles(conn, [_full(moved)])
                else:
                    Catalog.put_articles(conn, [_full(_article_row(5, None, "Five"))])
                    Catalog.delete_articles(conn, ["/lib/1.md"])
            assert not catalog.has_orders(), change
        finally:
            catalog.close()


def test_many_rows_added_at_once_drop_the_orders(tmp_path: Path) -> None:
    catalog = _catalog_with(tmp_path, [("2024-01-01", f"Story {n}") for n in range(10)])
    try:
        with catalog.transaction() as conn:
            Catalog.put_articles(conn, [_full(_article_row(10, None, "One more"))])
        # One row in ten is more than the share placed one by one: read whole later.
        assert not catalog.has_orders()
    finally:
        catalog.close()


def test_one_row_added_to_a_bigger_library_keeps_the_orders_stored(tmp_path: Path) -> None:
    rows = [(f"2024-01-{1 + n % 28:02d}", f"Story {n}") for n in range(200)]
    catalog = _catalog_with(tmp_path, rows)
    try:
        with catalog.transaction() as conn:
            Catalog.put_articles(conn, [_full(_article_row(200, "2024-01-15", "Middle"))])
        assert catalog.has_orders()  # kept current, not dropped to be read whole
        for sort in ("date", "title"):
            assert list(catalog.ordered_ids(sort)) == _read_order(catalog.connection(), sort)
    finally:
        catalog.close()
