"""The catalog's typed rows name the columns they fill, in the tables' own order."""

from __future__ import annotations

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
