"""What `reader search` loads: a search with nothing new to read stays off the heavy modules.

Its time is mostly Python importing modules (bench/bench_cli_search.py measures it); this
checks the list instead of the clock, in a real process running the real command.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

from tests.conftest import SAMPLE_DATA

NOT_ON_THE_SEARCH_PATH = (
    "yaml",  # front matter: read only when a file is parsed
    "feedparser",
    "rich",  # `reader show`'s renderer
    "textual",
    "lxml",
    "trafilatura",
    "reader.render",
    "reader.store",  # the store is read only when a sync has to (see reader.refresh)
    "reader.sources.loader",  # the file loaders, for files that changed
    "reader.sources.files",
    "reader.web",
    "shutil",  # with bz2 and lzma: argparse asked it for the terminal width
    "tempfile",
    "uuid",  # with platform
)

SEARCH_AND_LIST_MODULES = f"""
import runpy, sys
sys.argv = ["reader", *sys.argv[1:]]
try:
    runpy.run_module("reader", run_name="__main__")
except SystemExit as done:
    code = done.code
print(code, sorted(m for m in {NOT_ON_THE_SEARCH_PATH!r} if m in sys.modules), file=sys.stderr)
"""


def _search(*argv: str) -> tuple[int, list[str]]:
    """Run `reader search ARGV` in a new process: its exit code and the listed modules it
    loaded."""
    done = subprocess.run(
        [sys.executable, "-c", SEARCH_AND_LIST_MODULES, "search", *argv],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),  # READER_HOME from the autouse fixture
    )
    code, _, loaded = done.stderr.strip().splitlines()[-1].partition(" ")
    return int(code), ast.literal_eval(loaded)


def test_a_search_with_nothing_new_loads_none_of_the_heavy_modules() -> None:
    first = _search("ferry", "-l", str(SAMPLE_DATA))
    # The first search scans and indexes every file: the loaders are needed then.
    assert first[0] == 0 and "reader.sources.loader" in first[1]
    again = _search("ferry", "-l", str(SAMPLE_DATA))
    assert again == (0, [])
    # Words that are not printable ASCII and a filter take the same path.
    assert _search("caf\u00e9 OR ferry date:2025", "-l", str(SAMPLE_DATA))[1] == []


def test_help_still_follows_the_terminal_width() -> None:
    # The parsers are told the width (not left to import shutil for it): $COLUMNS counts.
    whole = "a folder or file to use as the library instead of the default (repeatable)"
    shown = {}
    for columns in (40, 120):
        env = {**os.environ, "COLUMNS": str(columns)}
        helped = subprocess.run(
            [sys.executable, "-m", "reader", "search", "--help"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        shown[columns] = helped.stdout
    assert whole in shown[120] and whole not in shown[40]


GC_DURING_THE_COMMAND = f"""
import gc, sys
import reader.__main__ as program
import reader.cli.search as search

seen = []
command = search.command_search
def recording(args):
    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
    return command(args)
search.command_search = recording
sys.argv = ["reader", "search", "ferry", "-l", {str(SAMPLE_DATA)!r}]
code = program.program()
print(code, seen, gc.isenabled())
"""


def test_the_program_resumes_the_collector_before_the_command_runs() -> None:
    # Start-up runs with the cyclic GC paused (reader.__main__); a command that makes
    # garbage (a feed refresh of 100k entries) must run with it collecting again.
    done = subprocess.run(
        [sys.executable, "-c", GC_DURING_THE_COMMAND],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    assert done.stdout.split("\n")[-2] == "0 [(True, True)] True"
