"""Feed entries as Markdown articles in the user's library, one folder per feed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.feeds.common import is_web_url
from reader.feeds.parse import Entry, ParsedFeed
from reader.files import BatchWriter, sweep
from reader.memo import remembered_when_short
from reader.sources.html_markdown import html_to_markdown
from reader.web.fetch import HTML_ACCEPT, AddressRefused, FetchError, Limits, fetch
from reader.web.save import Draft, saved_keys, url_key, write_draft

if TYPE_CHECKING:
    from reader.feeds.registry import Subscription
    from reader.library.parse_pool import Parsed
    from reader.sources.frontmatter import WrittenFront

BATCH = 500
"""New entry files made durable together: one flush for the batch instead of two per file.
As many as one refresh of a feed saves (MAX_NEW_ENTRIES), so a feed's new entries appear
together, with the parse its refresh hands over, rather than part-way for a scan meanwhile."""


def save_entries(
    sub: Subscription,
    feed: ParsedFeed,
    entries: Iterable[Entry],
    folder: Path,
    limits: Limits,
    parsed: list[tuple[str, Parsed]] | None = None,
) -> Iterator[tuple[str, Path | None]]:
    """Write each entry as an article; yields (entry id, new file, or None if already saved).

    An entry that carries its page's whole text (full content, or the page fetched for
    full text) is that page: its file is named by the page's URL, and when `reader add` or
    the app's `a` saved the page already, it is recognised as that article, not saved twice.

    Yielding as it goes lets the caller remember every entry saved before a failure. New
    files are committed BATCH at a time (one durable commit each, see `BatchWriter`), so an
    entry is yielded once its file is whole and durable; after a crash, an entry written but
    not yet yielded is found by its key next time and not saved twice.

    Given a `parsed` list, each new file is also parsed from the bytes written, as a scan
    would parse it, into that list: the refresh's scan and index sync then take it from
    there instead of reading the file back.
    """
    sweep(folder)  # temp files of a refresh that was killed part-way
    saver = _EntrySaver(sub, feed, folder, limits, parsed)
    done: list[tuple[str, Path | None]] = []
    try:
        for entry in entries:
            done.append(saver.save(entry))
            if len(saver.batch) >= BATCH:
                saver.batch.commit()
                yield from done
                done = []
        saver.batch.commit()
    except BaseException:
        saver.batch.abort()
        raise
    yield from done


class _EntrySaver:
    """Saves one feed's entries into its folder, recognising pages saved by address already."""

    def __init__(
        self,
        sub: Subscription,
        feed: ParsedFeed,
        folder: Path,
        limits: Limits,
        parsed: list[tuple[str, Parsed]] | None,
    ) -> None:
        self.sub, self.feed, self.folder, self.parsed = sub, feed, folder, parsed
        self.known = saved_keys(folder)  # one listing: a folder of thousands is not read per entry
        self.pages = saved_keys(folder.parent.parent / "web")  # the pages saved by address
        self.shared = _shared_pages(feed)
        self.linked = LinkedPages(limits)
        self.batch = BatchWriter(self._parse if parsed is not None else None)
        self.fronts: dict[str, WrittenFront] = {}
        """The front matter written in the batch's files, by path, for their parse (`_parse`)."""
        # One save time for the feed's entries, as its files are written within moments of
        # it: each draft is made with it, not stamped (copied) again when written.
        self.saved_at = datetime.now(UTC).replace(microsecond=0)

    def save(self, entry: Entry) -> tuple[str, Path | None]:
        """Save one entry (into the batch); its id, and its new file or None."""
        page_key = _page_key(entry)
        if page_key in self.shared:
            page_key = None
        if page_key in self.pages and (not entry.summary_only or self.sub.full_text):
            return entry.id, None  # the same page, saved already by its address
        draft, whole = _draft(self.sub, self.feed, entry, self.linked, self.saved_at)
        key = url_key(entry.id)
        if whole and page_key is not None and key not in self.known:
            key = page_key
        saved = write_draft(draft, self.folder, key, known=self.known, batch=self.batch)
        if saved.front is not None and self.parsed is not None:
            self.fronts[str(saved.path)] = saved.front
        return entry.id, saved.path if saved.created else None

    def _parse(self, written: list[tuple[Path, bytes]]) -> None:
        """Parse a committed batch's files from the bytes written, as a scan would."""
        from reader.library.parse_pool import parse_all_written

        fronts, self.fronts = self.fronts, {}
        if self.parsed is not None:
            self.parsed.extend(parse_all_written(written, fronts))


