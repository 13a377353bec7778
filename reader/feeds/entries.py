"""Feed entries as Markdown articles in the user's library, one folder per feed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.feeds.common import is_web_url
from reader.feeds.parse import Entry, ParsedFeed
from reader.web.batch import BatchWriter, sweep
from reader.web.fetch import HTML_ACCEPT, FetchError, Limits, fetch
from reader.web.save import Draft, saved_keys, url_key, write_draft

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription

BATCH = 200
"""New entry files made durable together: one flush for the batch instead of two per file."""


def save_entries(
    sub: Subscription, feed: ParsedFeed, entries: Iterable[Entry], folder: Path, limits: Limits
) -> Iterator[tuple[str, Path | None]]:
    """Write each entry as an article; yields (entry id, new file, or None if already saved).

    Yielding as it goes lets the caller remember every entry saved before a failure. New
    files are committed BATCH at a time (one durable commit each, see `BatchWriter`), so an
    entry is yielded once its file is whole and durable; after a crash, an entry written but
    not yet yielded is found by its key next time and not saved twice.
    """
    sweep(folder)  # temp files of a refresh that was killed part-way
    known = saved_keys(folder)  # one listing: a folder of thousands is not read per entry
    pages = LinkedPages(limits)
    batch = BatchWriter()
    done: list[tuple[str, Path | None]] = []
    try:
        for entry in entries:
            draft = entry_draft(sub, feed, entry, pages)
            saved = write_draft(draft, folder, url_key(entry.id), known=known, batch=batch)
            done.append((entry.id, saved.path if saved.created else None))
            if len(batch) >= BATCH:
                batch.commit()
                yield from done
                done = []
        batch.commit()
    except BaseException:
        batch.abort()
        raise
    yield from done


def entry_draft(sub: Subscription, feed: ParsedFeed, entry: Entry, pages: LinkedPages) -> Draft:
    """The article for one entry: its content as Markdown, or the linked page when asked."""
    from reader.sources.html import html_to_markdown

    # Only an absolute web address is a link: an RSS guid taken as a permalink may be "x2".
    link = entry.link if entry.link and is_web_url(entry.link) else None
    base = link or feed.link
    markdown: str | None = None
    author = entry.author
    if sub.full_text and entry.summary_only and link:
        page = pages.get(link)
        if page is not None:
            markdown, author = page[0], author or page[1]
    if markdown is None:
        markdown = html_to_markdown(entry.content_html, base_url=base) if entry.content_html else ""
    return Draft(
        title=entry.title or _untitled(entry),
        markdown=markdown.strip() or _no_text(link),
        url=link,
        author=author,
        date=entry.published.date() if entry.published else None,
        site=_host(link) or _host(feed.link),
        source=sub.title,
        tags=sub.tags,
        extra={"feed": sub.name, "entry_id": entry.id},
    )


class LinkedPages:
    """Fetches the pages that summary-only entries link to, for a feed set to full text.

    After `GIVE_UP` fetches in a row fail (a site that is down or never answers), the rest
    of this refresh keeps the summaries, so one dead site costs a few timeouts, not one
    for every entry.
    """

    GIVE_UP = 2

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.failures = 0

    def get(self, url: str) -> tuple[str, str | None] | None:
        """The linked page's main text and author; None when it cannot be had."""
        from reader.sources import LoadError
        from reader.sources.html import extract_page

        if self.failures >= self.GIVE_UP:
            return None
        try:
            response = fetch(url, limits=self.limits, accept=HTML_ACCEPT)
        except FetchError:
            self.failures += 1
            return None  # the summary is still worth saving
        self.failures = 0
        try:
            page = extract_page(response.body, url=response.url, charset=response.charset)
        except LoadError:
            return None
        return (page.markdown, page.author) if page.markdown.strip() else None


def _no_text(link: str | None) -> str:
    """The body of an entry that carries no text (a link post): a line pointing to its page."""
    if link:
        return f"This entry has no text of its own: [read it on its page]({link})."
    return "This entry has no text of its own."


def _untitled(entry: Entry) -> str:
    if entry.published:
        return f"Entry of {entry.published.date().isoformat()}"
    return "Untitled entry"


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None
