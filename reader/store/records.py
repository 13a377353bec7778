"""The user's records as frozen dataclasses, and their conversion to and from stored documents."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reader.sanitize import valid_unicode

CONTEXT_CHARS = 32
"""Characters of text kept on each side of a highlight's quote to re-anchor it."""

FINGERPRINT_CHARS = 32
"""Characters of a block's text kept to re-find a reading position after edits."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Position:
    """A reading position: a block index plus the opening words of that block."""

    block: int
    fingerprint: str = ""

    @classmethod
    def at(cls, block: int, text: str) -> Position:
        """The position of block number `block`, whose text is `text`."""
        return cls(block, " ".join(text.split())[:FINGERPRINT_CHARS])


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A bookmarked article, with the user's tags."""

    uuid: str
    article_id: str
    path: str
    title: str
    tags: tuple[str, ...]
    created: datetime


@dataclass(frozen=True, slots=True)
class Note:
    """The user's free Markdown note on one article."""

    uuid: str
    article_id: str
    path: str
    title: str
    text: str
    created: datetime
    updated: datetime


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlighted quote, anchored by the text around it (like a W3C TextQuoteSelector).

    `block` is only a hint: the quote with its `prefix` and `suffix` is what re-anchors
    the highlight after the article is re-wrapped or edited.
    """

    uuid: str
    article_id: str
    path: str
    title: str
    quote: str
    prefix: str
    suffix: str
    block: int
    note: str | None
    created: datetime


@dataclass(frozen=True, slots=True)
class ReadingState:
    """Whether an article was read, where the reader left it, and when it was last opened."""

    uuid: str
    article_id: str
    path: str
    title: str
    read: bool
    position: Position | None
    last_opened: datetime | None


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named search query."""

    uuid: str
    name: str
    query: str
    created: datetime


@dataclass(frozen=True, slots=True)
class Relink:
    """An article that moved or changed: its old id, and its new id, path and title."""

    old_id: str
    new_id: str
    path: str
    title: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """How many imported records were new, changed an existing one, or were already there."""

    added: int
    updated: int
    unchanged: int
    skipped: tuple[str, ...] = ()
    """Why each record that was not imported was skipped."""


@dataclass(frozen=True, slots=True)
class ArticleIdentity:
    """Which file an article id was given to: enough to give it the same id again.

    `key` is the path relative to its library folder (the same on every machine);
    `path` the absolute path last seen; `content_hash` the body's hash then.
    """

    article_id: str
    path: str
    key: str
    content_hash: str
    url: str | None = None


def anchor(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The (quote, prefix, suffix) of `text[start:end]`, with CONTEXT_CHARS of context."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def new_uuid() -> str:
    """A fresh record identity."""
    return str(uuid.uuid4())


def now() -> str:
    """The current time as stored: ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat()


def _time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return EPOCH
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return EPOCH


_PATH_BYTES = "\0fs:"
"""Leads a stored path that is not valid UTF-8, held as hex of its bytes (a file path can
never contain NUL, so no real path starts like this)."""


def stored_path(path: str) -> str:
    """A path as stored in JSON: itself, or its bytes in hex when it is not valid UTF-8."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return _PATH_BYTES + os.fsencode(path).hex()
    return path


def _path(doc: Mapping[str, Any]) -> str:
    """A stored path back, exactly as the file system gave it."""
    value = _text(doc, "path")
    if value.startswith(_PATH_BYTES):
        try:
            return os.fsdecode(bytes.fromhex(value[len(_PATH_BYTES) :]))
        except ValueError:
            return ""
    return value


def storable(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields ready for JSON: a path kept exactly (see stored_path), text made valid UTF-8."""
    out = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = stored_path(value) if key == "path" else valid_unicode(value)
        elif key == "tags" and isinstance(value, list):
            value = [valid_unicode(tag) if isinstance(tag, str) else tag for tag in value]
        out[key] = value
    return out


def identity_fields(item: ArticleIdentity) -> dict[str, Any]:
    """An ArticleIdentity's stored fields (all but its article id and uuid)."""
    return {
        "path": stored_path(item.path),
        "key": valid_unicode(item.key),
        "content_hash": item.content_hash,
        "url": item.url,
    }


def _text(doc: Mapping[str, Any], key: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        return ""
    return value if key in _RAW_FIELDS else valid_unicode(value)


_RAW_FIELDS = frozenset({"uuid", "article_id", "path"})
"""Fields kept exactly as stored: identities, and paths that may hold undecodable bytes."""


def _int(doc: Mapping[str, Any], key: str) -> int:
    value = doc.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _position(value: Any) -> Position | None:
    if not isinstance(value, Mapping):
        return None
    return Position(_int(value, "block"), _text(value, "fingerprint"))


def bookmark(doc: Mapping[str, Any]) -> Bookmark:
    """A Bookmark from its stored document."""
    tags = doc.get("tags")
    return Bookmark(
        uuid=_text(doc, "uuid"),
        article_id=_text(doc, "article_id"),
        path=_path(doc),
        title=_text(doc, "title"),
        tags=tuple(valid_unicode(t) for t in tags if isinstance(t, str))
        if isinstance(tags, list)
        else (),
        created=_time(doc.get("created")),
    )


def note(doc: Mapping[str, Any]) -> Note:
    """A Note from its stored document."""
    return Note(
        uuid=_text(doc, "uuid"),
        article_id=_text(doc, "article_id"),
        path=_path(doc),
        title=_text(doc, "title"),
        text=_text(doc, "text"),
        created=_time(doc.get("created")),
        updated=_time(doc.get("updated")),
    )


def highlight(doc: Mapping[str, Any]) -> Highlight:
    """A Highlight from its stored document."""
    remark = doc.get("note")
    return Highlight(
        uuid=_text(doc, "uuid"),
        article_id=_text(doc, "article_id"),
        path=_path(doc),
        title=_text(doc, "title"),
        quote=_text(doc, "quote"),
        prefix=_text(doc, "prefix"),
        suffix=_text(doc, "suffix"),
        block=_int(doc, "block"),
        note=valid_unicode(remark) if isinstance(remark, str) else None,
        created=_time(doc.get("created")),
    )


def reading_state(doc: Mapping[str, Any]) -> ReadingState:
    """A ReadingState from its stored document."""
    opened = doc.get("last_opened")
    return ReadingState(
        uuid=_text(doc, "uuid"),
        article_id=_text(doc, "article_id"),
        path=_path(doc),
        title=_text(doc, "title"),
        read=doc.get("read") is True,
        position=_position(doc.get("position")),
        last_opened=_time(opened) if opened is not None else None,
    )


def saved_search(doc: Mapping[str, Any]) -> SavedSearch:
    """A SavedSearch from its stored document."""
    return SavedSearch(
        uuid=_text(doc, "uuid"),
        name=_text(doc, "name"),
        query=_text(doc, "query"),
        created=_time(doc.get("created")),
    )


def article_identity(doc: Mapping[str, Any]) -> ArticleIdentity:
    """An ArticleIdentity from its stored document."""
    url = doc.get("url")
    return ArticleIdentity(
        article_id=_text(doc, "article_id"),
        path=_path(doc),
        key=_text(doc, "key"),
        content_hash=_text(doc, "content_hash"),
        url=url if isinstance(url, str) else None,
    )


def position_doc(position: Position | None) -> dict[str, Any] | None:
    """A Position as stored."""
    if position is None:
        return None
    return {"block": position.block, "fingerprint": position.fingerprint}
