"""A big refresh's helper processes: plain child interpreters over pipes, none left behind,
and a helper that dies costs nothing but its share of the speed."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from reader.feeds import refresh as refresh_module
from reader.feeds.refresh import FeedResult, refresh
from reader.feeds.registry import FeedRegistry
from tests.unit.test_feeds_batch import check_whole, saved_files, subscribe_all, write_feed


def children() -> list[tuple[int, bytes]]:
    """This process's child processes and their command lines."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as command:
                line = command.read()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid():
            found.append((int(name), line))
    return found


def helper_pids() -> list[int]:
    return [pid for pid, line in children() if b"reader.feeds.helpers" in line]


def test_a_helper_killed_part_way_leaves_its_feeds_to_this_process(tmp_path: Path) -> None:
    count = refresh_module.PROCESS_MIN + 4
    subscribe_all([write_feed(tmp_path, feed, 40) for feed in range(count)])
    killed: list[int] = []

    def progress(done: int, total: int, result: FeedResult) -> None:
        if not killed:
            pids = helper_pids()
            assert pids, "the feeds are refreshed by helper processes"
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    with FeedRegistry.open() as registry:
        results = refresh(registry, on_progress=progress)
    assert killed
    # The killed helper's feed is done again here; entries it had made durable before it
    # died are recognised by their keys, not saved twice, so that feed may count fewer.
    assert sorted(result.new for result in results)[1:] == [40] * (count - 1)
    assert all(result.error is None for result in results)
    ids = sorted(check_whole(path) for path in saved_files())
    assert ids == sorted(f"f{f}-{n}" for f in range(count) for n in range(40))
    assert helper_pids() == []  # every helper ended with the refresh


def test_no_multiprocessing_machinery_is_started(tmp_path: Path) -> None:
    """No resource tracker process (11 MB) beside the helpers."""
    subscribe_all([write_feed(tmp_path, feed, 5) for feed in range(refresh_module.PROCESS_MIN)])
    seen: list[bytes] = []

    def progress(done: int, total: int, result: FeedResult) -> None:
        seen.extend(line for _, line in children())

    with FeedRegistry.open() as registry:
        refresh(registry, on_progress=progress)
    assert any(b"reader.feeds.helpers" in line for line in seen)
    assert not any(b"multiprocessing" in line for line in seen)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="helpers need two cores")
def test_a_refresh_that_helps_takes_feeds_itself_beside_one_helper_fewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's refresh has nothing else to do between its syncs: a core's worth of
    helper would cost a whole interpreter's memory."""
    count = refresh_module.PROCESS_MIN + 4
    subscribe_all([write_feed(tmp_path, feed, 40) for feed in range(count)])
    here: list[str] = []
    helpers: list[int] = []
    refresh_one = refresh_module.refresh_one

    def counted(*args: Any) -> FeedResult:
        here.append(args[1].name)  # only calls in this process are seen
        helpers.append(len(helper_pids()))
        return refresh_one(*args)

    monkeypatch.setattr(refresh_module, "refresh_one", counted)
    with FeedRegistry.open() as registry:
        results = refresh(registry, helps=True)
    assert 0 < len(here) < count
    assert max(helpers) == max(1, (os.cpu_count() or 1) - 1)
    assert [result.new for result in results] == [40] * count
    ids = sorted(check_whole(path) for path in saved_files())
    assert ids == sorted(f"f{f}-{n}" for f in range(count) for n in range(40))
    assert helper_pids() == []


def test_a_refresh_that_does_not_help_leaves_every_feed_to_the_helpers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app's refresh keeps its interpreter for the screen."""
    subscribe_all([write_feed(tmp_path, feed, 5) for feed in range(refresh_module.PROCESS_MIN)])
    here: list[str] = []
    refresh_one = refresh_module.refresh_one

    def counted(*args: Any) -> FeedResult:
        here.append(args[1].name)
        return refresh_one(*args)

    monkeypatch.setattr(refresh_module, "refresh_one", counted)
    with FeedRegistry.open() as registry:
        results = refresh(registry)
    assert [result.new for result in results] == [5] * refresh_module.PROCESS_MIN
    assert here == []
