"""`reader note` and `reader bookmark` edits: one transaction each, delete, stdin, untag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.store import Store
from tests.conftest import PROJECT_ROOT
from tests.unit.library_files import write_article


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_article(folder / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04")
    return folder


def _ferry_id(library: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["list", "--json", "-l", str(library)]) == 0
    return str(json.loads(capsys.readouterr().out.splitlines()[0])["id"])


def _reader(*argv: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *argv],
        input=stdin,
        capture_output=True,
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
        timeout=120,
    )


def test_two_processes_appending_notes_at_once_keep_every_append(
    library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = _ferry_id(library, capsys)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.unit.cli_note_worker", str(library), article, tag]
            + ["40", str(go)],
            cwd=PROJECT_ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for tag in ("left", "right")
    ]
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err.decode()
    with Store.open() as store:
        note = store.note_for(article)
    assert note is not None
    kept = set(note.text.split("\n\n"))
    assert kept == {f"{tag}-{n}" for tag in ("left", "right") for n in range(40)}


def test_note_delete_and_note_from_stdin(library: Path, capsys) -> None:
    article = _ferry_id(library, capsys)
    lib = ("-l", str(library))
    done = _reader("note", article, "-", *lib, stdin=b"line one\nline two \xff\n")
    assert done.returncode == 0, done.stderr
    with Store.open() as store:
        note = store.note_for(article)
        assert note is not None and note.text == "line one\nline two \ufffd"
    done = _reader("note", article, "--delete", *lib)
    assert done.returncode == 0 and b"Deleted the note" in done.stdout
    with Store.open() as store:
        assert store.note_for(article) is None
    done = _reader("note", article, "--delete", *lib)
    assert done.returncode == 1 and done.stderr.count(b"\n") == 1
    assert _reader("note", article, *lib).returncode == 2
    assert _reader("note", article, "-", *lib, stdin=b" \n").returncode == 2
    assert _reader("note", article, "x", "--delete", *lib).returncode == 2


def test_note_from_a_bottomless_stdin_is_refused_in_one_line(library: Path, capsys) -> None:
    article = _ferry_id(library, capsys)
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "note", article, "-", "-l", str(library)],
            stdin=zero,
            capture_output=True,
            cwd=PROJECT_ROOT,
            timeout=120,
        )
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1
    assert b"larger than" in done.stderr


def test_bookmark_untag_removes_only_those_tags(library: Path, capsys) -> None:
    article = _ferry_id(library, capsys)
    lib = ("-l", str(library))
    tags = ("--tag", "boats", "--tag", "x", "--tag", "y")
    assert main(["bookmark", article, *tags, *lib]) == 0
    assert main(["bookmark", article, "--untag", "x", "--untag", " y ", *lib]) == 0
    assert "[boats]" in capsys.readouterr().out
    with Store.open() as store:
        mark = store.bookmark_for(article)
        assert mark is not None and mark.tags == ("boats",)
    assert main(["bookmark", article, "--remove", *lib]) == 0
    assert main(["bookmark", article, "--untag", "boats", *lib]) == 1
    with Store.open() as store:
        assert store.bookmark_for(article) is None


def test_undecodable_command_line_text_is_stored_not_a_traceback(library: Path, capsys) -> None:
    article = _ferry_id(library, capsys)
    text = os.fsdecode(b"caf\xe9")
    assert main(["note", article, text, "-l", str(library)]) == 0
    assert main(["bookmark", article, "--tag", text, "-l", str(library)]) == 0
    with Store.open() as store:
        note, mark = store.note_for(article), store.bookmark_for(article)
    assert note is not None and "caf\ufffd" in note.text
    assert mark is not None and mark.tags == ("caf\ufffd",)
