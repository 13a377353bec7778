"""A cache that cannot be written (a file in the way, read-only, full): one line, never a traceback.

The read-only and full cases mount a real tmpfs on the cache folder, so they run only
where that is allowed (as root, with `mount`); elsewhere they skip.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.library_files import write_article

COUNT = 300


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    for number in range(COUNT):
        write_article(folder / f"a{number:03}.txt", f"Electric ferries number {number}")
    return folder


def reader(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "READER_HOME": str(home)}
    command = [sys.executable, "-m", "reader", *argv]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def assert_one_line(done: subprocess.CompletedProcess[str], listed: int = COUNT) -> None:
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) == listed
    assert len(done.stderr.splitlines()) <= 1


def test_the_cache_path_being_a_file(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "cache").write_text("in the way", encoding="utf-8")
    done = reader(home, "list", "-l", str(news))
    assert_one_line(done)
    assert "cannot write the cache" in done.stderr and "it is a file" in done.stderr
    found = reader(home, "search", "ferries", "-l", str(news), "--json")
    assert found.returncode == 0 and "Traceback" not in found.stderr
    assert '"title": "Electric ferries number' in found.stdout
    assert (home / "cache").read_text(encoding="utf-8") == "in the way"


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[None]:
    """A real tmpfs of this size on `folder`, or skip the test where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


def test_a_read_only_cache(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache = home / "cache"
    with tmpfs(cache, "8m"):
        assert_one_line(reader(home, "list", "-l", str(news)))
        remount(cache, "ro")
        assert_one_line(reader(home, "list", "-l", str(news)))  # unchanged: read as it is
        write_article(news / "new.txt", "Shipyards hire welders again")
        done = reader(home, "list", "-l", str(news))
        assert_one_line(done, COUNT + 1)
        assert "cannot write the cache" in done.stderr
        found = reader(home, "search", "welders", "-l", str(news), "--json")
        assert found.returncode == 0 and "Traceback" not in found.stderr
        assert "Shipyards hire welders again" in found.stdout


def test_a_full_cache_then_space_freed(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache = home / "cache"
    with tmpfs(cache, "96k"):
        done = reader(home, "list", "-l", str(news))
        assert_one_line(done)
        assert "cannot write the cache" in done.stderr and "full" in done.stderr
        found = reader(home, "search", "ferries", "-l", str(news))
        assert found.returncode == 0 and "Traceback" not in found.stderr
        remount(cache, "size=16m")
        for _ in range(2):  # later commands work, and save: the second reads the catalog
            done = reader(home, "list", "-l", str(news))
            assert_one_line(done)
            assert done.stderr == ""
        found = reader(home, "search", "ferries", "-l", str(news))
        assert found.returncode == 0 and "cache" not in found.stderr
        assert "Traceback" not in found.stderr


def fill(folder: Path) -> Path:
    """Fill the file system of `folder` to the last byte; return the filler file."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 1):
            with contextlib.suppress(OSError):
                while os.write(handle, b"\0" * size):
                    pass
    finally:
        os.close(handle)
    return filler


def test_an_index_on_a_full_disk_then_space_freed(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    cache = home / "cache"
    with tmpfs(cache, "8m"):
        assert_one_line(reader(home, "list", "-l", str(news)))  # the catalog is saved
        filler = fill(cache)
        # A little room, not enough for the index of every article.
        os.truncate(filler, filler.stat().st_size - 128 * 1024)
        found = reader(home, "search", "ferries", "-l", str(news))
        assert found.returncode in (0, 1) and "Traceback" not in found.stderr
        assert "the search index cannot be updated" in found.stderr
        filler.unlink()
        found = reader(home, "search", "ferries", "-l", str(news), "--json")
        assert found.returncode == 0 and "Traceback" not in found.stderr
        assert len(found.stdout.splitlines()) > 0
        assert_one_line(reader(home, "list", "-l", str(news)))
