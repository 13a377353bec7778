"""A Newsboat urls file brought in: feeds become subscriptions, query feeds saved searches."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.feeds.common import FeedError, is_web_url
from reader.feeds.registry import FeedRegistry, Subscription
from reader.imports.formats._common import one_line
from reader.imports.formats.newsboat import NewsboatUrls
from reader.imports.items import SkippedItem
from reader.store.api import Store


@dataclass(slots=True)
class UrlsResult:
    """What applying a urls file did; `skipped` holds the file's own skips too."""

    subscribed: list[Subscription] = field(default_factory=list)
    already: list[Subscription] = field(default_factory=list)
    searches: list[tuple[str, str]] = field(default_factory=list)
    """(name saved under, query) of each smart folder."""
    hidden: list[str] = field(default_factory=list)
    """URLs of feeds Newsboat hid (shown only through query feeds): subscribed all the same."""
    skipped: list[SkippedItem] = field(default_factory=list)

    @property
    def lines(self) -> int:
        """Every feed and query line read: subscribed + already + searches + skipped."""
        return len(self.subscribed) + len(self.already) + len(self.searches) + len(self.skipped)


def apply_urls(urls: NewsboatUrls, registry: FeedRegistry, store: Store | None) -> UrlsResult:
    """Subscribe to each feed (once: a known URL stays as it is) and save each smart folder.

    A saved search of the same name with another query is kept: the smart folder is saved
    under "NAME (Newsboat)" instead, so nothing the user made is replaced.
    """
    result = UrlsResult(skipped=list(urls.skipped))
    usable = []
    for feed in urls.feeds:
        if is_web_url(feed.url) or (feed.url.startswith("/") and "://" not in feed.url):
            usable.append(feed)
        else:
            result.skipped.append(SkippedItem(f"line {feed.line}", "not a feed address"))
    try:
        added = registry.add_many((feed.url, feed.title, feed.tags) for feed in usable)
    except FeedError as error:
        added = []
        result.skipped.extend(SkippedItem(f"line {f.line}", one_line(error)) for f in usable)
    for feed, (sub, created) in zip(usable, added, strict=False):
        (result.subscribed if created else result.already).append(sub)
        if feed.hidden:
            result.hidden.append(feed.url)
    for folder in urls.smart_folders:
        if store is None:
            result.skipped.append(SkippedItem(f"line {folder.line}", "no store to save it in"))
            continue
        result.searches.append(_save(store, folder.name, folder.query))
    return result


def _save(store: Store, name: str, query: str) -> tuple[str, str]:
    existing = {search.name: search.query for search in store.saved_searches()}
    target = name
    if existing.get(target, query) != query:
        target = f"{name} (Newsboat)"
        number = 2
        while existing.get(target, query) != query:
            target = f"{name} (Newsboat {number})"
            number += 1
    store.save_search(target, query)
    return target, query
