"""Random interleavings of edits, removals and syncs on three machines all converge."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from reader.feeds.registry import FeedRegistry
from reader.store import Position
from reader.sync import sync
from tests.unit.sync_homes import shared_view, store_at

MACHINES = 3
machines = st.integers(0, MACHINES - 1)
articles = st.sampled_from(["a1", "a2", "a3"])
tags = st.lists(st.sampled_from(["x", "y", "z"]), max_size=2)
texts = st.sampled_from(["alpha", "beta", "alpha beta", "gamma\n\ndelta", ""])
feeds = st.sampled_from(["https://one.example/feed", "https://two.example/rss"])


class SyncMachines(RuleBasedStateMachine):
    """Three homes sharing one folder, with clocks set apart by up to an hour."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="reader-sync-"))
        self.folder = self.root / "shared"
        self.folder.mkdir()
        self.datas = [self.root / f"home{n}" / "data" for n in range(MACHINES)]
        self.skew = [0, 0, 0]
        self.now = 1_800_000_000_000
        self.edits = 0

    def teardown(self) -> None:
        try:
            self._converge()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _sync(self, machine: int) -> None:
        self.now += 7  # the wall clocks move on between syncs
        wall = self.now + self.skew[machine]
        sync(self.folder, data=self.datas[machine], wall=lambda: wall)

    def _converge(self) -> None:
        for _ in range(2):
            for machine in range(MACHINES):
                self._sync(machine)
        views = [shared_view(data) for data in self.datas]
        assert views[0] == views[1] == views[2]

    @rule(machine=machines, offset=st.integers(-3_600_000, 3_600_000))
    def skew_clock(self, machine: int, offset: int) -> None:
        self.skew[machine] = offset

    @rule(machine=machines, article=articles, chosen=tags)
    def bookmark(self, machine: int, article: str, chosen: list[str]) -> None:
        with store_at(self.datas[machine]) as store:
            store.add_bookmark(article, f"/m{machine}/{article}", article, chosen)

    @rule(machine=machines, article=articles, chosen=tags)
    def untag(self, machine: int, article: str, chosen: list[str]) -> None:
        with store_at(self.datas[machine]) as store:
            store.remove_bookmark_tags(article, chosen)

    @rule(machine=machines, article=articles)
    def unbookmark(self, machine: int, article: str) -> None:
        with store_at(self.datas[machine]) as store:
            store.remove_bookmark(article)

    @rule(machine=machines, article=articles, text=texts)
    def write_note(self, machine: int, article: str, text: str) -> None:
        with store_at(self.datas[machine]) as store:
            store.set_note(article, f"/m{machine}/{article}", article, text)

    @rule(machine=machines, article=articles)
    def highlight(self, machine: int, article: str) -> None:
        with store_at(self.datas[machine]) as store:
            store.add_highlight(article, f"/m{machine}", article, f"quote {self.edits}")
        self.edits += 1

    @rule(machine=machines, which=st.integers(0, 5))
    def unhighlight(self, machine: int, which: int) -> None:
        with store_at(self.datas[machine]) as store:
            found = store.highlights()
            if found:
                store.remove_highlight(found[which % len(found)].uuid)

    @rule(machine=machines, article=articles, block=st.integers(0, 9), read=st.booleans())
    def read(self, machine: int, article: str, block: int, read: bool) -> None:
        with store_at(self.datas[machine]) as store:
            store.mark_opened(article, "/p", article, Position(block, f"b{block}"))
            store.set_read(article, "/p", article, read)

    @rule(machine=machines, name=st.sampled_from(["s1", "s2"]), query=texts)
    def search(self, machine: int, name: str, query: str) -> None:
        with store_at(self.datas[machine]) as store:
            if query:
                store.save_search(name, query)
            else:
                store.remove_search(name)

    @rule(machine=machines, url=feeds, subscribe=st.booleans())
    def feed(self, machine: int, url: str, subscribe: bool) -> None:
        with FeedRegistry.open(self.datas[machine] / "feeds.json") as registry:
            if subscribe:
                registry.add(url, url.split("/")[2])
            else:
                registry.remove(url)

    @rule(machine=machines)
    def sync_one(self, machine: int) -> None:
        self._sync(machine)

    @precondition(lambda self: self.edits % 3 == 0)
    @rule()
    def converge(self) -> None:
        self._converge()

    @invariant()
    def one_record_per_article(self) -> None:
        for data in self.datas:
            if (data / "store.json").exists():
                with store_at(data) as store:
                    ids = [b.article_id for b in store.bookmarks()]
                    assert len(ids) == len(set(ids))


SyncMachines.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestSyncMachines = SyncMachines.TestCase
