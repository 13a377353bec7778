"""A library: folders of articles, a persistent catalog and incremental rescans (stub)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from reader.models import Article, ArticleMeta, Problem, ScanProgress, ScanResult


class ArticleRows(Protocol):
    """An ordered, indexable view of the library's articles (virtual-list friendly)."""

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> ArticleMeta: ...
    def index_of(self, article_id: str) -> int | None: ...


class UnknownArticle(LookupError):
    """No article has that id (or the prefix is ambiguous); str() is a one-line reason."""


class Library:
    """One or more folders of articles, listed from a catalog in the cache dir."""

    def __init__(self, roots: Sequence[Path], cache_dir: Path | None = None) -> None:
        raise NotImplementedError

    @property
    def name(self) -> str:
        """A short display name: the folder name, or "N folders"."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def rows(self, sort: str = "date") -> ArticleRows:
        """All articles ordered by "date" (newest first, undated last) or "title"."""
        raise NotImplementedError

    def get(self, article_id: str) -> ArticleMeta | None:
        """The catalog entry for an id, or None."""
        raise NotImplementedError

    def resolve(self, id_or_prefix: str) -> ArticleMeta:
        """The article with this id or unambiguous id prefix; raises UnknownArticle."""
        raise NotImplementedError

    def load(self, article_id: str) -> Article:
        """Read an article's file (raises UnknownArticle or sources.LoadError)."""
        raise NotImplementedError

    def scan(self, progress: Callable[[ScanProgress], None] | None = None) -> ScanResult:
        """Bring the catalog up to date with the folders, re-reading only changed files."""
        raise NotImplementedError

    def problems(self) -> list[Problem]:
        """Files the last scan could not read, each with a one-line reason."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the catalog."""
        raise NotImplementedError
