"""An index damaged or deleted while open (truncated under tantivy's maps) never kills a process.

Each case runs in a child process: before the guard, reading a truncated mapped file
killed the process with SIGBUS, which would take the test run down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.library_files import write_article

COUNT = 60

_OPEN = """
import os, shutil, sys
from pathlib import Path
from reader.library import Library
from reader.search.sync import open_index, sync_index

library = Library([Path(sys.argv[1])])
library.scan()
index = open_index(library)
sync_index(library, index, processes=0)
print("before", index.search("ferries").total, flush=True)
"""

_TRUNCATE = """
for name in os.listdir(index.directory):
    if len(name.split(".")[0]) == 32:
        os.truncate(index.directory / name, 0)
"""

_DELETE = """
shutil.rmtree(index.directory)
"""

_AFTER = """
first = index.search("ferries")
print("after", first.total, first.hint, flush=True)
print("again", index.search("ferries").hint, flush=True)
if index.rebuilding is not None:
    index.rebuilding.join()
print("rebuilt", index.search("ferries").total, flush=True)
index.close()
library.close()
print("closed", flush=True)
"""


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    for number in range(COUNT):
        write_article(folder / f"a{number:02}.txt", f"Electric ferries number {number}")
    return folder


def run_child(code: str, news: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, str(news)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


@pytest.mark.parametrize("damage", [_TRUNCATE, _DELETE], ids=["truncated", "deleted"])
def test_a_command_survives_its_index_damaged_while_open(news: Path, damage: str) -> None:
    done = run_child(_OPEN + damage + _AFTER, news)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"before {COUNT}"
    # Said once, then searching goes on while the index is filled again in the background.
    assert lines[1].endswith("the search index was damaged: it is being rebuilt in the background")
    assert lines[2] == "again None"
    assert lines[3] == f"rebuilt {COUNT}"
    assert lines[4] == "closed"


def test_the_next_command_finds_a_sound_index(news: Path) -> None:
    assert run_child(_OPEN + _TRUNCATE + _AFTER, news).returncode == 0
    done = run_child(_OPEN, news)
    assert done.returncode == 0 and done.stdout.splitlines() == [f"before {COUNT}"]


_APP = """
import asyncio, os, sys
from pathlib import Path
from reader.cli.services import index_opener
from reader.library import Library
from reader.store import Store
from reader.ui.app import ReaderApp
from reader import config

async def main() -> None:
    library = Library([Path(sys.argv[1])])
    opener = index_opener(library)
    app = ReaderApp(library=library, config=config.load().config, store=Store.in_memory(),
                    index=opener)
    synced = []
    def hook(message: object) -> None:
        if type(message).__name__ == "IndexSynced":
            synced.append(message)
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        while not synced:  # the background scan and index sync are done
            await pilot.pause(0.05)
        index = opener.service
        print("indexed", index.count(), flush=True)
        for name in os.listdir(index.directory):
            if len(name.split(".")[0]) == 32:
                os.truncate(index.directory / name, 0)
        await pilot.press("slash", *"ferries", "enter")
        await pilot.pause(0.5)
        if index.rebuilding is not None:
            index.rebuilding.join()
        print("searched", index.search("ferries").total, flush=True)
    opener.close()
    print("quit", flush=True)

asyncio.run(main())
"""


def test_the_app_survives_its_index_truncated_while_open(news: Path) -> None:
    done = run_child(_APP, news)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.splitlines() == [f"indexed {COUNT}", f"searched {COUNT}", "quit"]
