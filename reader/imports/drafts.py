"""The files an import writes: articles with text, link-only articles and book documents."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reader.imports.items import ImportedHighlight, ImportedItem
from reader.sources.common import collapse
from reader.web.save import Draft
from reader.web.urls import digest

PENDING_KEY = "fetch"
"""Front matter key of a link-only article; its value says where fetching stands."""
PENDING = "pending"
"""The value of PENDING_KEY until the page is fetched."""
NOT_FETCHED = (
    '*Not fetched yet.* This page was imported as a link: `reader fetch`, or "Fetch imported '
    "links\" in the app's command palette (`ctrl+p`), saves its text here."
)
"""The first paragraph of a link-only article (the reading pane shows it)."""
PENDING_SOURCE = "not fetched yet"
"""Said after the site in a link-only article's source, so the list shows it."""


def host_of(url: str) -> str:
    """The address's host without `www.` (the article's site)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def title_from_url(url: str) -> str:
    """A readable title for a page known only by its address: its last path part, or host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    stem = last.rsplit(".", 1)[0] if "." in last else last
    words = collapse(stem.replace("-", " ").replace("_", " "))
    host = host_of(url)
    return f"{words} ({host})" if words and host else words or host or url


def item_title(item: ImportedItem) -> str:
    """The item's title, or one made from its address when it has none (or is the address)."""
    title = collapse(item.title)
    if not title or title == item.url.strip() or title.startswith(("http://", "https://")):
        return title_from_url(item.url)
    return title


def article_draft(item: ImportedItem, markdown: str, form: str) -> Draft:
    """An article with its text, as `reader add` saves a page."""
    return Draft(
        title=item_title(item),
        markdown=markdown,
        url=item.url,
        author=item.author or None,
        date=item.published.date() if item.published else None,
        site=host_of(item.url) or None,
        source=host_of(item.url) or None,
        saved=item.saved or datetime.now(UTC),
        tags=item.tags,
        extra={"imported": form},
    )


def link_draft(item: ImportedItem, form: str) -> Draft:
    """A link-only article: its title, site, save date and tags, and a body saying so."""
    return Draft(
        title=item_title(item),
        markdown=f"{NOT_FETCHED}\n\n<{item.url}>",
        url=item.url,
        date=item.published.date() if item.published else None,
        site=host_of(item.url) or None,
        source=pending_source(host_of(item.url)),
        saved=item.saved or datetime.now(UTC),
        tags=item.tags,
        extra={"imported": form, PENDING_KEY: PENDING},
    )


def pending_source(site: str, state: str = PENDING_SOURCE) -> str:
    """The source of a page not fetched yet: its site and the state, as the list shows it."""
    return f"{site} · {state}" if site else state


def book_key(item: ImportedItem) -> str:
    """The key a book's document is saved under: its title and author, case ignored."""
    return digest(f"{collapse(item.title).lower()}\0{collapse(item.author).lower()}".encode())


def book_draft(item: ImportedItem, marks: list[ImportedHighlight], form: str) -> Draft:
    """A book's highlights as one document: each a quote, with its location and note."""
    lines = [f"*{collapse(item.author)}*\n"] if item.author else []
    lines += [highlight_markdown(mark) for mark in marks]
    return Draft(
        title=collapse(item.title) or "Untitled book",
        markdown="\n".join(lines),
        author=item.author or None,
        saved=item.saved or datetime.now(UTC),
        tags=item.tags,
        extra={"imported": form, "kind": "book"},
    )


def highlight_markdown(mark: ImportedHighlight) -> str:
    """One highlight in a book document: the quote, then where and when, then the note."""
    quote = "\n".join(f"> {line}".rstrip() for line in mark.quote.strip().splitlines())
    where = [mark.location] if mark.location else []
    if mark.created:
        where.append(f"added {mark.created.date().isoformat()}")
    parts = [quote]
    if where:
        parts.append(" · ".join(collapse(part) for part in where))
    if mark.note.strip():
        parts.append(mark.note.strip())
    return "\n\n".join(parts) + "\n"


def is_book_file(path: Path) -> bool:
    """Whether a path is in the library's books folder (named by BOOKS_FOLDER)."""
    return path.parent.name == BOOKS_FOLDER


WEB_FOLDER = "web"
"""Where pages go, beside those `reader add` saves, so either recognises the other's."""
BOOKS_FOLDER = "books"
"""Where book documents go."""
