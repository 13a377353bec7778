"""A big import writes its batches in a helper process while it reads on: the library,
catalog, store and index come out as when this process writes every batch itself, and a
helper that fails or dies loses nothing."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.imports import apply, writer
from tests.unit.test_import_handoff import catalog, imported, pocket

ROWS = 400
BATCH = 50


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


class Helpers:
    """The helper processes an import starts, and the batches it gives them."""

    def __init__(self) -> None:
        self.started: list[writer._Helper] = []
        self.sent = 0


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> Helpers:
    """Small batches, and a helper waited for until it has started: without the wait, a
    slow start on a busy machine would have every batch written here, and nothing tested."""
    seen = Helpers()
    monkeypatch.setattr(apply, "BATCH", BATCH)
    start, ready, send = writer._Helper.start, writer._Helper.ready, writer._Helper.send

    def started() -> writer._Helper | None:
        helper = start()
        if helper is not None:
            seen.started.append(helper)
        return helper

    def waited(self: writer._Helper) -> bool:
        deadline = time.monotonic() + 60
        while not ready(self) and time.monotonic() < deadline:
            time.sleep(0.01)
        return ready(self)

    def counted(self: writer._Helper, ops: list[writer.Op], rows: bool) -> None:
        seen.sent += 1
        send(self, ops, rows)

    monkeypatch.setattr(writer._Helper, "start", staticmethod(started))
    monkeypatch.setattr(writer._Helper, "ready", waited)
    monkeypatch.setattr(writer._Helper, "send", counted)
    return seen


def no_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer._Helper, "start", staticmethod(lambda: None))


def test_an_import_written_by_the_helper_is_the_one_written_here(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    helpers: Helpers,
) -> None:
    export = pocket(tmp_path / "part_000000.csv", ROWS)
    through_helper = imported(tmp_path / "a", export, monkeypatch, capsys)
    assert helpers.sent >= 2  # most batches went to the helper
    assert all(helper._process.poll() is not None for helper in helpers.started)  # it ended
    no_helper(monkeypatch)
    here = imported(tmp_path / "b", export, monkeypatch, capsys)
    assert through_helper == here
    assert len(here[0]) == ROWS + 1 and f'"imported": {ROWS + 1}' in here[1]
    web = Path("data/library/web")
    assert files(tmp_path / "a" / web) == files(tmp_path / "b" / web)


def test_a_file_rewritten_while_the_helper_holds_it_keeps_its_last_bytes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    helpers: Helpers,
) -> None:
    # The helper is stopped once given its first batch, and let go on only when the import
    # waits for it: the batch that rewrites one of its files, written here, must wait.
    send, settle = writer._Helper.send, writer.ImportWriter._settle

    def stopping(self: writer._Helper, ops: list[writer.Op], rows: bool) -> None:
        send(self, ops, rows)
        if helpers.sent == 1:
            os.kill(self._process.pid, signal.SIGSTOP)

    def going_on(self: writer.ImportWriter) -> None:
        for helper in helpers.started:
            os.kill(helper._process.pid, signal.SIGCONT)
        settle(self)

    monkeypatch.setattr(writer._Helper, "send", stopping)
    monkeypatch.setattr(writer.ImportWriter, "_settle", going_on)
    export = pocket(tmp_path / "part_000000.csv", ROWS)
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    again = "Article 0,https://h0.example.com/a/0?x=1,1600000000,c,ferries,unread\n"
    export.write_text("".join([*lines[:150], again, *lines[150:]]), encoding="utf-8")
    found = imported(tmp_path / "a", export, monkeypatch, capsys, "tag:ferries")
    assert helpers.sent >= 2  # the first two batches; the third, written here, has the rewrite
    (path,) = (tmp_path / "a" / "data/library/web").glob("*-article-0--*")
    text = path.read_text(encoding="utf-8")
    assert "ferries" in text and "harbour" in text
    assert len(found[3]) == 1  # the catalog and the index have its last tags


def test_a_helper_that_dies_loses_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    helpers: Helpers,
) -> None:
    send: Callable[[writer._Helper, list[writer.Op], bool], None] = writer._Helper.send

    def killing(self: writer._Helper, ops: list[writer.Op], rows: bool) -> None:
        send(self, ops, rows)
        if helpers.sent == 2:  # killed with a batch (or two) given and not answered
            os.kill(self._process.pid, signal.SIGKILL)

    monkeypatch.setattr(writer._Helper, "send", killing)
    export = pocket(tmp_path / "part_000000.csv", ROWS)
    after_kill = imported(tmp_path / "a", export, monkeypatch, capsys)
    assert helpers.sent == 2
    no_helper(monkeypatch)
    assert after_kill == imported(tmp_path / "b", export, monkeypatch, capsys)


@pytest.mark.parametrize("rows", [5, ROWS], ids=["written here", "written by the helper"])
def test_a_library_folder_that_cannot_be_written_is_said_in_one_line(
    rows: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    helpers: Helpers,
) -> None:
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    web = tmp_path / "home/data/library/web"
    web.parent.mkdir(parents=True)
    web.write_text("a file where the folder goes\n")
    export = pocket(tmp_path / "part_000000.csv", rows)
    assert main(["import", str(export)]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "Not a directory" in err and "Traceback" not in err
    assert len(err.splitlines()) == 2
    assert (helpers.sent > 0) == (rows > BATCH)
    assert catalog(tmp_path / "home") == []
