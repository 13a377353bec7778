"""Newsboat: its `cache.db` (every cached item) and its `urls` file (feeds and query feeds)."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reader import files
from reader.feeds.common import is_web_url
from reader.imports.formats._common import decode, one_line
from reader.imports.formats.newsboat_query import translate
from reader.imports.items import ImportedItem, ImportSource, Parsed, SkippedItem

SQLITE_MAGIC = b"SQLite format 3\x00"
CACHE_LIMIT = 4 * 1024**3
"""Largest locked cache read into memory to be read from there."""
_URLS_LINE = re.compile(r'"?(?:[a-zA-Z][a-zA-Z0-9+.-]*://\S|query:|exec:|filter:)')
_URLS_WEB = re.compile(r'"?(?:https?://\S|query:)')
_ITEM_COLUMNS = {
    # column: value when an older cache has no such column
    "id": 0,
    "guid": "",
    "title": "",
    "author": "",
    "url": "",
    "feedurl": "",
    "pubDate": 0,
    "content": "",
    "unread": 1,
    "flags": "",
    "deleted": 0,
}


class NewsboatCacheFormat:
    """Newsboat's `cache.db`: each cached item, read or not, flagged or not, with its feed."""

    name = "newsboat"

    def detect(self, source: ImportSource) -> bool:
        """An SQLite file whose schema names Newsboat's `rss_item` and `rss_feed` tables."""
        head = source.data[:65536]
        return head.startswith(SQLITE_MAGIC) and b"rss_item" in head and b"rss_feed" in head

    def parse(self, source: ImportSource) -> Iterator[Parsed]:
        """Every item of the cache, from bytes already read (opened in memory, never written)."""
        yield from _read(lambda: _in_memory(source.data), one_line(source.name or "cache.db", 120))


NEWSBOAT = NewsboatCacheFormat()


def read_cache(path: Path, name: str = "cache.db") -> Iterator[Parsed]:
    """Every item of the Newsboat cache at `path`, opened read-only; when a running Newsboat
    holds it locked, from a copy of its bytes in memory."""
    shown = one_line(name, 120)
    try:
        yield from _read(lambda: _read_only(path), shown)
    except _Locked:
        try:
            data = files.read_bytes(path, CACHE_LIMIT)
        except OSError as error:
            yield SkippedItem(shown, f"the cache is locked and unreadable: {one_line(error)}")
            return
        yield from _read(lambda: _in_memory(data), shown)


class _Locked(Exception):
    """The cache is locked by a running Newsboat before anything was read."""


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)


def _in_memory(data: bytes) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
    except (sqlite3.Error, OverflowError, ValueError, MemoryError):
        connection.close()
        raise
    return connection


def _read(opener: Callable[[], sqlite3.Connection], name: str) -> Iterator[Parsed]:
    try:
        connection = opener()
    except (sqlite3.Error, OverflowError, ValueError, MemoryError) as error:
        yield SkippedItem(name, f"not a readable Newsboat cache: {one_line(error)}")
        return
    # Text that is not UTF-8 comes through with U+FFFD rather than stopping the import.
    connection.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    with closing(connection):
        try:
            # A cache is outside data: functions named in its schema must not run.
            connection.execute("PRAGMA trusted_schema = OFF")
            feeds, columns = _feeds(connection), _columns(connection)
            rows = connection.execute(_item_query(columns))
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise _Locked from error
            yield SkippedItem(name, f"not a readable Newsboat cache: {one_line(error)}")
            return
        except (sqlite3.Error, UnicodeDecodeError) as error:
            # SQLite's message about a damaged schema quotes its bytes, which may not be UTF-8.
            yield SkippedItem(name, f"not a readable Newsboat cache: {one_line(error)}")
            return
        keys = list(_ITEM_COLUMNS)
        try:
            for row in rows:
                yield _item(dict(zip(keys, row, strict=True)), feeds)
        except (sqlite3.Error, UnicodeDecodeError) as error:
            yield SkippedItem(name, f"the rest of the cache is unreadable: {one_line(error)}")


def _feeds(connection: sqlite3.Connection) -> dict[str, str]:
    tables = {row[0]: row[1] for row in connection.execute("SELECT name, type FROM sqlite_master")}
    if tables.get("rss_item") != "table":
        raise sqlite3.DatabaseError("it has no rss_item table")
    if tables.get("rss_feed") != "table":
        return {}
    return {
        _text(url): _text(title)
        for url, title in connection.execute("SELECT rssurl, title FROM rss_feed")
    }


def _columns(connection: sqlite3.Connection) -> set[str]:
    return {str(row[1]) for row in connection.execute("PRAGMA table_info(rss_item)")}


def _item_query(columns: set[str]) -> str:
    # Only names from _ITEM_COLUMNS reach the SQL; a missing column reads as its default.
    chosen = [
        f'"{column}"' if column in columns else (str(default) if default != "" else "''")
        for column, default in _ITEM_COLUMNS.items()
    ]
    return f"SELECT {', '.join(chosen)} FROM rss_item ORDER BY feedurl, pubDate, id"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return decode(value)
    return "" if value is None else str(value)


