"""Subscribing to feeds and refreshing them: incremental, parallel with a bound, never stopping
on one feed's failure."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader.feeds.common import FeedError, is_web_url
from reader.feeds.entries import save_entries
from reader.feeds.parse import Entry, ParsedFeed, parse_feed
from reader.feeds.registry import feed_folder
from reader.files import open_regular
from reader.web.fetch import FEED_ACCEPT, Limits, check_url, fetch
from reader.web.save import user_path

if TYPE_CHECKING:
    from reader.feeds.registry import FeedRegistry, Subscription
    from reader.feeds.seen import SeenChange
    from reader.library.parse_pool import Parsed
    from reader.library.spool import Packed

MAX_WORKERS = 4
"""Feeds fetched at once."""

PROCESS_MIN = 8
"""Feeds to refresh from which helper processes (one per core) do the work, not threads."""

MAX_NEW_ENTRIES = 500
"""Entries saved by one refresh of one feed, newest first; a longer backlog is saved over
the next refreshes, so a feed of tens of thousands of entries cannot stall a refresh."""

AHEAD = 3
"""Feeds queued per helper process: enough to keep it busy while this process takes a
result (or syncs the library), few enough that waiting results hold little memory."""

SEEN_KEEP = 500
"""Entry ids remembered beyond those still in the feed (so an entry that drops out of the
feed and comes back is not saved again)."""


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What one feed's refresh did. `error` is a one-line reason when it failed."""

    name: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str | None = None
    paths: tuple[Path, ...] = ()
    """The article files written (new or updated)."""
    parsed: tuple[Packed, ...] = ()
    """What was parsed of those files, packed for the spool of a `parse_once` around the
    refresh (handed over as each feed finishes, then dropped from the result)."""


ProgressCallback = Callable[[int, int, FeedResult], None]
"""Called as each feed finishes: (feeds done, feeds in all, that feed's result)."""


@dataclass(frozen=True, slots=True)
class _Download:
    """A feed's bytes (None when unchanged since the last check) and its validators."""

    body: bytes | None
    url: str
    etag: str | None = None
    last_modified: str | None = None


def subscribe(
    registry: FeedRegistry,
    source: str,
    *,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so sharing the default is safe)
    tags: Sequence[str] = (),
    full_text: bool = False,
) -> tuple[Subscription, FeedResult]:
    """Add a feed by URL or file path, fetching it once and saving its entries.

    FeedError (or FetchError) when the source cannot be read or is not a feed; nothing is
    saved then. A feed already subscribed is returned as it is, with an empty result. When
    its entries cannot be saved, the feed is subscribed and the result carries the error.
    """
    address = _address(source)
    known = registry.get(address)
    if known is not None:
        return known, FeedResult(known.name)
    download = _download(address, None, None, limits)
    assert download.body is not None
    parsed = parse_feed(download.body, url=download.url or None)
    sub, created = registry.add(address, parsed.title, tags=tags, full_text=full_text)
    if not created:  # another process subscribed it meanwhile
        return sub, FeedResult(sub.name)
    try:
        return sub, _handed_over(_finish(registry, sub, download, parsed, limits))
    except Exception as error:  # subscribed all the same; a refresh tries again
        return sub, _failed(registry, sub, error)


