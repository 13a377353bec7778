"""Saving articles into the user's library as Markdown files with front matter."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from reader import paths
from reader.files import DOCUMENT, BatchWriter, FileTooLarge, atomic_write, open_regular, read_bytes
from reader.sources.common import collapse, title_from_filename
from reader.sources.common import slugify as common_slugify
from reader.sources.decode import strip_controls
from reader.sources.frontmatter import (
    MAX_FRONT_MATTER,
    WrittenFront,
    split_front_matter,
    written_front,
)
from reader.sources.simpleyaml import dump_mapping
from reader.web.fetch import HTML_ACCEPT, FetchError, Limits, check_url, fetch, safe_url
from reader.web.urls import digest
from reader.web.urls import url_key as url_key  # re-exported: feeds and tests use it here

TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".text"})
"""Local files copied into the library as they are."""
HTML_SUFFIXES = frozenset({".html", ".htm"})
"""Local files converted to Markdown on the way in."""
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Local files larger than this are refused (no article is near it)."""

# The opening of an RSS, RSS 1.0 (RDF) or Atom document.
_FEED_START = re.compile(rb"<(rss|rdf:RDF|feed)[\s>]", re.IGNORECASE)
_KEY = re.compile(r"[0-9a-z]{6,32}")
_SLUG_LIMIT = 60
_SLUG_BYTES = 150
_EXTRA_KEY = re.compile(r"[a-z][a-z0-9_]*")
_KNOWN_KEYS = ("title", "url", "author", "date", "site", "source", "saved", "tags")
# For front matter dump_mapping cannot write; libyaml's emitter is several times faster than
# the pure-Python one, and its output reads back to the same values with either loader.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SaveError(Exception):
    """A page or file that could not be saved; str(error) is a one-line reason."""


class IsAFeed(SaveError):
    """The address is a feed, not a page: subscribe to it instead."""

    def __init__(self, url: str) -> None:
        super().__init__(f"this is a feed, not a page: subscribe with `reader feeds add {url}`")
        self.url = url


@dataclass(frozen=True, slots=True)
class Draft:
    """An article about to be written: front matter fields and the Markdown body."""

    title: str
    markdown: str
    url: str | None = None
    author: str | None = None
    date: date | None = None
    site: str | None = None
    source: str | None = None
    """Shown as the article's origin and matched by `source:` (the site, or the feed's title)."""
    saved: datetime | None = None
    tags: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    """More front matter keys (a feed entry's `feed` and `entry_id`)."""


@dataclass(frozen=True, slots=True)
class Saved:
    """Where an article was written, and whether it was new (False: it was already saved)."""

    path: Path
    title: str
    created: bool
    front: WrittenFront | None = None
    """The front matter written in a new file, as a reader will find it (None when it must
    be read back: not written by the simple writer, or bytes that had to be repaired)."""


# Keys and file names -------------------------------------------------------------------


def file_name(draft: Draft, key: str) -> str:
    """`<YYYY-MM-DD>-<slug>--<key>.md`: the article's date (else the day saved) and title."""
    day = draft.date or (draft.saved or datetime.now(UTC)).date()
    return f"{day.isoformat()}-{slugify(draft.title)}--{key}.md"


def slugify(title: str) -> str:
    """A file-name-safe form of a title: lower-case words joined by single hyphens."""
    # Single hyphens only: "--" separates the key in file names.
    slug = common_slugify(title, _SLUG_LIMIT)
    # File systems count bytes: 60 letters of 4 bytes each would pass 255 with the date and key.
    while len(slug.encode("utf-8")) > _SLUG_BYTES:
        slug = slug[:-1].rstrip("-_")
    return slug or "article"


def find_saved(folder: Path, key: str) -> Path | None:
    """The file saved under this key in folder, if any."""
    _check_key(key)
    if not folder.is_dir():
        return None
    found = sorted(folder.glob(f"*--{key}.md"))
    return found[0] if found else None