def _item(row: dict[str, Any], feeds: dict[str, str]) -> Parsed:
    where = f"item {row['id']}"
    title, url, content = (
        _text(row["title"]).strip(),
        _text(row["url"]).strip(),
        _text(row["content"]),
    )
    feed_url = _text(row["feedurl"])
    if _number(row["deleted"]):
        return SkippedItem(where, f"{one_line(title or url)!r} was deleted in Newsboat")
    if not url and not content.strip():
        return SkippedItem(where, f"{one_line(title or 'an item')!r} has neither a link nor text")
    flags = "".join(sorted(set(_text(row["flags"]).strip())))
    extra = {"format": "newsboat", "feed": feeds.get(feed_url, ""), "feed_url": feed_url}
    extra["guid"] = _text(row["guid"])
    if flags:
        extra["flags"] = flags
    return ImportedItem(
        where,
        url=url,
        title=title,
        author=_text(row["author"]).strip(),
        read=not _number(row["unread"]),
        # Newsboat's flags are letters the user sets by hand, none with a built-in meaning:
        # any flag means the user marked the item, which reader calls a bookmark.
        starred=bool(flags),
        published=_when(row["pubDate"]),
        content_html=content,
        extra=extra,
    )


def _number(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return 0


def _when(value: object) -> datetime | None:
    seconds = _number(value)
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def with_feed_tags(parsed: Iterable[Parsed], urls: NewsboatUrls) -> Iterator[Parsed]:
    """Cached items with the tags their feed has in the urls file (`tag:` then finds them)."""
    tags = {}
    for feed in urls.feeds:
        tags[feed.url] = feed.tags
        tags[f"file://{feed.url}"] = feed.tags  # the cache keeps a file feed's file:// URL
    for one in parsed:
        if isinstance(one, ImportedItem) and tags.get(one.extra.get("feed_url", "")):
            merged = tuple(dict.fromkeys(one.tags + tags[one.extra["feed_url"]]))
            yield dataclasses.replace(one, tags=merged)
        else:
            yield one


# The urls file --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewsboatFeed:
    """One feed line of the urls file."""

    url: str
    tags: tuple[str, ...] = ()
    title: str = ""
    hidden: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class SmartFolder:
    """A query feed, as a saved search of reader's query language."""

    name: str
    query: str
    expression: str
    line: int = 0


@dataclass(slots=True)
class NewsboatUrls:
    """What a urls file holds: feeds, query feeds, and the lines that cannot come across."""

    feeds: list[NewsboatFeed] = field(default_factory=list)
    smart_folders: list[SmartFolder] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)


def looks_like_urls(data: bytes) -> bool:
    """Whether a file reads as a Newsboat urls file: every line a feed, a query or a comment,
    with at least one web feed or query feed."""
    if data.startswith(SQLITE_MAGIC):
        return False
    lines = [line.strip() for line in decode(data[:65536]).split("\n")]
    meaningful = [line for line in lines if line and not line.startswith("#")][:200]
    return (
        bool(meaningful)
        and all(_URLS_LINE.match(line) for line in meaningful)
        and any(_URLS_WEB.match(line) for line in meaningful)
        # A tag or a display name after a URL, or a query feed: a bare list of links is not
        # enough to tell a urls file from any other list of addresses.
        and any(line.startswith('"query:') or len(tokenize(line)) > 1 for line in meaningful)
    )


def read_urls(text: str) -> NewsboatUrls:
    """The feeds, query feeds and skipped lines of a Newsboat urls file."""
    found = NewsboatUrls()
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = tokenize(line)
        if not tokens:
            continue
        _read_line(found, number, tokens)
    return found


def _read_line(found: NewsboatUrls, number: int, tokens: list[str]) -> None:
    where = f"line {number}"
    first, rest = tokens[0], tokens[1:]
    tags = [tag for tag in rest if not tag.startswith(("~", "!"))]
    title = next((tag[1:].strip() for tag in rest if tag.startswith("~")), "")
    hidden = any(tag.startswith("!") for tag in rest)
    if first.startswith("query:"):
        name, _, expression = first[len("query:") :].partition(":")
        query, problem = translate(expression)
        if not name.strip():
            found.skipped.append(SkippedItem(where, "a query feed with no name"))
        elif problem:
            found.skipped.append(SkippedItem(where, f"query feed {one_line(name)!r}: {problem}"))
        else:
            found.smart_folders.append(SmartFolder(name.strip(), query, expression, number))
        return
    if first.startswith(("exec:", "filter:")):
        kind = first.split(":", 1)[0]
        found.skipped.append(
            SkippedItem(
                where,
                f"{kind}: feeds run a program; reader does not run programs "
                f"named in an import ({one_line(first, 60)})",
            )
        )
        return
    url = _feed_address(first)
    if url is None:
        found.skipped.append(SkippedItem(where, f"not a feed address: {one_line(first)}"))
        return
    found.feeds.append(NewsboatFeed(url, tuple(dict.fromkeys(tags)), title, hidden, number))


def _feed_address(text: str) -> str | None:
    if is_web_url(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path.startswith("/"):
        return unquote(parts.path)
    return None


def tokenize(line: str) -> list[str]:
    """A urls line split as Newsboat does: on spaces, with "double quotes" and \\ escapes."""
    tokens: list[str] = []
    current: list[str] = []
    quoted = in_token = False
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and quoted and index + 1 < len(line):
            index += 1
            current.append(line[index])
            in_token = True
        elif char == '"':
            quoted, in_token = not quoted, True
        elif char.isspace() and not quoted:
            if in_token:
                tokens.append("".join(current))
            current, in_token = [], False
        elif char == "#" and not quoted and not in_token:
            break  # a comment after the feed
        else:
            current.append(char)
            in_token = True
        index += 1
    if in_token:
        tokens.append("".join(current))
    return tokens
