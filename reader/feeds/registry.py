"""The user's feed subscriptions, kept in a crash-safe TinyDB file shared safely by processes."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader import paths
from reader.feeds.common import FeedError, is_web_url, normalize_url
from reader.feeds.seen import SeenChange, SeenFiles, legacy_ids
from reader.store.backups import Backups
from reader.store.errors import StoreWriteError
from reader.store.lock import DEFAULT_TIMEOUT
from reader.store.storage import FileStorage

TABLE = "feeds"
NAME_LENGTH = 40
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed the user follows. `name` is a short unique slug (CLI name and folder name)."""

    name: str
    title: str
    url: str
    """An http(s) URL, or an absolute file path for a feed read from a file."""
    tags: tuple[str, ...] = ()
    full_text: bool = False
    """Fetch the linked page for entries that carry only a summary."""
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_error: str | None = None
    keep: str | None = None
    """How many entries to keep, as `reader feeds set --keep` takes it ("30d", "200")."""
    added: datetime = dataclasses.field(default_factory=lambda: datetime.now(UTC))
    uuid: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def is_file(self) -> bool:
        """True for a feed read from a local file rather than fetched."""
        return not is_web_url(self.url)


Change = Callable[[Subscription], Subscription]


class FeedRegistry:
    """The subscriptions in `feeds.json` in the data dir.

    Every change is one read-modify-write under the store's file lock, so two processes
    (a CLI refresh and the app) never lose each other's writes; the file is replaced
    atomically, so a crash leaves the old or the new list, never a torn one.
    """

    def __init__(self, storage: FileStorage) -> None:
        self._storage = storage
        path = storage.path
        self._seen = SeenFiles(path.with_name(f"{path.stem}-seen"))

    @classmethod
    def open(
        cls, path: Path | None = None, *, lock_timeout: float = DEFAULT_TIMEOUT
    ) -> FeedRegistry:
        """Open (creating or repairing as needed) the subscriptions file."""
        target = path if path is not None else paths.data_dir() / "feeds.json"
        backups = Backups(target)
        # Beside the store's own backups, never among them: a restore must not mix the two.
        backups.folder = target.parent / "backups" / target.stem
        return cls(FileStorage(target, lock_timeout=lock_timeout, backups=backups))

    @property
    def path(self) -> Path:
        """The subscriptions file."""
        return self._storage.path

    @property
    def notices(self) -> list[str]:
        """One-line messages about repairs made while opening."""
        return self._storage.notices

    def close(self) -> None:
        """Release the file; every change is already on disk."""
        self._storage.close()

    def __enter__(self) -> FeedRegistry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Reading ---------------------------------------------------------------------------

    def all(self) -> list[Subscription]:
        """Every subscription, by name."""
        with self._storage.fresh():
            docs = list(self._table().values())
        return sorted((_from_doc(doc) for doc in docs), key=lambda sub: sub.name)

    def get(self, name_or_url: str) -> Subscription | None:
        """The subscription with this name, or with this URL (or file path)."""
        with self._storage.fresh():
            found = _find(self._table(), name_or_url)
        return None if found is None else _from_doc(found[1])

    def seen(self, sub: Subscription) -> tuple[str, ...]:
        """The ids of the feed's entries already saved, oldest first."""
        with self._storage.fresh():
            table = self._table()
            # By name first: finding it by address normalises every feed's (at each feed).
            found = _find(table, sub.name)
            if found is None or not _same_url(found[1], sub.url):
                found = _find(table, sub.url)
            return self._seen_ids(sub.url, found[1] if found is not None else {})

    def _seen_ids(self, url: str, doc: dict[str, Any]) -> tuple[str, ...]:
        stored = self._seen.read(url)
        legacy = legacy_ids(doc)  # in the record itself until its next write moves them
        if stored is None:
            return legacy
        return tuple(dict.fromkeys([*stored, *legacy])) if legacy else stored

    # Changing --------------------------------------------------------------------------

    def add(
        self,
        url: str,
        title: str,
        *,
        tags: Iterable[str] = (),
        full_text: bool = False,
        name: str | None = None,
    ) -> tuple[Subscription, bool]:
        """Subscribe to a feed; (the subscription, True), or (the existing one, False)."""
        url = _checked_url(url)
        if name is not None and _slug(name) != name:
            raise FeedError(f"not a usable feed name: {name!r} (use a-z, 0-9 and -)")
        with self._storage.transaction():
            table = self._table()
            known = _find(table, url)
            if known is not None:
                return _from_doc(known[1]), False
            taken = {str(doc.get("name")) for doc in table.values()}
            if name is not None and name in taken:
                raise FeedError(f"a feed is already named {name}")
            sub = _new(url, title, name or unique_name(title, url, taken), tags, full_text)
            self._write({**table, _next_id(table): _to_doc(sub)})
        return sub, True

    def add_many(
        self, feeds: Iterable[tuple[str, str, Iterable[str]]]
    ) -> list[tuple[Subscription, bool]]:
        """Subscribe to many (url, title, tags) at once, in one write; as `add` for each."""
        with self._storage.transaction():
            table = dict(self._table())
            by_url: dict[str, dict[str, Any]] = {}
            for doc in table.values():
                by_url.setdefault(normalize_url(str(doc.get("url", ""))), doc)
            taken = {str(doc.get("name")) for doc in table.values()}
            next_id = int(_next_id(table))
            numbers: dict[str, int] = {}
            results: list[tuple[Subscription, bool]] = []
            for url, title, tags in feeds:
                url = _checked_url(url)
                known = by_url.get(normalize_url(url))
                if known is not None:
                    results.append((_from_doc(known), False))
                    continue
                # Counting on from the feeds already named from the same words keeps a list
                # of many feeds with one title from trying -2, -3... again for each of them.
                base = _base_name(title, url)
                numbers[base] = numbers.get(base, 0) + 1
                name = unique_name(title, url, taken, start=max(2, numbers[base]))
                sub = _new(url, title, name, tags, False)
                table[str(next_id)] = by_url[normalize_url(url)] = _to_doc(sub)
                taken.add(name)
                next_id += 1
                results.append((sub, True))
            if any(created for _, created in results):
                self._write(table)
        return results

    def remove(self, name_or_url: str) -> Subscription | None:
        """Unsubscribe; the removed subscription, or None when there was none."""
        with self._storage.transaction():
            table = self._table()
            found = _find(table, name_or_url)
            if found is None:
                return None
            self._write({key: doc for key, doc in table.items() if key != found[0]})
        # Once the feed is gone from the file: a failed save leaves it with its ids.
        self._seen.remove(str(found[1].get("url") or ""))
        return _from_doc(found[1])

    def modify(self, name: str, change: Change, *, seen: SeenChange | None = None) -> Subscription:
        """Apply `change` to the subscription as it is on disk now, and save the result;
        with `seen`, change its seen ids too (as they are now), in the same transaction."""
        with self._storage.transaction():
            table = self._table()
            found = _find(table, name)
            if found is None:
                raise FeedError(f"no feed named {name}")
            key, doc = found
            updated = change(_from_doc(doc))
            url = str(doc.get("url") or "")
            moved = not _same_url(doc, updated.url)
            # Ids an older version kept in the record move out now: it is saved without them.
            if seen is not None or moved or "seen" in doc:
                ids = self._seen_ids(url, doc)
                self._write_seen(updated.url, ids if seen is None else seen(ids))
                if moved:
                    self._seen.remove(url)
            self._write({**table, key: _to_doc(updated)})
        return updated

    def update(self, name: str, **changes: Any) -> Subscription:
        """Set some fields of a subscription (title, tags, etag, last_error, ...)."""
        if "tags" in changes:
            changes["tags"] = _tags(changes["tags"])
        return self.modify(name, lambda sub: dataclasses.replace(sub, **changes))

    def set_full_text(self, name: str, full_text: bool) -> Subscription:
        """Ask for (or stop asking for) the linked page of summary-only entries."""
        return self.update(name, full_text=full_text)

    # The file --------------------------------------------------------------------------

    def _table(self) -> dict[str, dict[str, Any]]:
        return (self._storage.read() or {}).get(TABLE) or {}

    def _write(self, table: dict[str, dict[str, Any]]) -> None:
        # A new dict for the table (never the cached one changed in place) lets the
        # storage's encoder see it changed.
        tables = dict(self._storage.read() or {})
        tables[TABLE] = {key: self._moved_out(doc) for key, doc in table.items()}
        self._storage.write(tables)

    def _moved_out(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A record as an older version wrote it, its seen ids moved to their own file
        (before the record is saved without them)."""
        if "seen" not in doc:
            return doc
        url = str(doc.get("url") or "")
        self._write_seen(url, self._seen_ids(url, doc))
        return {field: value for field, value in doc.items() if field != "seen"}

    def _write_seen(self, url: str, ids: tuple[str, ...]) -> None:
        try:
            self._seen.write(url, ids)
        except OSError as error:
            raise StoreWriteError(
                f"cannot save the entries the feed has seen: {error.strerror or error}"
            ) from None


def unique_name(title: str, url: str, taken: Iterable[str], *, start: int = 2) -> str:
    """A short slug from the title (else the host or file name), made unique with -2, -3..."""
    base = _base_name(title, url)
    used = taken if isinstance(taken, set | frozenset) else set(taken)
    name, count = base, start - 1
    while name in used:
        count += 1
        suffix = f"-{count}"
        name = base[: NAME_LENGTH - len(suffix)].rstrip("-") + suffix
    return name


def _base_name(title: str, url: str) -> str:
    return _slug(title) or _slug(urlsplit(url).hostname or "") or _slug(Path(url).stem) or "feed"


def feed_folder(name: str) -> Path:
    """Where a feed's entries are saved: the user library's feeds/<name>/."""
    # Names are slugs already, unless feeds.json was edited by hand: even then, never a
    # folder outside feeds/ ("../..", "/tmp").
    return paths.user_library_dir() / "feeds" / (name_slug(name) or "feed")


def name_slug(text: str) -> str:
    """Text as a feed name: a-z, 0-9 and single hyphens (empty when nothing is left)."""
    return _slug(text)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")[:NAME_LENGTH].rstrip("-")


def _new(url: str, title: str, name: str, tags: Iterable[str], full_text: bool) -> Subscription:
    sub = Subscription(name, title.strip() or name, url, tags=_tags(tags))
    return dataclasses.replace(sub, full_text=full_text)


def _checked_url(url: str) -> str:
    url = url.strip()
    if is_web_url(url):
        return url
    if url.startswith("/") and "://" not in url:
        return url
    raise FeedError(f"not a feed address: {url!r} (give an http(s) URL or an absolute file path)")


def _tags(tags: Iterable[str]) -> tuple[str, ...]:
    cleaned = (" ".join(str(tag).split()) for tag in tags)
    return tuple(dict.fromkeys(tag for tag in cleaned if tag))


def _find(table: dict[str, dict[str, Any]], name_or_url: str) -> tuple[str, dict[str, Any]] | None:
    wanted = name_or_url.strip()
    for key, doc in table.items():
        if doc.get("name") == wanted:
            return key, doc
    target = normalize_url(wanted)
    for key, doc in table.items():
        if normalize_url(str(doc.get("url", ""))) == target:
            return key, doc
    return None


def _same_url(doc: dict[str, Any], url: str) -> bool:
    return normalize_url(str(doc.get("url") or "")) == normalize_url(url)


def _next_id(table: dict[str, dict[str, Any]]) -> str:
    numbers = [int(key) for key in table if key.isdigit()]
    return str(max(numbers, default=0) + 1)


def _to_doc(sub: Subscription) -> dict[str, Any]:
    return {
        "uuid": sub.uuid,
        "name": sub.name,
        "title": sub.title,
        "url": sub.url,
        "tags": list(sub.tags),
        "full_text": sub.full_text,
        "etag": sub.etag,
        "last_modified": sub.last_modified,
        "last_checked": _iso(sub.last_checked),
        "last_error": sub.last_error,
        "keep": sub.keep,
        "added": _iso(sub.added),
    }


def _from_doc(doc: dict[str, Any]) -> Subscription:
    """A subscription from its stored form, tolerating missing or mistyped fields."""
    name = str(doc.get("name") or "feed")
    return Subscription(
        name=name,
        title=str(doc.get("title") or name),
        url=str(doc.get("url") or ""),
        tags=_tags(doc.get("tags") or ()),
        full_text=doc.get("full_text") is True,
        etag=_opt_str(doc.get("etag")),
        last_modified=_opt_str(doc.get("last_modified")),
        last_checked=_parse_time(doc.get("last_checked")),
        last_error=_opt_str(doc.get("last_error")),
        keep=_opt_str(doc.get("keep")),
        added=_parse_time(doc.get("added")) or datetime.fromtimestamp(0, UTC),
        uuid=str(doc.get("uuid") or uuid.uuid4()),
    )


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
