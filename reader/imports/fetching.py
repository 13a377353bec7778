"""Fetching the pages of link-only articles (`reader fetch`): four at a time, politely.

A link-only article is a file whose front matter says `fetch: pending` (or `failed`, with
the reason and how many tries). Fetching rewrites that file in place with the page's text,
so the article keeps its id, its marks and its highlights, which find their quotes in the
text once it is there. Each file is rewritten atomically when its page arrives: a run that
is killed loses only the pages in flight, and the next run fetches what is still pending.
Imported addresses come from a file, not from the person's keyboard, so they must lead to
public addresses (the fetcher refuses the local network for them).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reader import paths
from reader.files import read_text
from reader.imports import drafts
from reader.sanitize import safe_line
from reader.sources.frontmatter import parse_yaml_mapping
from reader.web.fetch import HTML_ACCEPT, FetchError, Limits, fetch
from reader.web.save import Draft, render_draft, write_atomically

WORKERS = 4
"""Pages fetched at once."""
HOST_PAUSE = 1.0
"""Seconds between two requests to one host (and never two at once)."""
FAILED = "failed"
HEAD_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class Pending:
    """A link-only article waiting for its page."""

    path: Path
    url: str
    front: dict[str, Any]
    tries: int


@dataclass(frozen=True, slots=True)
class Failure:
    """A page that could not be fetched, and why."""

    url: str
    reason: str


@dataclass
class Outcome:
    """What a run did: pages fetched, failures, and how many are still waiting."""

    fetched: int = 0
    failures: list[Failure] = field(default_factory=list)
    left: int = 0


def pending(folder: Path | None = None) -> list[Pending]:
    """Link-only articles in the library's pages folder: never tried first, then by tries."""
    folder = folder or paths.user_library_dir() / drafts.WEB_FOLDER
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        item = pending_at(path)
        if item is not None:
            found.append(item)
    return sorted(found, key=lambda item: item.tries)


def pending_at(path: Path) -> Pending | None:
    """The link-only article at `path`, or None when the file holds a page's text."""
    try:
        text = read_text(path, HEAD_LIMIT)
    except (OSError, ValueError):
        return None
    if f"\n{drafts.PENDING_KEY}: " not in text[:8192]:  # cheap: most files are no links
        return None
    front = _front(text)
    state = front.get(drafts.PENDING_KEY)
    url = front.get("url")
    if state not in (drafts.PENDING, FAILED) or not isinstance(url, str):
        return None
    tries = str(front.get("fetch_tries") or "0")  # written as text in the front matter
    return Pending(path, url, front, int(tries) if tries.isdigit() else 0)


def _front(text: str) -> dict[str, Any]:
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    return (parse_yaml_mapping(text[4:end]) or {}) if end > 0 else {}


