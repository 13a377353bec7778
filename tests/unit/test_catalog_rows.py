"""The catalog's typed rows name the columns they fill, in the tables' own order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.library.catalog import Catalog
from reader.library.catalog_schema import ArticleRow, ProblemRow


def _columns(catalog: Catalog, table: str) -> tuple[str, ...]:
    rows = catalog.connection().execute(f"PRAGMA table_info({table})").fetchall()
    return tuple(row[1] for row in rows)


def test_row_fields_are_the_table_columns_in_order(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    assert ArticleRow._fields == _columns(catalog, "articles")
    assert ProblemRow._fields == _columns(catalog, "problems")


def test_a_typed_row_is_written_and_read_back_by_column(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    row = ArticleRow(
        "a" * 16, str(tmp_path / "a.md"), 10, 20, "hash", "Title", "2025-01-02", "Oslo",
        None, "Ada", None, "[]", 3, "markdown", True, False,
    )  # fmt: skip
    problem = ProblemRow(str(tmp_path / "b.txt"), "empty file", 0, 5, False)
    with catalog.transaction() as conn:
        Catalog.put_articles(conn, [row])
        Catalog.put_problems(conn, [problem])
    conn = catalog.connection()
    stored = conn.execute("SELECT title, place, author, format, pinned FROM articles").fetchone()
    assert stored == ("Title", "Oslo", "Ada", "markdown", 1)
    assert conn.execute("SELECT reason, mtime_ns FROM problems").fetchone() == ("empty file", 5)


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
    finally:
        conn.close()
    return {row[0] for row in rows}


def test_an_older_files_unused_hash_index_is_dropped_when_opened(tmp_path: Path) -> None:
    # Every insert paid for it, and no query reads it.
    path = tmp_path / "catalog.sqlite"
    catalog = Catalog(path)
    catalog.close()
    assert "articles_by_hash" not in _indexes(path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE INDEX articles_by_hash ON articles (content_hash)")  # as older files
    conn.commit()
    conn.close()
    reopened = Catalog(path)
    assert reopened.count() == 0 and not reopened.rebuilt  # not rebuilt for it
    reopened.close()
    assert "articles_by_hash" not in _indexes(path)
    assert {"articles_by_date", "articles_by_title"} <= _indexes(path)