def refresh(
    registry: FeedRegistry,
    names: Sequence[str] | None = None,
    *,
    workers: int = MAX_WORKERS,
    on_progress: ProgressCallback | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen, so sharing the default is safe)
    keep_paths: bool = True,
    helps: bool = False,
) -> list[FeedResult]:
    """Refresh the named feeds (all when None), in parallel; one result per feed.

    An unknown name gives a result with an error. `on_progress` runs on the calling
    thread, once per feed, in the order the feeds finish. Without `keep_paths` the results
    leave out the files written (a caller that only counts them need not hold 100,000 paths).
    With `helps`, when helper processes do the work this process does a share of it too,
    with one helper fewer: for a command that has nothing else to do meanwhile, not for an
    app whose interpreter paints the screen.
    """
    chosen = _chosen(registry, names)
    results: dict[int, FeedResult] = {}
    todo = [(i, sub) for i, sub in enumerate(chosen) if not isinstance(sub, FeedResult)]
    for i, sub in enumerate(chosen):
        if isinstance(sub, FeedResult):
            results[i] = sub
            _tell(on_progress, len(results), len(chosen), sub)
    if len(todo) >= PROCESS_MIN and (os.cpu_count() or 1) > 1:
        todo = _in_processes(
            registry,
            todo,
            limits,
            results,
            lambda r: _tell(on_progress, len(results), len(chosen), r),
            keep_paths,
            helps,
        )
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo)))) as pool:
            # Each in this thread's context: a spool of `parse_once` is seen by the savers.
            futures = {
                pool.submit(contextvars.copy_context().run, refresh_one, registry, sub, limits): i
                for i, sub in todo
            }
            for future in as_completed(futures):
                # Popped, so the future and the parse it carried go now, not at the end.
                result = _handed_over(future.result(), keep_paths)
                results[futures.pop(future)] = result
                _tell(on_progress, len(results), len(chosen), result)
    return [results[i] for i in range(len(chosen))]


def _handed_over(result: FeedResult, keep_paths: bool = True) -> FeedResult:
    """Put what a feed's saver parsed into the spool of the `parse_once` around this
    refresh, and drop it from the result (a refresh of 100,000 entries must not hold them),
    with the paths written unless they are to be kept."""
    if result.parsed:
        from reader.library.spool import current_spool

        spool = current_spool()
        if spool is not None:
            spool.put_packed(result.parsed)
    if result.parsed or (result.paths and not keep_paths):
        return dataclasses.replace(result, parsed=(), paths=result.paths if keep_paths else ())
    return result


def _in_processes(
    registry: FeedRegistry,
    todo: list[tuple[int, Subscription]],
    limits: Limits,
    results: dict[int, FeedResult],
    tell: Callable[[FeedResult], None],
    keep_paths: bool,
    helps: bool,
) -> list[tuple[int, Subscription]]:
    """Refresh feeds in one helper process per core (this process taking one core's share
    when it `helps`); the feeds left undone if helpers died.

    Parsing feeds and converting entries is CPU-bound Python, so threads share one core;
    processes use them all. Each helper changes the subscriptions file under its lock, as
    any other reader process does, so nothing is lost between them.
    """
    from reader.feeds.helpers import HelperPool
    from reader.library.spool import current_spool

    count = min(os.cpu_count() or 1, len(todo))
    if helps:
        count = max(1, count - 1)  # this process takes the last core's share
    try:
        # With a spool to hand it to, the helpers parse each file as they write it.
        pool = HelperPool(count, registry.path, current_spool() is not None)
    except OSError:
        return todo
    local = _in_this_process(registry, limits) if helps else None
    for i, result in pool.run(todo, limits, keep_paths, AHEAD, local):
        result = _handed_over(result, keep_paths)
        results[i] = result
        tell(result)
    return [(i, sub) for i, sub in todo if i not in results]


def _in_this_process(
    registry: FeedRegistry, limits: Limits
) -> Callable[[Subscription], FeedResult]:
    """`refresh_one` for a thread of this process beside the helpers, in the caller's
    context (where the spool of a `parse_once` around the refresh is found)."""
    context = contextvars.copy_context()

    def refresh_here(sub: Subscription) -> FeedResult:
        return context.copy().run(refresh_one, registry, sub, limits)

    return refresh_here


_worker_registry: FeedRegistry | None = None
"""The subscriptions, opened once in each helper process."""

_worker_parses = False
"""Whether this helper process parses the files it writes (see `FeedResult.parsed`)."""

_frozen = False
"""Whether this helper's long-lived objects are out of the collector's sight (`_tidy`)."""


def set_up_helper(path: Path, parse: bool) -> None:
    """Set up a helper process: its own handle on the subscriptions, whether to parse the
    files it writes, and no output, since it shares the terminal a full-screen app paints."""
    from reader.feeds.registry import FeedRegistry

    global _worker_parses
    _worker_parses = parse
    # The collector runs after each feed (`_tidy`): its own schedule, walking a feed's
    # objects while they are in use, would find nothing more.
    gc.disable()

    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (1, 2):
            os.dup2(devnull, stream)
        os.close(devnull)
    global _worker_registry
    _worker_registry = FeedRegistry.open(path)