def saved_keys(folder: Path) -> dict[str, Path]:
    """Every file saved in folder, by its key (one listing, for saving many drafts)."""
    found: dict[str, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*--*.md")):
            key = path.stem.rpartition("--")[2]
            if _KEY.fullmatch(key):
                found.setdefault(key, path)
    return found


def _check_key(key: str) -> None:
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a save key: {key!r}")


# Writing -------------------------------------------------------------------------------


def write_draft(
    draft: Draft,
    folder: Path,
    key: str,
    *,
    known: dict[str, Path] | None = None,
    batch: BatchWriter | None = None,
) -> Saved:
    """Write a draft as `<date>-<slug>--<key>.md` in folder, atomically; reuse one with that key.

    `known` is the folder's `saved_keys`, when saving many drafts; the new file is added to it.
    With a `batch`, the file appears (whole, durable) when the batch is committed.
    """
    if known is None:
        existing = find_saved(folder, key)
    else:
        _check_key(key)
        existing = known.get(key)
    if existing is not None:
        return Saved(existing, saved_title(existing), created=False)
    stamped = with_saved_date(draft)
    path = folder / file_name(stamped, key)
    front = put_draft(path, stamped, batch)
    if known is not None:
        known[key] = path
    return Saved(path, _one_line(draft.title) or "Untitled", created=True, front=front)


def put_draft(path: Path, draft: Draft, batch: BatchWriter | None) -> WrittenFront | None:
    """Render `draft` and write it at `path` (into `batch`, when given); the front matter
    written, when sure (see `Saved.front`). SaveError when it cannot be written."""
    try:
        data, front = render_written(draft)
        try:
            _put(path, data, batch)
        except FileNotFoundError:
            # The folder is made when missing, not checked before each of many drafts.
            path.parent.mkdir(parents=True, exist_ok=True)
            _put(path, data, batch)
    except OSError as error:
        raise SaveError(f"cannot write {path}: {error.strerror or error}") from None
    return front


def _put(path: Path, data: bytes, batch: BatchWriter | None) -> None:
    if batch is None:
        write_atomically(path, data)
    else:
        batch.add(path, data)


def with_saved_date(draft: Draft) -> Draft:
    """The draft with its save date: its own, else now (the file's name holds it)."""
    return draft if draft.saved else dataclasses.replace(draft, saved=datetime.now(UTC))


def render_draft(draft: Draft) -> str:
    """The file's text: YAML front matter, a blank line, then the Markdown body."""
    return _rendered(draft)[0]


def render_written(draft: Draft) -> tuple[bytes, WrittenFront | None]:
    """The file's bytes (`render_draft`, encoded), and its front matter as a reader will
    find it in them, when that is sure (see `Saved.front`)."""
    text, header, data = _rendered(draft)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, written as "?": read it back
        return text.encode("utf-8", "replace"), None
    return encoded, None if header is None else written_front(header, data)


def _rendered(draft: Draft) -> tuple[str, str | None, dict[str, object]]:
    """The file's text, the YAML header when the simple writer wrote it, and its fields."""
    data = front_data(draft)
    header = dump_mapping(data)  # strings, days and tag lists, without PyYAML's Python layers
    simple = header is not None
    if header is None:  # a date that is a datetime: PyYAML writes it as it always has
        header = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000)
    body = strip_controls(draft.markdown).strip("\n")
    return f"---\n{header}---\n\n{body}\n", header if simple else None, data


def front_data(draft: Draft) -> dict[str, object]:
    """The draft's front matter fields, cleaned, in the order they are written."""
    data: dict[str, object] = {"title": _one_line(draft.title) or "Untitled"}
    for name, value in (
        ("url", draft.url and safe_url(draft.url.strip())),
        ("author", _one_line(draft.author)),
        ("date", draft.date),
        ("site", _one_line(draft.site)),
        ("source", _one_line(draft.source)),
        ("saved", draft.saved and _utc_stamp(draft.saved)),
    ):
        if value:
            data[name] = value
    tags = [tag for tag in (_one_line(tag) for tag in draft.tags) if tag]
    if tags:
        data["tags"] = tags
    for name, text in draft.extra.items():
        key = name.strip().lower()
        if _EXTRA_KEY.fullmatch(key) and key not in _KNOWN_KEYS and key not in data:
            data[key] = strip_controls(str(text))
    return data


