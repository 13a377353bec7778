"""A big refresh's helper processes: plain child interpreters over pipes, none left behind,
and a helper that dies costs nothing but its share of the speed."""

from __future__ import annotations

import os
import signal
from pathlib import Path

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
