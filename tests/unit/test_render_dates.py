"""The CLI's dates and byline: one `format_date`, taking a date, in English whatever the locale."""

from __future__ import annotations

from datetime import date

from reader.models import ArticleMeta
from reader.render import byline, format_date


def test_format_date_spells_the_month_out() -> None:
    assert format_date(date(2025, 7, 3)) == "3 July 2025"
    assert format_date(date(1999, 12, 31)) == "31 December 1999"


def test_byline_joins_what_is_known() -> None:
    meta = ArticleMeta("a" * 16, "/a.txt", "T", date(2025, 3, 4), place="Oslo", author="Ada")
    assert byline(meta) == "4 March 2025 · Oslo · Ada · 1 min read"


def test_byline_without_a_date_leaves_it_out() -> None:
    assert byline(ArticleMeta("a" * 16, "/a.txt", "T", source="Wire")) == "Wire · 1 min read"


def test_a_save_date_is_labelled_as_one_in_the_pane_and_in_show() -> None:
    from reader.models import Article
    from reader.render import article_as_text
    from reader.ui.document import meta_line

    meta = ArticleMeta("a" * 16, "/a.md", "T", date(2026, 12, 2), source="example.org")
    saved = Article(meta=meta, blocks=(), date_saved=True)
    assert byline(meta, date_saved=True).startswith("saved 2 December 2026 · ")
    assert meta_line(saved) == byline(meta, date_saved=True)
    assert "\nsaved 2 December 2026 · example.org" in article_as_text(saved)