def refresh_in_helper(sub: Subscription, limits: Limits, keep_paths: bool = True) -> FeedResult:
    """`refresh_one` in a helper process, against its own handle on the subscriptions;
    without the paths written unless they are kept (so they are not sent over)."""
    if _worker_registry is None:
        return FeedResult(sub.name, error="the subscriptions could not be opened")
    try:
        result = refresh_one(_worker_registry, sub, limits)
        return result if keep_paths else dataclasses.replace(result, paths=())
    finally:
        _tidy()


def _tidy() -> None:
    """After each feed in a helper: free what it left in reference cycles, and give the
    freed pages back to the system.

    A feed's parse leaves thousands of objects in cycles, which the collector's own
    schedule frees only now and then: a helper grew by about a megabyte a feed, to twice
    its size over a hundred feeds, with none of it in use.
    """
    from reader.native import give_back_memory

    global _frozen
    gc.collect()
    if not _frozen:
        # What the first feed leaves is the modules it imported and this helper's set-up,
        # kept to the end: the collections after each feed need not walk it again.
        gc.freeze()
        _frozen = True
    give_back_memory()


def _chosen(registry: FeedRegistry, names: Sequence[str] | None) -> list[Subscription | FeedResult]:
    if names is None:
        return list(registry.all())
    chosen: list[Subscription | FeedResult] = []
    for name in dict.fromkeys(names):
        sub = registry.get(name)
        chosen.append(sub if sub is not None else FeedResult(name, error="no such feed"))
    return chosen


def _tell(on_progress: ProgressCallback | None, done: int, total: int, result: FeedResult) -> None:
    if on_progress is not None:
        on_progress(done, total, result)


def refresh_one(registry: FeedRegistry, sub: Subscription, limits: Limits) -> FeedResult:
    """Refresh one feed; any failure is recorded on the subscription and returned, not raised."""
    try:
        download = _download(sub.url, sub.etag, sub.last_modified, limits)
        if download.body is None:
            registry.update(sub.name, last_checked=_now(), last_error=None)
            return FeedResult(sub.name, not_modified=True)
        parsed = parse_feed(download.body, url=download.url or None)
        return _finish(registry, sub, download, parsed, limits)
    except Exception as error:  # one feed's failure, whatever it is, must not stop the rest
        return _failed(registry, sub, error)


def _failed(registry: FeedRegistry, sub: Subscription, error: Exception) -> FeedResult:
    """Record a feed's failure on its subscription, and the result that reports it."""
    reason = _one_line(error)
    # The registry itself failing is reported the same way.
    with contextlib.suppress(Exception):
        registry.update(sub.name, last_checked=_now(), last_error=reason)
    return FeedResult(sub.name, error=reason)


def _finish(
    registry: FeedRegistry,
    sub: Subscription,
    download: _Download,
    parsed: ParsedFeed,
    limits: Limits,
) -> FeedResult:
    """Save the unseen entries, then record what was seen and the validators."""
    from reader.library.spool import pack_parsed

    seen = set(registry.seen(sub))
    fresh = [entry for entry in parsed.entries if entry.id not in seen]
    backlog = len(fresh) > MAX_NEW_ENTRIES
    if backlog:
        fresh = _newest(fresh)[:MAX_NEW_ENTRIES]
    saved_ids: list[str] = []
    paths: list[Path] = []
    kept: list[tuple[str, Parsed]] | None = [] if _parses_here() else None
    current = [entry.id for entry in parsed.entries]
    folder = feed_folder(sub.name)
    try:
        for saved_id, path in save_entries(sub, parsed, fresh, folder, limits, kept):
            saved_ids.append(saved_id)
            if path is not None:
                paths.append(path)
    except BaseException:
        # Remember what was saved, but not the validators: the next fetch must not be
        # answered "not modified" while entries are still missing.
        registry.modify(sub.name, _recorder(None), seen=_seen_change(current, saved_ids))
        raise
    # With entries still to save, the validators are not kept: the next refresh must get
    # the whole feed again, not "not modified".
    registry.modify(
        sub.name,
        _recorder(None if backlog else download),
        seen=_seen_change(current, saved_ids),
    )
    # Packed here, in a helper process when there is one: compact to hand over, and the
    # process that takes it has less to do.
    packed = tuple(pack_parsed(kept)) if kept else ()
    return FeedResult(sub.name, new=len(paths), paths=tuple(paths), parsed=packed)