def _one_line(text: str | None) -> str | None:
    return collapse(strip_controls(text)) or None if text else None


@functools.lru_cache(maxsize=4)  # a feed's drafts share one save time
def _utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_atomically(path: Path, data: bytes) -> None:
    """Write one of the user's documents atomically (see `atomic_write`), readable as usual."""
    atomic_write(path, data, mode=DOCUMENT)


def saved_title(path: Path) -> str:
    """The title in a saved file's front matter (else one made from its name)."""
    try:
        with os.fdopen(open_regular(path), "rb") as source:
            head = source.read(MAX_FRONT_MATTER + 8)
    except OSError:
        return title_from_filename(path)
    front, _ = split_front_matter(head.decode("utf-8", "replace"))
    if front is not None and front.title:
        return front.title
    return title_from_filename(path)


# Web pages -----------------------------------------------------------------------------


def add_url(
    url: str,
    *,
    folder: Path | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so sharing the default is safe)
) -> Saved:
    """Fetch, extract and save a web page (default folder: the user's library `web/`).

    Every failure, fetching included, is a SaveError with a one-line reason.
    """
    from reader.sources import LoadError
    from reader.sources.html import extract_page

    folder = folder if folder is not None else paths.user_library_dir() / "web"
    try:
        address = check_url(url)
        known = _find_page(folder, url_key(address))
        if known is not None:
            return Saved(known, saved_title(known), created=False)
        response = fetch(address, limits=limits, accept=HTML_ACCEPT)
    except FetchError as error:
        raise SaveError(str(error)) from error
    _require_html(response.content_type, response.body, response.url)
    try:
        page = extract_page(response.body, url=response.url, charset=response.charset)
    except LoadError as error:
        raise SaveError(str(error)) from error
    home = _trusted_canonical(page.url, response.url) or response.url
    for key in (url_key(response.url), url_key(home)):
        known = _find_page(folder, key)
        if known is not None:
            return Saved(known, saved_title(known), created=False)
    host = urlsplit(response.url).hostname or ""
    draft = Draft(
        title=page.title or _title_from_url(response.url),
        markdown=page.markdown,
        url=home,
        author=page.author,
        date=page.date,
        site=page.site or host,
        source=page.site or host,
    )
    return write_draft(draft, folder, url_key(home))


def _find_page(folder: Path, key: str) -> Path | None:
    """The page saved under this URL key: by its address in `folder`, or as a feed entry
    that holds its whole text (named by the page's URL in the library's `feeds/*/`)."""
    found = find_saved(folder, key)
    if found is not None:
        return found
    feeds = folder.parent / "feeds"
    if not feeds.is_dir():
        return None
    return next(iter(sorted(feeds.glob(f"*/*--{key}.md"))), None)


def _require_html(content_type: str, body: bytes, url: str) -> None:
    if content_type in HTML_TYPES:
        return
    head = body[:512].lstrip().lower()
    # No declared type: a page that opens like HTML is taken as one.
    if not content_type and head.startswith((b"<!doctype html", b"<html")):
        return
    if _FEED_START.search(body[:2048]):
        raise IsAFeed(url)
    raise SaveError(f"not a web page: {content_type or 'no content type'}")


def _trusted_canonical(canonical: str | None, fetched: str) -> str | None:
    """The page's declared canonical URL, when it is believable as this page's address.

    Some sites name their home page as every page's canonical URL; a canonical URL on
    another host, or a bare home page for a deeper page, is not used.
    """
    if not canonical:
        return None
    try:
        canonical = check_url(canonical)
    except FetchError:
        return None
    declared, actual = urlsplit(canonical), urlsplit(fetched)
    if _bare_host(declared.hostname) != _bare_host(actual.hostname):
        return None
    if declared.path.strip("/") == "" and actual.path.strip("/") != "":
        return None
    return safe_url(canonical)


