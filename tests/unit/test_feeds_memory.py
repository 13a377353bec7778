"""A big refresh holds little: helpers free each feed's leftovers, and run only a few feeds
ahead of the results this process has taken."""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from reader import paths
from reader.feeds import refresh as refresh_module
from reader.feeds.refresh import FeedResult, refresh
from reader.feeds.registry import FeedRegistry
from reader.library.spool import parse_once
from reader.web.fetch import Limits
from tests.unit.test_feeds_batch import check_whole, saved_files, subscribe_all, write_feed


def feeds_with_files() -> int:
    return len({path.parent for path in saved_files()})


def test_helpers_run_only_a_few_feeds_ahead_of_the_results_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refresh_module, "AHEAD", 1)
    count = 16
    subscribe_all([write_feed(tmp_path, feed, 3) for feed in range(count)])
    helpers = min(os.cpu_count() or 1, count)
    seen: list[tuple[int, int, FeedResult]] = []
    ahead: list[int] = []

    def progress(done: int, total: int, result: FeedResult) -> None:
        seen.append((done, total, result))
        if done == 1:
            # This process is busy (as with a sync): the helpers may finish what they were
            # given meanwhile, and must not be given more.
            time.sleep(3)
            ahead.append(feeds_with_files())

    with parse_once(paths.cache_dir()), FeedRegistry.open() as registry:
        results = refresh(registry, on_progress=progress, keep_paths=False)
    # One more than the window: a finished feed's place is filled before its result is taken.
    assert ahead and ahead[0] <= helpers + 1
    assert [result.new for result in results] == [3] * count
    assert all(result.error is None and result.paths == () for result in results)
    assert sorted(done for done, _, _ in seen) == list(range(1, count + 1))
    ids = sorted(check_whole(path) for path in saved_files())
    assert ids == sorted(f"f{f}-{n}" for f in range(count) for n in range(3))


def test_a_helper_leaves_no_garbage_behind_after_a_feed(tmp_path: Path) -> None:
    subscribe_all([write_feed(tmp_path, feed, 100) for feed in range(3)])
    with FeedRegistry.open() as registry:
        subs = registry.all()
        context = multiprocessing.get_context("spawn")
        setup = (registry.path, True)
        with ProcessPoolExecutor(
            1, mp_context=context, initializer=refresh_module.set_up_helper, initargs=setup
        ) as pool:
            for sub in subs:
                result = pool.submit(
                    refresh_module.refresh_in_helper, sub, Limits(), False
                ).result()
                assert result.new == 100 and result.parsed
            # What a full collection finds left over in the helper now: nothing of the feeds.
            leftover = pool.submit(gc.collect).result()
    assert leftover < 100
