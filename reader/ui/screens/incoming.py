"""Keys that bring articles in: `a` saves a web page or a file, `r` refreshes the feeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.screen import Screen

if TYPE_CHECKING:
    from reader.feeds.refresh import FeedResult
    from reader.feeds.registry import FeedRegistry
    from reader.library import Library
    from reader.web.save import IsAFeed, Saved

FeedsOpener = Callable[[], "FeedRegistry"]
"""Opens the feed subscriptions on first use (the entry point builds it)."""

ADD_HINT = "A web address (https://…) or a file path; several separated by spaces."


class IncomingScreen(Screen[None]):
    """Saving web pages and files into the user's library, and refreshing feeds.

    Fetching and refreshing run in thread workers; when they have written files, the
    library is rescanned so the new articles are listed and indexed at once.
    """

    if TYPE_CHECKING:
        library: Library
    feeds: FeedsOpener | None = None
    """Opens the feed subscriptions; None when the app runs without feeds."""

    @dataclass
    class Added(Message):
        """A save finished: what was saved, feeds subscribed, and a reason for each failure."""

        saved: list[Saved] = field(default_factory=list)
        errors: list[str] = field(default_factory=list)
        subscribed: list[str] = field(default_factory=list)
        """Titles of feeds subscribed to because their address was given."""

    @dataclass
    class FeedsProgressed(Message):
        """One more feed finished refreshing."""

        done: int
        total: int
        result: FeedResult

    @dataclass
    class FeedsRefreshed(Message):
        """Every feed finished (`error` is set when the refresh could not start)."""

        results: list[FeedResult]
        error: str = ""

    if TYPE_CHECKING:  # provided by the main screen

        def scan(self) -> object: ...
        def open_after_scan(self, path: Path) -> None: ...
        def set_activity(self, text: str) -> None: ...

    # Adding pages and files

    def action_add_article(self) -> None:
        # Imported on first use, as the other dialogs are: start-up does not need them.
        from reader.ui.screens.dialogs import PromptScreen

        prompt = PromptScreen("Add a web page or a file to your library", hint=ADD_HINT)
        self.app.push_screen(prompt, self._add_answered)

    def _add_answered(self, value: str | None) -> None:
        typed = (value or "").strip()
        # One existing path is taken whole, spaces and all; otherwise spaces separate items.
        items = [typed] if typed and Path(typed).expanduser().exists() else typed.split()
        if items:
            more = f" and {len(items) - 1} more" if len(items) > 1 else ""
            self.set_activity(f"saving {items[0]}{more} …")
            self.add_items(items)

    @work(thread=True, group="add")
    def add_items(self, items: Sequence[str]) -> None:
        """Save each item in turn; failures are collected, not raised."""
        # Imported here: the web stack is only needed once something is saved.
        from reader.web.save import IsAFeed, SaveError, add_item

        added = self.Added()
        for item in items:
            try:
                added.saved.append(add_item(item))
            except IsAFeed as feed:
                self._subscribe(feed, added)
            except (SaveError, OSError) as error:
                added.errors.append(f"{item}: {error}")
            # A page no one foresaw must not take the app down with it: one line instead.
            except Exception as error:  # noqa: BLE001
                added.errors.append(f"{item}: could not save ({type(error).__name__}: {error})")
        self.post_message(added)

    def _subscribe(self, feed: IsAFeed, added: Added) -> None:
        """An address that turned out to be a feed: subscribe, as `reader feeds add` would."""
        from reader.feeds.refresh import subscribe

        if self.feeds is None:
            added.errors.append(str(feed))
            return
        try:
            subscription, result = subscribe(self.open_feeds(), feed.url)
        # Not a readable feed after all, or the subscriptions file is locked or damaged:
        # whatever it is, it is one line, never the end of the app.
        except Exception as error:  # noqa: BLE001
            added.errors.append(f"{feed.url}: {error or type(error).__name__}")
            return
        added.subscribed.append(subscription.title)
        self.post_message(self.FeedsRefreshed([result]))

    @on(Added)
    def _on_added(self, message: Added) -> None:
        self.set_activity("")
        for title in message.subscribed:
            self.notify(f"Subscribed to the feed {title}; `r` refreshes it", timeout=6)
        for error in message.errors:
            self.notify(error, title="Could not save", severity="error", timeout=8)
        if not message.saved:
            return
        for saved in message.saved:
            verb = "Saved" if saved.created else "Already saved"
            self.notify(f"{verb}: {saved.title}", timeout=4)
        last = message.saved[-1].path
        if self.library.covers(last):
            self.open_after_scan(last)
            self.scan()
        else:
            self.notify(
                f"Saved in {last.parent}, outside the folders shown here: run `reader` to see it",
                severity="warning",
                timeout=8,
            )

    # Feeds

    def action_refresh_feeds(self) -> None:
        if self.feeds is None:
            self.notify("Feeds are not available in this window", severity="warning")
            return
        self.set_activity("refreshing feeds …")
        self.refresh_feeds()

    def open_feeds(self) -> FeedRegistry:
        """The subscriptions (from a worker thread); repairs made opening them are told once."""
        assert self.feeds is not None
        registry = self.feeds()
        for notice in registry.notices:
            self.app.call_from_thread(
                self.notify, notice, title="Your feeds", severity="warning", timeout=10
            )
        registry.notices.clear()
        return registry

    @work(thread=True, exclusive=True, group="feeds")
    def refresh_feeds(self) -> None:
        """Refresh every subscribed feed, reporting each as it finishes."""
        from reader.feeds.refresh import refresh

        assert self.feeds is not None

        def progress(done: int, total: int, result: FeedResult) -> None:
            self.post_message(self.FeedsProgressed(done, total, result))

        try:
            results = refresh(self.open_feeds(), on_progress=progress)
        # The subscriptions file may be locked or damaged: say so in one line.
        except Exception as error:  # noqa: BLE001
            self.post_message(self.FeedsRefreshed([], str(error) or type(error).__name__))
            return
        self.post_message(self.FeedsRefreshed(results))

    @on(FeedsProgressed)
    def _on_feeds_progressed(self, message: FeedsProgressed) -> None:
        result = message.result
        outcome = f"failed: {result.error}" if result.error else f"{result.new} new"
        self.set_activity(f"feeds {message.done}/{message.total} · {result.name}: {outcome}")

    @on(FeedsRefreshed)
    def _on_feeds_refreshed(self, message: FeedsRefreshed) -> None:
        self.set_activity("")
        if message.error:
            self.notify(message.error, title="Could not refresh feeds", severity="error")
            return
        results = message.results
        if not results:
            self.notify("No feeds yet: add one with `reader feeds add URL`", timeout=6)
            return
        self.notify(feeds_summary(results), title="Feeds", timeout=6)
        for result in results:
            if result.error:
                self.notify(f"{result.name}: {result.error}", severity="warning", timeout=8)
        written = [path for result in results for path in result.paths]
        if written and not any(self.library.covers(path) for path in written):
            self.notify(
                f"New entries are in {written[0].parent.parent}, outside the folders shown "
                "here: run `reader` to see them",
                severity="warning",
                timeout=8,
            )
        elif written:
            self.scan()


def feeds_summary(results: Sequence[FeedResult]) -> str:
    """One line: how many new articles, from how many feeds, and how many failed."""
    new = sum(result.new for result in results)
    failed = sum(1 for result in results if result.error)
    feeds = len(results)
    text = (
        f"{new} new article{'' if new == 1 else 's'} from {feeds} feed{'' if feeds == 1 else 's'}"
    )
    return text + (f", {failed} failed" if failed else "")