def _bare_host(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")


def _title_from_url(url: str) -> str:
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return title_from_filename(Path(last)) if last else parts.hostname or url


# Local files ---------------------------------------------------------------------------


def add_file(path: Path, *, folder: Path | None = None) -> Saved:
    """Copy a local article (or convert an HTML file) into the user's library `files/`."""
    folder = folder if folder is not None else paths.user_library_dir() / "files"
    if not _exists(path):
        raise SaveError("no such file")
    if not path.is_file():
        raise SaveError("not a file")
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        raise SaveError("looks like a feed: use `reader feeds add`")
    if suffix == ".opml":
        raise SaveError("looks like a feed list: use `reader feeds import`")
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        kind = f"a {suffix} file" if suffix else "a file without a suffix"
        raise SaveError(f"cannot add {kind}: only .md, .markdown, .txt, .html and .htm")
    data = _read_file(path)
    if suffix in HTML_SUFFIXES:
        return _convert_html(data, folder)
    return _copy_text(path, data, folder)


_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]+:")
"""An address scheme; two letters at least, so `C:\\notes.md` stays a path."""


def add_item(item: str, *, limits: Limits = Limits()) -> Saved:  # noqa: B008 (frozen)
    """Save what a person typed: a web address (anything with a scheme) or a file path."""
    path = user_path(item)
    exists = _exists(path)
    if _SCHEME.match(item.strip()) and not exists:
        return add_url(item, limits=limits)
    if not exists:
        raise SaveError("no such file (web addresses start with http:// or https://)")
    return add_file(path)


def user_path(text: str | Path) -> Path:
    """A path as typed, with a leading `~` or `~user` expanded when that home is known."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # ~user naming nobody: taken as it is, and then not found
        return Path(text)


def _exists(path: Path) -> bool:
    """Whether a path exists; SaveError for a path the system cannot look up (too long)."""
    try:
        return path.exists()
    except OSError as error:
        raise SaveError(f"cannot read: {error.strerror or error}") from None


def _read_file(path: Path) -> bytes:
    try:
        # Only a regular file, read with a cap: a FIFO or /dev/zero must not hang or fill memory.
        return read_bytes(path, MAX_FILE_BYTES)
    except FileTooLarge:
        raise SaveError(f"too large: more than {MAX_FILE_BYTES // (1024 * 1024)} MB") from None
    except OSError as error:
        raise SaveError(f"cannot read: {error.strerror or error}") from None


def _convert_html(data: bytes, folder: Path) -> Saved:
    from reader.sources import LoadError
    from reader.sources.html import extract_page

    try:
        page = extract_page(data)
    except LoadError as error:
        raise SaveError(str(error)) from error
    draft = Draft(
        title=page.title or "Untitled page",
        markdown=page.markdown,
        url=_trusted_canonical(page.url, page.url) if page.url else None,
        author=page.author,
        date=page.date,
        site=page.site,
        source=page.site,
    )
    # The same bytes added twice are one article, wherever they were added from.
    return write_draft(draft, folder, digest(data))


def _copy_text(path: Path, data: bytes, folder: Path) -> Saved:
    from reader.sources import LoadError, load_file

    try:
        title = load_file(path).title  # refuses binary and unreadable files before copying
    except LoadError as error:
        raise SaveError(str(error)) from error
    for target in _candidates(folder, path.name):
        if not target.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                write_atomically(target, data)
            except OSError as error:
                raise SaveError(f"cannot write {target}: {error.strerror or error}") from None
            return Saved(target, title, created=True)
        if _same_bytes(target, data):
            return Saved(target, title, created=False)
    raise SaveError(f"too many files named {path.name} in {folder}")


def _candidates(folder: Path, name: str, tries: int = 1000) -> list[Path]:
    """The name, then `stem-2.suffix`, `stem-3.suffix`... for a different file of that name."""
    stem, suffix = os.path.splitext(name)
    return [folder / name] + [folder / f"{stem}-{n}{suffix}" for n in range(2, tries + 1)]


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and read_bytes(path, len(data)) == data
    except OSError:
        return False