def entry_draft(sub: Subscription, feed: ParsedFeed, entry: Entry, pages: LinkedPages) -> Draft:
    """The article for one entry: its content as Markdown, or the linked page when asked."""
    return _draft(sub, feed, entry, pages)[0]


def _draft(
    sub: Subscription,
    feed: ParsedFeed,
    entry: Entry,
    pages: LinkedPages,
    saved: datetime | None = None,
) -> tuple[Draft, bool]:
    """The entry's article, and whether it holds its page's whole text (not a summary);
    `saved` is its save time, when already known."""
    link = _link(entry)
    base = link or feed.link
    markdown: str | None = None
    author = entry.author
    whole = not entry.summary_only
    if sub.full_text and entry.summary_only and link:
        page = pages.get(link)
        if page is not None:
            markdown, author, whole = page[0], author or page[1], True
    if markdown is None:
        markdown = html_to_markdown(entry.content_html, base_url=base) if entry.content_html else ""
    draft = Draft(
        title=entry.title or _untitled(entry),
        markdown=markdown.strip() or _no_text(link),
        url=link,
        author=author,
        date=entry.published.date() if entry.published else None,
        site=_host(link) or _host(feed.link),
        source=sub.title,
        saved=saved,
        tags=sub.tags,
        extra={"feed": sub.name, "entry_id": entry.id},
    )
    return draft, whole


def _page_key(entry: Entry) -> str | None:
    """The URL key of the page an entry stands for: None without a link, or when the link is
    a site's home page (some feeds link every entry there), which no one entry is."""
    link = _link(entry)
    return None if link is None else _link_page_key(link)


# Remembered: each entry's key is wanted twice (for the feed's shared pages, then to save
# the entry), and the normalising is most of a key's cost.
@remembered_when_short(longest=2048, size=2048)
def _link_page_key(link: str) -> str | None:
    if not urlsplit(link).path.strip("/"):
        return None
    return url_key(link)


def _shared_pages(feed: ParsedFeed) -> set[str]:
    """The page keys more than one entry of the feed links to: those entries are not pages."""
    seen: set[str] = set()
    shared: set[str] = set()
    for entry in feed.entries:
        key = _page_key(entry)
        if key is not None:
            (shared if key in seen else seen).add(key)
    return shared


def _link(entry: Entry) -> str | None:
    # Only an absolute web address is a link: an RSS guid taken as a permalink may be "x2".
    return entry.link if entry.link and is_web_url(entry.link) else None


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
            # A link from a feed is never an address the person gave: it must be public.
            response = fetch(url, limits=self.limits, accept=HTML_ACCEPT, typed=False)
        except AddressRefused:
            return None  # refused at once: no site was slow, so no reason to stop asking
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


# An address whose host is plain letters, digits, dots and hyphens, then its path (or end):
# the usual feed link, whose host is read here without a whole urlsplit per entry.
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?:[/?#]|\Z)")


def _host(url: str | None) -> str | None:
    if not url:
        return None
    plain = _PLAIN_HOST.match(url)
    if plain is not None and "\t" not in url and "\n" not in url and "\r" not in url:
        return plain[1].lower()
    try:
        return urlsplit(url).hostname
    except ValueError:  # a feed's own link is not checked: "http://[oops" has no host
        return None
