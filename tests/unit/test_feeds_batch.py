"""Feed entries are written in batches, one durable commit each, and a killed refresh leaves
only whole files behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import files as batch_module
from reader import paths
from reader.feeds.refresh import refresh
from reader.feeds.registry import FeedRegistry
from reader.files import TEMP_MARK, BatchWriter, sweep
from reader.sources.frontmatter import split_front_matter

PARAGRAPH = "The harbour of feed {f} entry {n} was calm at dawn and the ferry left on time. "


def body(feed: int, number: int) -> str:
    return (PARAGRAPH.format(f=feed, n=number) * 30).strip()


def write_feed(folder: Path, feed: int, entries: int) -> Path:
    items = "".join(
        f"<item><title>Entry {n} of feed {feed}</title><guid isPermaLink='false'>f{feed}-{n}"
        f"</guid><link>http://feed{feed}.example/{n}</link>"
        f"<pubDate>Mon, 03 Feb 2025 17:{n % 60:02d}:00 +0000</pubDate>"
        f"<description>&lt;p&gt;{body(feed, n)}&lt;/p&gt;</description></item>"
        for n in range(entries)
    )
    path = folder / f"feed{feed}.xml"
    text = f'<rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'
    path.write_text(text, encoding="utf-8")
    return path


def subscribe_all(paths_: list[Path]) -> None:
    with FeedRegistry.open() as registry:
        registry.add_many((str(path), "", ()) for path in paths_)


def saved_files() -> list[Path]:
    return sorted((paths.user_library_dir() / "feeds").glob("*/*.md"))


def temp_files() -> list[Path]:
    return [p for p in (paths.user_library_dir() / "feeds").glob("*/.*") if TEMP_MARK in p.name]


def check_whole(path: Path) -> str:
    """The entry id of a saved file, after checking its front matter and body are complete."""
    text = path.read_text(encoding="utf-8")
    front, rest = split_front_matter(text)
    assert front is not None, path
    header = text.split("---\n")[1]
    entry_id = header.split("entry_id: ")[1].split("\n")[0]
    feed, number = (int(part) for part in entry_id.removeprefix("f").split("-"))
    assert rest.strip() == body(feed, number), path
    assert text.endswith("\n")
    return entry_id


# The writer ------------------------------------------------------------------------------


def test_a_batch_appears_only_when_committed(tmp_path: Path) -> None:
    writer = BatchWriter()
    writer.add(tmp_path / "a.md", b"first\n")
    writer.add(tmp_path / "b.md", b"second\n")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
    assert writer.commit() == [tmp_path / "a.md", tmp_path / "b.md"]
    assert (tmp_path / "b.md").read_bytes() == b"second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_an_aborted_batch_leaves_nothing(tmp_path: Path) -> None:
    writer = BatchWriter()
    writer.add(tmp_path / "a.md", b"first\n")
    writer.abort()
    assert list(tmp_path.iterdir()) == []
    assert writer.commit() == []


def test_sweep_removes_temp_files_of_dead_writers_only(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f".a.md{TEMP_MARK}{dead.pid}-0000abcd"
    mine = tmp_path / f".b.md{TEMP_MARK}{os.getpid()}-0000abcd"
    left.write_bytes(b"half")
    mine.write_bytes(b"being written")
    assert sweep(tmp_path) == 1
    assert not left.exists() and mine.exists()


def test_temp_names_carry_the_writers_pid_even_in_a_forked_child(tmp_path: Path) -> None:
    parent = BatchWriter()
    parent.add(tmp_path / "a.md", b"parent's")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child writes one file and says which temp name it used
        try:
            writer = BatchWriter()
            writer.add(tmp_path / "b.md", b"child's")
            names = [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.md")]
            os.write(write, names[0].encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    child_name = os.read(read, 4096).decode()
    os.close(read)
    parent_name = next(p.name for p in tmp_path.iterdir() if p.name.startswith(".a.md"))
    owner = [name.rpartition(TEMP_MARK)[2].split("-") for name in (parent_name, child_name)]
    assert owner[0][0] == str(os.getpid()) and owner[1][0] == str(child)
    assert owner[0][1] != owner[1][1]  # each process draws its own tag
    assert sweep(tmp_path) == 1  # the dead child's half-done file goes; the parent's stays
    assert parent.commit() == [tmp_path / "a.md"]


def test_a_refresh_makes_a_few_durable_commits_not_two_fsyncs_per_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe_all([write_feed(tmp_path, 0, 450)])
    calls: list[int] = []
    real_fsync, real_syncfs = os.fsync, batch_module._syncfs()

    def counting_fsync(fd: int) -> None:
        calls.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    if real_syncfs is not None:

        def counting_syncfs(fd: int) -> int:
            calls.append(fd)
            return real_syncfs(fd)

        monkeypatch.setattr(batch_module, "_syncfs", lambda: counting_syncfs)
    with FeedRegistry.open() as registry:
        [result] = refresh(registry)
    assert result.new == 450
    # Before batching: 900 (the file and its folder, for each entry).
    assert len(calls) < 45
    assert sorted(check_whole(path) for path in saved_files()) == sorted(
        f"f0-{n}" for n in range(450)
    )


# A real refresh killed part-way ------------------------------------------------------------


def test_a_refresh_killed_part_way_leaves_only_whole_files(tmp_path: Path) -> None:
    feeds = [write_feed(tmp_path, feed, 500) for feed in range(4)]
    subscribe_all(feeds)
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "feeds", "refresh"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not saved_files() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    if not running:
        pytest.skip("the refresh finished before it could be killed")
    first = saved_files()
    assert 0 < len(first) < 2000
    ids = [check_whole(path) for path in first]
    assert len(set(ids)) == len(ids)
    # The next refresh clears what the killed one left and saves every entry exactly once.
    with FeedRegistry.open() as registry:
        results = refresh(registry)
    assert not any(result.error for result in results)
    assert temp_files() == []
    ids = [check_whole(path) for path in saved_files()]
    assert sorted(ids) == sorted(f"f{f}-{n}" for f in range(4) for n in range(500))


def test_many_feeds_are_refreshed_by_helper_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.feeds import refresh as refresh_module

    left: list[int] = []
    real = refresh_module._in_processes

    def in_processes(*args, **kwargs):  # type: ignore[no-untyped-def]
        todo = real(*args, **kwargs)
        left.append(len(todo))
        return todo

    monkeypatch.setattr(refresh_module, "_in_processes", in_processes)
    feeds = [write_feed(tmp_path, feed, 20) for feed in range(refresh_module.PROCESS_MIN)]
    subscribe_all(feeds)
    seen: list[tuple[int, int]] = []
    with FeedRegistry.open() as registry:
        results = refresh(registry, on_progress=lambda done, total, _r: seen.append((done, total)))
        subs = registry.all()
    assert left == [0]  # every feed was done by a helper process
    assert [result.new for result in results] == [20] * len(feeds)
    assert all(result.error is None for result in results)
    assert sorted(seen) == [(n, len(feeds)) for n in range(1, len(feeds) + 1)]
    # Each helper recorded what it saved in the shared subscriptions file.
    assert all(len(registry.seen(sub)) == 20 and sub.etag for sub in subs)
    ids = sorted(check_whole(path) for path in saved_files())
    assert ids == sorted(f"f{f}-{n}" for f in range(len(feeds)) for n in range(20))
    with FeedRegistry.open() as registry:
        again = refresh(registry)
    assert all(result.not_modified for result in again)
