"""Stored list orders: fixed-width id strings, kept in step with every catalog write."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.library.catalog import _read_order
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


def test_any_write_drops_the_orders_and_the_next_scan_stores_them_again(tmp_path: Path) -> None:
    write_article(tmp_path / "a.txt", "Older story", "2024-01-01")
    with open_library(tmp_path) as library:
        library.scan()
        with library._catalog.transaction():
            pass
        assert not library._catalog.has_orders()
        # Without stored orders the view reads the order from the catalog itself.
        assert titles(library) == ["Older story"]
        write_article(tmp_path / "b.txt", "Newer story", "2024-02-01")
        library.scan()
        assert library._catalog.has_orders()
        assert titles(library) == ["Newer story", "Older story"]
