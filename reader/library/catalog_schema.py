"""The catalog's tables: its schema, and the typed rows a scan writes into them."""

from __future__ import annotations

from typing import NamedTuple

SCHEMA_VERSION = 4
"""Bump when the tables change: an older catalog is then rebuilt from the folders."""

META_COLUMNS = (
    "id, path, title, date, place, source, author, url, tags, words, format, size, mtime_ns,"
    " date_saved"
)
"""The columns `meta_from_row` expects, in its order."""

ORDER_BY = {
    "date": "date DESC, title COLLATE NOCASE, id",
    "title": "title COLLATE NOCASE, date DESC, id",
}
"""Row orders; each matches a covering index so listing ids never sorts in memory."""

UNUSED_INDEXES = ("articles_by_hash",)
"""Indexes older files have that no query reads: dropped when such a file is opened, as
each insert paid for them (8% of a scan's inserts, for an index on random hashes)."""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS articles (
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    place TEXT,
    source TEXT,
    author TEXT,
    url TEXT,
    tags TEXT NOT NULL DEFAULT '',
    words INTEGER NOT NULL DEFAULT 0,
    format TEXT NOT NULL DEFAULT 'text',
    pinned INTEGER NOT NULL DEFAULT 0,
    date_saved INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles ({ORDER_BY["date"]});
CREATE INDEX IF NOT EXISTS articles_by_title ON articles ({ORDER_BY["title"]});
CREATE TABLE IF NOT EXISTS problems (
    path TEXT NOT NULL PRIMARY KEY,
    reason TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    partial INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS orders (
    sort TEXT NOT NULL PRIMARY KEY,
    ids TEXT NOT NULL
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class ArticleRow(NamedTuple):
    """A full `articles` row in column order, as written by a scan (a tuple for sqlite)."""

    id: str
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    title: str
    date: str | None
    place: str | None
    source: str | None
    author: str | None
    url: str | None
    tags: str
    words: int
    format: str
    pinned: bool
    """The id is not the file's natural id (it was kept through an edit or a move)."""
    date_saved: bool
    """`date` is the day the page was saved (it gave no date of its own)."""


class ProblemRow(NamedTuple):
    """A `problems` row (a tuple for sqlite)."""

    path: str
    reason: str
    size: int | None
    mtime_ns: int | None
    partial: bool
    """The file was read in part (it is listed, truncated), not refused."""