def _parses_here() -> bool:
    """Whether the files saved here are parsed for a spool: in a helper process when told
    so, else when a `parse_once` block is open around this code."""
    from reader.library.spool import current_spool

    return _worker_parses or current_spool() is not None


def _newest(entries: list[Entry]) -> list[Entry]:
    """Entries newest first; undated ones after, in the feed's own order."""
    dated = [(entry.published, entry) for entry in entries if entry.published is not None]
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for _, entry in dated] + [e for e in entries if e.published is None]


def _recorder(download: _Download | None) -> Callable[[Subscription], Subscription]:
    """The change to a subscription after a fetch: applied to its latest state on disk.

    `download` is None after a failure part-way: the old validators are kept.
    """

    def record(sub: Subscription) -> Subscription:
        if download is None:
            return sub
        return dataclasses.replace(
            sub,
            etag=download.etag,
            last_modified=download.last_modified,
            last_checked=_now(),
            last_error=None,
        )

    return record


def _seen_change(current: list[str], saved: list[str]) -> SeenChange:
    """The change to a feed's seen ids after a fetch (saved ids kept even after a failure)."""
    return lambda seen: merge_seen(seen, saved, current)


def merge_seen(
    seen: Sequence[str], saved: Sequence[str], current: Sequence[str], keep: int = SEEN_KEEP
) -> tuple[str, ...]:
    """The ids to remember: every id still in the feed, plus the `keep` most recent others."""
    order = list(dict.fromkeys([*seen, *saved]))
    in_feed = set(current)
    others = [item for item in order if item not in in_feed]
    kept = set(others[-keep:] if keep else []) | (in_feed & set(order))
    return tuple(item for item in order if item in kept)


# Reading a feed ------------------------------------------------------------------------


def _address(source: str) -> str:
    """An http(s) URL as it is, or a local file as an absolute path; FeedError otherwise."""
    text = source.strip()
    if is_web_url(text):
        return check_url(text)
    if "://" in text or text.lower().startswith(("file:", "ftp:", "data:", "javascript:")):
        raise FeedError(f"only http(s) URLs and local files can be feeds, not {text!r}")
    path = user_path(text)
    try:
        if not path.is_file():
            raise FeedError(f"no such file: {path}" if not path.exists() else f"not a file: {path}")
        return str(path.resolve())
    except OSError as error:  # a name too long for the file system
        raise FeedError(f"cannot read {path}: {error.strerror or error}") from None


def _download(
    address: str, etag: str | None, last_modified: str | None, limits: Limits
) -> _Download:
    if is_web_url(address):
        response = fetch(
            address, limits=limits, accept=FEED_ACCEPT, etag=etag, last_modified=last_modified
        )
        if response.not_modified:
            return _Download(None, response.url, etag, last_modified)
        return _Download(response.body, response.url, response.etag, response.last_modified)
    return _read_file(Path(address), etag, limits)


def _read_file(path: Path, etag: str | None, limits: Limits) -> _Download:
    """A local feed file, capped in size; its size and mtime stand in for an ETag.

    Its URL is left empty: relative links in a local file have no web address to resolve
    against, and must not be made into file: URLs.
    """
    try:
        with os.fdopen(open_regular(path), "rb") as handle:  # never a FIFO or device
            info = os.fstat(handle.fileno())
            stamp = f"file:{info.st_size}:{info.st_mtime_ns}"
            if etag == stamp:
                return _Download(None, "", etag)
            data = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise FeedError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > limits.max_bytes:
        raise FeedError(f"{path.name} is too large: over {limits.max_bytes // 1024} KiB")
    return _Download(data, "", stamp)


def _now() -> datetime:
    return datetime.now(UTC)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
