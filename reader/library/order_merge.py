"""Keeping the stored list orders current through a write that only adds articles.

Storing an order reads every id through its index: about 50 ms an order at 100,000
articles, paid after every write, however small. A write that only inserts rows (a feed
added, a file saved) instead has its new ids placed in each stored order by binary search:
the keys of the few ids probed are read, not all of them. Anything else (a row removed,
replaced or changed, or too many added to be worth it) drops the orders, and the next
`Catalog.refresh_orders` reads them whole, as before.

The comparisons are SQLite's for the `ORDER_BY` clauses: dates and ids compared as UTF-8
bytes (code points, in Python), NULL dates after every date when descending, and titles
compared with only ASCII letters folded (`COLLATE NOCASE`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from reader.library.catalog_schema import ORDER_BY
from reader.library.order import ID_WIDTH, IdOrder

Key = tuple[str, str | None, str]
"""An article's (id, date, title): what the list orders sort on."""

MERGE_SHARE = 100
"""Added rows are placed one by one only while they are fewer than 1/MERGE_SHARE of all:
each costs about a dozen row lookups an order, against under a microsecond a row for
reading the order whole. At 100,000, 500 rows scattered over both orders cost about as
much as reading them whole (`python -m bench.bench_catalog_add`)."""

_LOOKUP = 500
"""Ids looked up in one query."""

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def mark_or_drop(conn: sqlite3.Connection) -> int | None:
    """At the start of a write: the change log's last number, when every order is stored
    and may be kept current from it (see `keep_current`); else the orders are dropped."""
    if conn.execute("SELECT count(*) FROM orders").fetchone()[0] == len(ORDER_BY):
        try:
            return int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])
        except sqlite3.Error:
            pass  # an older file without the change log
    conn.execute("DELETE FROM orders")
    return None


def keep_current(conn: sqlite3.Connection, since: int) -> None:
    """Bring the stored orders up to the rows as this transaction leaves them: the ids
    added since change `since` placed in each, or every order dropped."""
    touched = {row[0] for row in conn.execute("SELECT id FROM changes WHERE seq > ?", (since,))}
    if not touched:
        return  # no article row written
    stored = dict(conn.execute("SELECT sort, ids FROM orders").fetchall())
    keys = _added_keys(conn, touched, stored)
    if keys is None:
        conn.execute("DELETE FROM orders")
        return
    try:
        for sort, text in stored.items():
            merged = merge(IdOrder(text), keys, _SORT_KEYS[sort], lambda ids: _keys_of(conn, ids))
            conn.execute("UPDATE orders SET ids = ? WHERE sort = ?", (merged, sort))
    except ValueError:  # an order that does not match the rows: read it whole later
        conn.execute("DELETE FROM orders")


def _added_keys(
    conn: sqlite3.Connection, touched: set[str], stored: dict[str, str]
) -> list[Key] | None:
    """The keys of the touched ids, when each of them is a row added (none removed,
    replaced or changed) and they are few enough to place one by one; else None."""
    lengths = {len(text) for text in stored.values()}
    if set(stored) != set(ORDER_BY) or set(ORDER_BY) != set(_SORT_KEYS) or len(lengths) != 1:
        return None
    before = lengths.pop() // ID_WIDTH
    if len(touched) * MERGE_SHARE > before:
        return None
    # Every row a write removes or replaces lowers the count; a changed row is a touched
    # id that was there before. So the count is up by the ids touched only if each of
    # them is a new row.
    after = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    if after != before + len(touched):
        return None
    keys = list(_keys_of(conn, sorted(touched)).values())
    return keys if len(keys) == len(touched) else None


def _keys_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Key]:
    """Id -> key for those of `ids` in the catalog (of the kind the orders compare)."""
    found: dict[str, Key] = {}
    for start in range(0, len(ids), _LOOKUP):
        chunk = ids[start : start + _LOOKUP]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT id, date, title FROM articles WHERE id IN ({marks})"
        for id_, day, title in conn.execute(sql, tuple(chunk)):
            if isinstance(id_, str) and isinstance(title, str) and isinstance(day, str | None):
                found[id_] = (id_, day, title)
    return found


SortKey = tuple[object, ...]
"""A key that Python's tuple comparison orders as SQLite orders the rows."""


def merge(
    order: IdOrder,
    added: list[Key],
    sort_key: Callable[[Key], SortKey],
    keys_of: Callable[[list[str]], dict[str, Key]],
) -> str:
    """The order's text with the `added` ids in their places. `keys_of` reads the keys
    of ids already in the order; the binary searches of all the added ids go in step, so
    the ids probed in each round are read with one query."""
    text = order.text
    targets = [sort_key(key) for key in added]
    low = [0] * len(added)
    high = [len(order)] * len(added)
    known: dict[str, SortKey] = {}
    while True:
        open_ = [i for i in range(len(added)) if low[i] < high[i]]
        if not open_:
            break
        middles = {i: (low[i] + high[i]) // 2 for i in open_}
        probes = {_id_at(text, middle) for middle in middles.values()}
        missing = [id_ for id_ in probes if id_ not in known]
        known.update((id_, sort_key(key)) for id_, key in keys_of(missing).items())
        for i, middle in middles.items():
            probed = known.get(_id_at(text, middle))
            if probed is None:
                raise ValueError("an id in the stored order is not in the catalog")
            if probed < targets[i]:
                low[i] = middle + 1
            else:
                high[i] = middle
    # Added ids that go in the same place are in their own order there.
    placed = sorted(zip(low, targets, added, strict=True))
    return _spliced(text, [(position, key[0]) for position, _, key in placed])


def _id_at(text: str, position: int) -> str:
    return text[position * ID_WIDTH : (position + 1) * ID_WIDTH]


def _spliced(text: str, placed: list[tuple[int, str]]) -> str:
    pieces: list[str] = []
    last = 0
    for position, id_ in placed:
        pieces.append(text[last * ID_WIDTH : position * ID_WIDTH])
        pieces.append(id_)
        last = position
    pieces.append(text[last * ID_WIDTH :])
    return "".join(pieces)


def _by_date(key: Key) -> SortKey:
    """`date DESC, title COLLATE NOCASE, id`."""
    return (_descending(key[1]), _nocase(key[2]), key[0])


def _by_title(key: Key) -> SortKey:
    """`title COLLATE NOCASE, date DESC, id`."""
    return (_nocase(key[2]), _descending(key[1]), key[0])


def _nocase(title: str) -> str:
    return title.lower() if title.isascii() else title.translate(_ASCII_LOWER)


_ASCII_INVERTED = str.maketrans({code: 0x7F - code for code in range(0x80)})
"""ASCII characters in reverse order: an ASCII date read through it sorts descending."""


def _descending(day: str | None) -> str:
    """A date's place when dates sort descending: inverted character by character, then
    ended with a character above them all, so it comes after every longer date it begins.
    NULL, below every value in SQLite, comes last. Dates are ISO text; any other is left
    to SQLite (ValueError: the orders are read whole)."""
    if day is None:
        return _LAST
    if not day.isascii():
        raise ValueError("a date that is not ASCII")
    return day.translate(_ASCII_INVERTED) + "\x80"


_LAST = "\x81"
"""Above every inverted ASCII date."""


_SORT_KEYS: dict[str, Callable[[Key], SortKey]] = {"date": _by_date, "title": _by_title}
