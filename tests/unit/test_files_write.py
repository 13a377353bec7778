"""The one file writer: a SIGKILL at any moment leaves the old file or the new, never half."""

from __future__ import annotations

import ast
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import config
from reader.files import (
    DOCUMENT,
    PRIVATE,
    TEMP_MARK,
    BatchWriter,
    atomic_write,
    atomic_write_text,
    sweep,
    temp_prefix,
)
from tests.conftest import PROJECT_ROOT
from tests.unit.files_worker import page

KILLS = 12


def _start(kind: str, where: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.unit.files_worker", kind, str(where)]
    child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    return child


def _kill(child: subprocess.Popen[str], rng: random.Random) -> None:
    time.sleep(rng.uniform(0.0, 0.05))
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


def _generation(data: bytes) -> int:
    """Which whole generation `data` is; fails the test if it is not exactly one."""
    number = int(data.rsplit(b"end ", 1)[-1])
    # Compared outside an assert: pytest's diff of two large near-equal pages takes minutes.
    whole = data == page(number)
    assert whole, f"generation {number} is torn ({len(data)} bytes)"
    return number


def test_a_file_replaced_until_killed_is_always_a_whole_old_or_new_one(tmp_path: Path) -> None:
    rng = random.Random(11)
    path = tmp_path / "state.txt"
    last = -1
    for _ in range(KILLS):
        _kill(_start("atomic", path), rng)
        last = _generation(path.read_bytes())
        assert last >= 0
    # Leftover temp files are only ever whole-file drafts beside it, under the temp prefix.
    leftovers = [p.name for p in tmp_path.iterdir() if p != path]
    assert all(name.startswith(temp_prefix(path)) for name in leftovers)


def test_batch_files_written_until_killed_are_each_whole_or_absent(tmp_path: Path) -> None:
    rng = random.Random(12)
    for round_ in range(KILLS // 2):
        folder = tmp_path / str(round_)
        folder.mkdir()
        _kill(_start("batch", folder), rng)
        written = sorted(folder.glob("*.md"), key=lambda p: int(p.stem))
        assert len(written) >= 5
        for path in written:
            assert _generation(path.read_bytes()) == int(path.stem)
        sweep(folder)
        assert not [p for p in folder.iterdir() if TEMP_MARK in p.name]


def test_the_kill_check_can_fail_on_a_torn_file(tmp_path: Path) -> None:
    # The check above must be able to fail: half a generation is not taken for a whole one.
    torn = page(3)[: len(page(3)) // 2] + page(4)[len(page(4)) // 2 :]
    with pytest.raises(AssertionError):
        _generation(torn)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    atomic_write_text(path, "old\n")

    def broken() -> list[bytes]:
        raise OSError("disk full")

    class Pieces:
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield b"new, half"
            broken()

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, Pieces())  # type: ignore[arg-type]
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_a_durable_write_flushes_the_file_and_its_folder_and_a_derived_one_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flushed: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    atomic_write_text(tmp_path / "store.json", "{}")
    assert len(flushed) == 2
    atomic_write_text(tmp_path / "ledger.json", "{}", durable=False)
    assert len(flushed) == 2
    assert (tmp_path / "ledger.json").read_text() == "{}"


def test_a_symlinked_file_stays_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "synced" / "config.toml"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_modes_private_for_app_files_and_umask_for_documents(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "private", "x", PRIVATE)
        atomic_write_text(tmp_path / "shared", "x", DOCUMENT)
        writer = BatchWriter()
        writer.add(tmp_path / "entry.md", b"x")
        writer.commit()
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert modes == {"private": 0o600, "shared": 0o644, "entry.md": 0o644}


def test_a_batch_hands_over_each_file_once_with_its_last_bytes(tmp_path: Path) -> None:
    written: list[tuple[Path, bytes]] = []
    writer = BatchWriter(written.extend)
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    writer.add(first, b"one")
    writer.add(second, b"two")
    writer.add(first, b"one again")
    assert writer.commit() == [first, second, first]
    assert sorted(written) == [(first, b"one again"), (second, b"two")]
    assert first.read_bytes() == b"one again" and second.read_bytes() == b"two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_settings_are_saved_through_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    chosen = config.Config(sort="title", measure=80)
    config.save(chosen, path)
    assert config.load(path).config == chosen
    assert stat.S_IMODE(path.stat().st_mode) == PRIVATE
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


# One writer: nothing else in the package writes or replaces files ---------------------------

LAYER = PROJECT_ROOT / "reader" / "files.py"
WRITE_CALLS = {"write_text", "write_bytes", "replace", "rename", "fsync", "mkstemp"}
"""Calls that write, rename or flush a file; only reader/files.py makes them."""


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if name == "replace" and not (isinstance(owner, ast.Name) and owner.id == "os"):
            continue  # str.replace and dataclasses.replace, not a file rename
        if name == "rename" and owner is None:
            continue  # the file layer's own durable rename
        if name in WRITE_CALLS or (name == "open" and _opens_for_writing(node)):
            found.append(f"{path}:{node.lineno} {name}")
    return found


def _opens_for_writing(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(isinstance(m, ast.Constant) and set(str(m.value)) & set("wax+") for m in modes)


def test_only_the_file_layer_writes_files() -> None:
    files = sorted((PROJECT_ROOT / "reader").rglob("*.py"))
    found = [hit for path in files if path != LAYER for hit in _writes(path)]
    assert found == []


def test_the_write_scan_finds_a_plain_write(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    source = 'from pathlib import Path\nPath("x").write_text("y")\nopen("z", "w")\nopen("r")\n'
    sample.write_text(source)
    assert [hit.rsplit(" ", 1)[1] for hit in _writes(sample)] == ["write_text", "open"]