def fetch_pending(
    *,
    limit: int | None = None,
    folder: Path | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so sharing the default is safe)
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Fetch up to `limit` pending pages (all by default), WORKERS at a time."""
    waiting = pending(folder)
    chosen = waiting[:limit] if limit is not None else waiting
    outcome = Outcome(left=len(waiting) - len(chosen))
    hosts = _Hosts()
    lock = threading.Lock()

    def one(item: Pending) -> None:
        host = (urlsplit(item.url).hostname or "").lower()
        with hosts.turn(host):
            failure = _fetch_one(item, limits)
        with lock:
            if failure is None:
                outcome.fetched += 1
            else:
                outcome.failures.append(failure)
                outcome.left += 1
            if progress is not None:
                progress(outcome.fetched + len(outcome.failures), len(chosen))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(one, item) for item in chosen]:
            future.result()
    return outcome


class _Hosts:
    """One request at a time per host, HOST_PAUSE apart."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._busy: set[str] = set()
        self._next: dict[str, float] = {}

    def turn(self, host: str) -> _Turn:
        return _Turn(self, host)

    def acquire(self, host: str) -> None:
        with self._ready:
            while host in self._busy:
                self._ready.wait()
            self._busy.add(host)
            wait = self._next.get(host, 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def release(self, host: str) -> None:
        with self._ready:
            self._busy.discard(host)
            self._next[host] = time.monotonic() + HOST_PAUSE
            self._ready.notify_all()


class _Turn:
    def __init__(self, hosts: _Hosts, host: str) -> None:
        self.hosts, self.host = hosts, host

    def __enter__(self) -> None:
        self.hosts.acquire(self.host)

    def __exit__(self, *_exc: object) -> None:
        self.hosts.release(self.host)


def _fetch_one(item: Pending, limits: Limits) -> Failure | None:
    """Fetch one page and rewrite its file: with the text, or with the failure recorded."""
    from reader.sources import LoadError
    from reader.sources.html import extract_page

    try:
        response = fetch(item.url, limits=limits, accept=HTML_ACCEPT, typed=False)
        if "html" not in response.content_type and response.content_type:
            raise FetchError(f"not a web page: {response.content_type}")
        page = extract_page(response.body, url=response.url, charset=response.charset)
    except (FetchError, LoadError) as error:
        reason = safe_line(error) or "failed"
        _write(item.path, _failed(item, reason))
        return Failure(item.url, reason)
    draft = _draft(item, page.title, page.markdown, page.author, page.date, page.site)
    _write(item.path, render_draft(draft))
    return None


def _draft(
    item: Pending,
    title: str | None,
    markdown: str,
    author: str | None,
    day: date | None,
    site: str | None,
) -> Draft:
    """The fetched article, keeping what the import recorded (address, tags, save date)."""
    front = item.front
    extra = {
        key: str(value)
        for key, value in front.items()
        if key not in ("title", "url", "author", "date", "site", "source", "saved", "tags")
        and not key.startswith("fetch")
    }
    tags = front.get("tags")
    return Draft(
        title=title or str(front.get("title") or item.url),
        markdown=markdown,
        url=item.url,
        author=author or None,
        date=day or _day(front.get("date")),
        site=site or str(front.get("site") or "") or None,
        source=site or str(front.get("site") or "") or None,
        saved=_moment(front.get("saved")),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
        extra=extra,
    )


def _failed(item: Pending, reason: str) -> str:
    """The link-only article again, with the failure, the time and the count of tries."""
    front = item.front
    base = _draft(item, str(front.get("title") or ""), "", None, None, None)
    extra = {
        **base.extra,
        drafts.PENDING_KEY: FAILED,
        "fetch_error": reason,
        "fetch_tries": str(item.tries + 1),
        "fetch_last": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    body = f"{drafts.NOT_FETCHED}\n\nThe last try failed: {reason}\n\n<{item.url}>"
    source = drafts.pending_source(base.site or "", "fetch failed")
    return render_draft(replace(base, markdown=body, source=source, extra=extra))


def with_tags(item: Pending, tags: Sequence[str]) -> str | None:
    """The link-only article's file again with `tags` added, or None when it has them all."""
    front = item.front
    known = (
        [str(tag) for tag in front.get("tags") or []] if isinstance(front.get("tags"), list) else []
    )
    seen = {tag.lower() for tag in known}
    added = [tag for tag in dict.fromkeys(tags) if tag.lower() not in seen]
    if not added:
        return None
    try:
        text = read_text(item.path, HEAD_LIMIT)
    except (OSError, ValueError):
        return None
    end = text.find("\n---\n", 4)
    body = text[end + 5 :] if text.startswith("---\n") and end > 0 else ""
    base = _draft(item, str(front.get("title") or ""), body, None, None, None)
    state = {key: str(value) for key, value in front.items() if key.startswith("fetch")}
    source = str(front.get("source") or "") or None
    draft = replace(base, tags=(*known, *added), source=source, extra={**base.extra, **state})
    return render_draft(draft)


def _write(path: Path, text: str) -> None:
    with contextlib.suppress(OSError):  # the file stays pending; the next run tries again
        write_atomically(path, text.encode("utf-8", "replace"))


def _day(value: object) -> date | None:
    return value if isinstance(value, date) and not isinstance(value, datetime) else None


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None
