"""Reading RSS 0.9x/1.0/2.0 and Atom feeds from bytes, refusing unsafe XML: through lxml's
fast path (reader.feeds.fastparse) where it gives feedparser's very result, else feedparser."""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reader.feeds.common import ENTITY_REFUSAL, FeedError, declares_entities

__all__ = ["Entry", "FeedError", "ParsedFeed", "parse_feed", "parse_feed_fast", "parse_feed_slow"]

_SAX_PLACE = re.compile(r"^<unknown>:(\d+):(\d+): (.*)$")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_NAME_EMAIL = re.compile(r"^([^<>@]+)<\S+@\S+>$")
_HTML_START = re.compile(rb"<\s*(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed. `summary_only` is True when the feed gave no full content."""

    id: str
    title: str
    link: str | None
    published: datetime | None
    author: str | None
    content_html: str
    summary_only: bool


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's own title and link, its format (feedparser's version name) and its entries."""

    title: str
    link: str | None
    kind: str
    entries: tuple[Entry, ...]


def parse_feed(data: bytes, *, url: str | None = None) -> ParsedFeed:
    """Parse feed bytes; FeedError with a one-line reason when they are not a readable feed.

    `url` is where the feed came from, used to resolve relative links.
    """
    if declares_entities(data):
        raise FeedError(ENTITY_REFUSAL)
    return _parsed(_fast(data, url) or _feedparser(data, url), data, url)


def parse_feed_slow(data: bytes, *, url: str | None = None) -> ParsedFeed:
    """`parse_feed` through feedparser alone (the reference the fast path is checked against)."""
    if declares_entities(data):
        raise FeedError(ENTITY_REFUSAL)
    return _parsed(_feedparser(data, url), data, url)


def parse_feed_fast(data: bytes, *, url: str | None = None) -> ParsedFeed | None:
    """`parse_feed` through the fast path alone; None where it declines."""
    if declares_entities(data):
        raise FeedError(ENTITY_REFUSAL)
    from reader.feeds.fastparse import fast_result

    result = fast_result(data, url)
    return _parsed(result, data, url) if result is not None else None


def _fast(data: bytes, url: str | None) -> Mapping[str, Any] | None:
    from reader.feeds.fastparse import fast_result

    try:
        return fast_result(data, url)
    # A slip of the fast path on untrusted bytes must not cost the feed: feedparser reads it.
    except Exception:
        return None


def _parsed(result: Mapping[str, Any], data: bytes, url: str | None) -> ParsedFeed:
    """The feed from feedparser's result (or the fast path's, which has the same shape)."""
    feed: Mapping[str, Any] = result.get("feed") or {}
    raw_entries: list[Mapping[str, Any]] = list(result.get("entries") or [])
    kind = str(result.get("version") or "")
    title = _text(feed.get("title"))
    if not raw_entries:
        _refuse_empty(data, result, kind, title)
    # Atom entries without an author inherit the feed's (RSS has no such rule).
    feed_author = _author(feed) if kind.startswith("atom") else None
    entries = tuple(_entry(item, feed_author) for item in raw_entries)
    link = _text(feed.get("link")) or None
    return ParsedFeed(title or _fallback_title(link, url), link, kind or "unknown", entries)


def _refuse_empty(data: bytes, result: Mapping[str, Any], kind: str, title: str) -> None:
    """Raise FeedError for an entry-less result that is not a feed (an empty feed is fine)."""
    if not kind and _looks_like_html(data):
        raise FeedError("not a feed: looks like a web page")
    if result.get("bozo") and not title:
        raise FeedError(f"not a readable feed: {_reason(result.get('bozo_exception'))}")
    if not kind:
        raise FeedError("not a feed: no RSS or Atom content found")


def _feedparser(data: bytes, url: str | None) -> Mapping[str, Any]:
    import feedparser

    # A stream, never a str or bytes: given a str feedparser fetches it as a URL or opens it
    # as a path, and given bytes it still tries open(bytes) as a file name first.
    # Links inside entry content are left relative: they were written for the entry's own
    # page, so the Markdown conversion resolves them against the entry's link.
    headers = {"content-location": url} if url else None
    try:
        result: Mapping[str, Any] = feedparser.parse(
            io.BytesIO(data), response_headers=headers, resolve_relative_uris=False
        )
    except Exception as error:  # third-party parser on untrusted bytes
        # feedparser reports most problems as `bozo`; anything it raises is a feed we
        # cannot read, not a bug of ours.
        raise FeedError(f"not a readable feed: {_reason(error)}") from error
    return result


def _entry(item: Mapping[str, Any], feed_author: str | None) -> Entry:
    title = _text(item.get("title"))
    link = _text(item.get("link")) or None
    published = _when(item.get("published_parsed") or item.get("updated_parsed"))
    content = item.get("content") or []
    body = _text(content[0].get("value")) if content else ""
    summary_only = not body
    if summary_only:
        body = _text(item.get("summary") or item.get("description"))
    return Entry(
        id=_entry_id(item, title, link, published),
        title=title,
        link=link,
        published=published,
        author=_author(item) or feed_author,
        content_html=body,
        summary_only=summary_only,
    )


def _entry_id(
    item: Mapping[str, Any], title: str, link: str | None, published: datetime | None
) -> str:
    """The entry's own id, else its link, else a hash of its title and date."""
    own = _text(item.get("id"))
    if own:
        return own
    if link:
        return link
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha256(f"{title}\n{stamp}".encode()).hexdigest()[:24]
    return f"hash:{digest}"


def _when(parsed: object) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _author(item: Mapping[str, Any]) -> str | None:
    """The author's name ("Hal Brennock" rather than "hal@example.org (Hal Brennock)")."""
    raw = _text(item.get("author"))
    # RSS 2.0 asks for "email (Name)"; some feeds write "Name <email>". feedparser's own
    # split misreads addresses with long top-level domains, so names are taken here.
    named = _EMAIL_NAME.match(raw) or _NAME_EMAIL.match(raw)
    if named:
        return named.group(1).strip() or raw
    detail = item.get("author_detail")
    name = _text(detail.get("name")) if isinstance(detail, Mapping) else ""
    return raw or name or None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.search(data[:4096]))


def _reason(error: object) -> str:
    text = " ".join(str(error or "").split())
    where = _SAX_PLACE.match(text)
    if where:
        text = f"{where.group(3)} (line {where.group(1)}, column {where.group(2)})"
    return text[:200] or (type(error).__name__ if error else "unknown error")


def _fallback_title(link: str | None, url: str | None) -> str:
    from urllib.parse import urlsplit

    for candidate in (link, url):
        host = urlsplit(candidate or "").hostname
        if host:
            return host
    return "Untitled feed"
