"""Options the command line must never ignore: -l before or after the command word, and the
app refusing to start without a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import NO_LIBRARY, command_names, main
from tests.conftest import PROJECT_ROOT

HOUSE = " date 2024-03-04 OSLO, Norway, March 4. {first} The ferry left on time.\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "a.txt").write_text(HOUSE.format(first="Welders hire apprentices."), "utf-8")
    return folder


def listed_titles(out: str) -> list[str]:
    return [json.loads(line)["title"] for line in out.splitlines()]


def test_library_before_the_command_word_is_used(capsys, library: Path) -> None:
    code, out, err = run(capsys, "-l", str(library), "list", "--json")
    assert (code, err) == (0, "")
    assert listed_titles(out) == ["Welders hire apprentices"]


def test_library_before_and_after_the_command_word_add_up(capsys, library, tmp_path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.txt").write_text(HOUSE.format(first="Ferries cross at dawn."), "utf-8")
    code, out, _ = run(capsys, "-l", str(library), "list", "--json", "-l", str(other))
    assert code == 0
    assert sorted(listed_titles(out)) == ["Ferries cross at dawn", "Welders hire apprentices"]


def test_library_before_search_is_used(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "--library", str(library), "search", "welders", "--json")
    assert code == 0
    assert listed_titles(out) == ["Welders hire apprentices"]


ARGUMENTS = {
    "list": [],
    "show": ["abcdef12"],
    "search": ["ferry"],
    "index": [],
    "bookmark": ["abcdef12"],
    "bookmarks": [],
    "note": ["abcdef12", "text"],
    "notes": [],
    "export": ["--format", "json", "--out", "-"],
    "import": ["{tmp}/export.json"],
    "doctor": [],
    "add": ["https://example.org/page"],
    "feeds": ["list"],
    "related": ["abcdef12"],
    "review": [],
    "stats": [],
    "serve": ["--port", "0"],
    "sync": ["{tmp}"],
    "fetch": [],
}
"""Arguments that make each command run, but for the library it is given."""


def test_every_command_is_covered_below() -> None:
    assert set(ARGUMENTS) == command_names()


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_a_missing_library_is_never_ignored(capsys, tmp_path, command, before) -> None:
    missing = tmp_path / "missing"
    option = ["-l", str(missing)]
    assert main(["export", "--format", "json", "--out", str(tmp_path / "export.json")]) == 0
    capsys.readouterr()
    rest = [arg.format(tmp=tmp_path) for arg in ARGUMENTS[command]]
    argv = [*option, command, *rest] if before else [command, *rest, *option]
    if command == "feeds" and not before:
        argv = [command, *option, *rest]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == "" or command == "doctor"  # doctor reports the store before the library
    assert err.count("\n") == 1 and err.startswith("reader: ")
    if command in NO_LIBRARY:
        assert "does not apply" in err
    else:
        assert err == f"reader: no such file or folder: {missing}\n"


def test_the_app_with_a_missing_library_is_one_line(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "-l", str(tmp_path / "missing"))
    assert (code, out) == (2, "")
    assert err == f"reader: no such file or folder: {tmp_path / 'missing'}\n"


def _reader(stdin: int, stdout: int) -> subprocess.CompletedProcess[bytes]:
    # The timeout only stops a run that would otherwise spin forever; it is not a measure.
    return subprocess.run(
        [sys.executable, "-m", "reader", "-l", str(PROJECT_ROOT / "sample_data")],
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        cwd=PROJECT_ROOT,
    )


def test_the_app_without_a_terminal_refuses_in_one_line() -> None:
    done = _reader(subprocess.DEVNULL, subprocess.PIPE)
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and b"needs a terminal" in done.stderr


def test_the_app_with_its_output_piped_refuses_in_one_line() -> None:
    leader, follower = os.openpty()
    try:
        done = _reader(follower, subprocess.PIPE)
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2
    assert b"needs a terminal" in done.stderr
