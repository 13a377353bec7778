"""Bringing articles in: saving web pages and files (`a`) and refreshing feeds (`r`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult
    from reader.feeds.registry import FeedRegistry
    from reader.ui.screens.main import MainScreen
    from reader.web.save import IsAFeed, Saved

FeedsOpener = Callable[[], "FeedRegistry"]
"""Opens the feed subscriptions on first use (the entry point builds it)."""

ADD_HINT = "A web address (https://…) or a file path; several separated by spaces."


class Incoming:
    """Saves web pages and files into the user's library, and refreshes feeds.

    Fetching and refreshing run in thread workers of the screen; their reports come back as
    messages the screen hands to `take`. When files were written, the library is rescanned
    so the new articles are listed and indexed at once.
    """

    class Report(Message):
        """A save or a feed refresh got further; the screen passes it to `take`."""

    @dataclass
    class Added(Report):
        """A save finished: what was saved, feeds subscribed, and a reason for each failure."""

        saved: list[Saved] = field(default_factory=list)
        errors: list[str] = field(default_factory=list)
        subscribed: list[str] = field(default_factory=list)
        """Titles of feeds subscribed to because their address was given."""
        feed_files: list[str] = field(default_factory=list)
        """Feed files given, which are not articles: the user is asked to subscribe."""

    @dataclass
    class FeedsProgressed(Report):
        """One more feed finished refreshing."""

        done: int
        total: int
        result: FeedResult

    @dataclass
    class FeedsRefreshed(Report):
        """Every feed finished (`error` is set when the refresh could not start)."""

        results: list[FeedResult]
        error: str = ""
        quiet: bool = False
        """A refresh on the timer: only new entries are told, in one short line."""

    def __init__(self, screen: MainScreen, feeds: FeedsOpener | None) -> None:
        self._screen = screen
        self.feeds = feeds
        """Opens the feed subscriptions; None when the app runs without feeds."""

    def take(self, report: Report) -> None:
        """Show what a save or a refresh reported (on the UI thread)."""
        if isinstance(report, self.Added):
            self._on_added(report)
        elif isinstance(report, self.FeedsProgressed):
            self._on_feeds_progressed(report)
        elif isinstance(report, self.FeedsRefreshed):
            self._on_feeds_refreshed(report)

    def _show_activity(self, text: str) -> None:
        """Say beside the article count what is being fetched ("" clears it)."""
        self._screen.activity = text
        self._screen.show_count()

    # Adding pages and files

    def add_article(self) -> None:
        """Ask for web addresses or file paths, then save them in the background."""
        # Imported on first use, as the other dialogs are: start-up does not need them.
        from reader.ui.screens.dialogs import PromptScreen

        prompt = PromptScreen("Add a web page or a file to your library", hint=ADD_HINT)
        self._screen.app.push_screen(prompt, self._add_answered)

    def _add_answered(self, value: str | None) -> None:
        typed = (value or "").strip()
        # One existing path is taken whole, spaces and all; otherwise spaces separate items.
        items = [typed] if typed and Path(typed).expanduser().exists() else typed.split()
        if items:
            more = f" and {len(items) - 1} more" if len(items) > 1 else ""
            self._show_activity(f"saving {items[0]}{more} …")
            self.add_items(items)

    def add_link(self, url: str) -> None:
        """Save a link's page into the library (from the link list), as `a` would."""
        self._show_activity(f"saving {url} …")
        self.add_items([url])

    def add_items(self, items: Sequence[str]) -> None:
        """Save each item in turn in a thread worker."""
        self._screen.run_worker(lambda: self._add(items), thread=True, group="add")

    def _add(self, items: Sequence[str]) -> None:
        """Save each item in turn; failures are collected, not raised."""
        # Imported here: the web stack is only needed once something is saved.
        from reader.web.save import FEED_SUFFIXES, IsAFeed, SaveError, add_item

        added = self.Added()
        for item in items:
            # A feed file is not an article: the user is asked whether to subscribe instead.
            if Path(item).suffix.lower() in FEED_SUFFIXES and Path(item).expanduser().is_file():
                added.feed_files.append(item)
                continue
            try:
                added.saved.append(add_item(item))
            except IsAFeed as feed:
                self._subscribe(feed, added)
            except (SaveError, OSError) as error:
                added.errors.append(f"{item}: {error}")
            # A page no one foresaw must not take the app down with it: one line instead.
            except Exception as error:
                added.errors.append(f"{item}: could not save ({type(error).__name__}: {error})")
        self._screen.post_message(added)

    def subscribe(self, source: str) -> None:
        """Subscribe to a feed by address or file path in a thread worker."""
        self._show_activity(f"subscribing to {source} …")

        def work() -> None:
            added = self.Added()
            self._subscribe_to(source, added, str(source))
            self._screen.post_message(added)

        self._screen.run_worker(work, thread=True, group="add")

    def _subscribe(self, feed: IsAFeed, added: Added) -> None:
        """An address that turned out to be a feed: subscribe, as `reader feeds add` would."""
        self._subscribe_to(feed.url, added, str(feed))

    def _subscribe_to(self, source: str, added: Added, unavailable: str) -> None:
        from reader.feeds.refresh import subscribe

        if self.feeds is None:
            added.errors.append(unavailable)
            return
        try:
            subscription, result = subscribe(self.open_feeds(), source)
        # Not a readable feed after all, or the subscriptions file is locked or damaged:
        # whatever it is, it is one line, never the end of the app.
        except Exception as error:
            added.errors.append(f"{source}: {error or type(error).__name__}")
            return
        added.subscribed.append(subscription.title)
        self._screen.post_message(self.FeedsRefreshed([result]))

    def _on_added(self, message: Added) -> None:
        screen = self._screen
        self._show_activity("")
        for title in message.subscribed:
            screen.notify(f"Subscribed to the feed {title}; `r` refreshes it", timeout=6)
        if message.subscribed:
            screen.feeds.recount()
        for path in message.feed_files:
            self._offer_subscription(path)
        for error in message.errors:
            screen.notify(error, title="Could not save", severity="error", timeout=8)
        if not message.saved:
            return
        for saved in message.saved:
            verb = "Saved" if saved.created else "Already saved"
            screen.notify(f"{verb}: {saved.title}", timeout=4)
        last = message.saved[-1].path
        if screen.library.covers(last):
            screen.keeper.open_after_scan(last)
            screen.keeper.scan()
        else:
            screen.notify(
                f"Saved in {last.parent}, outside the folders shown here: run `reader` to see it",
                severity="warning",
                timeout=8,
            )

    def _offer_subscription(self, path: str) -> None:
        """A feed file was added: it is not an article, so ask whether to subscribe to it."""
        from reader.ui.screens.dialogs import ConfirmScreen

        question = f"{Path(path).name} is a feed, not an article. Subscribe to it?"
        self._screen.app.push_screen(
            ConfirmScreen(question), lambda yes: self.subscribe(path) if yes else None
        )

    # Feeds

    def refresh_feeds(self, names: Sequence[str] | None = None, *, quiet: bool = False) -> None:
        """Refresh the named feeds (every one when None) in a thread worker, one refresh at a
        time; `quiet` (the timer's refresh) tells only of new entries."""
        if self.feeds is None:
            if not quiet:
                self._screen.notify("Feeds are not available in this window", severity="warning")
            return
        running = any(
            worker.group == "feeds" and worker.is_running for worker in self._screen.workers
        )
        if quiet and running:
            return  # the timer's turn came while a refresh is still going: that one will do
        self._show_activity("refreshing feeds …")
        self._screen.run_worker(
            lambda: self._refresh(names, quiet), thread=True, exclusive=True, group="feeds"
        )

    @staticmethod
    def feed_folder(name: str) -> Path:
        """The folder a feed's entries are saved in."""
        from reader.feeds.registry import feed_folder

        return feed_folder(name)

    def open_feeds(self) -> FeedRegistry:
        """The subscriptions (from a worker thread); repairs made opening them are told once."""
        assert self.feeds is not None
        registry = self.feeds()
        screen = self._screen
        for notice in registry.notices:
            screen.app.call_from_thread(
                screen.notify, notice, title="Your feeds", severity="warning", timeout=10
            )
        registry.notices.clear()
        return registry

    def _refresh(self, names: Sequence[str] | None = None, quiet: bool = False) -> None:
        """Refresh the feeds, reporting each as it finishes."""
        from reader.feeds.refresh import refresh

        post = self._screen.post_message

        def progress(done: int, total: int, result: FeedResult) -> None:
            post(self.FeedsProgressed(done, total, result))

        try:
            results = refresh(self.open_feeds(), names, on_progress=progress)
        # The subscriptions file may be locked or damaged: say so in one line.
        except Exception as error:
            post(self.FeedsRefreshed([], str(error) or type(error).__name__, quiet))
            return
        post(self.FeedsRefreshed(results, quiet=quiet))

    def _on_feeds_progressed(self, message: FeedsProgressed) -> None:
        result = message.result
        outcome = f"failed: {result.error}" if result.error else f"{result.new} new"
        activity = f"feeds {message.done}/{message.total} · {result.name}: {outcome}"
        self._show_activity(activity)

    def _on_feeds_refreshed(self, message: FeedsRefreshed) -> None:
        screen = self._screen
        self._show_activity("")
        screen.feeds.recount()  # errors marked or cleared, titles changed
        screen.feeds.prune_pending = True  # after the scan that lists the new entries
        if not any(result.paths for result in message.results):
            screen.feeds.prune_if_pending()  # no scan follows: now
        if message.quiet:
            self._quietly_refreshed(message)
            return
        if message.error:
            screen.notify(message.error, title="Could not refresh feeds", severity="error")
            return
        results = message.results
        if not results:
            screen.notify("No feeds yet: add one with `reader feeds add URL`", timeout=6)
            return
        screen.notify(feeds_summary(results), title="Feeds", timeout=6)
        for result in results:
            if result.error:
                screen.notify(f"{result.name}: {result.error}", severity="warning", timeout=8)
        written = [path for result in results for path in result.paths]
        if written and not any(screen.library.covers(path) for path in written):
            screen.notify(
                f"New entries are in {written[0].parent.parent}, outside the folders shown "
                "here: run `reader` to see them",
                severity="warning",
                timeout=8,
            )
        elif written:
            screen.keeper.scan()

    def _quietly_refreshed(self, message: FeedsRefreshed) -> None:
        """A timed refresh: one short line when there are new entries, nothing otherwise
        (failures are marked in the feeds view)."""
        new = sum(result.new for result in message.results)
        written = [path for result in message.results for path in result.paths]
        if written and any(self._screen.library.covers(path) for path in written):
            self._screen.keeper.scan()
        if new:
            self._screen.notify(f"{new} new article{'' if new == 1 else 's'}", timeout=4)


def feeds_summary(results: Sequence[FeedResult]) -> str:
    """One line: how many new articles, from how many feeds, and how many failed."""
    new = sum(result.new for result in results)
    failed = sum(1 for result in results if result.error)
    feeds = len(results)
    text = (
        f"{new} new article{'' if new == 1 else 's'} from {feeds} feed{'' if feeds == 1 else 's'}"
    )
    return text + (f", {failed} failed" if failed else "")
