"""Sync between real processes: homes in READER_HOME, `reader sync`, kills and half copies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.store import Store
from reader.sync import sync
from reader.sync.engine import MACHINES
from tests.conftest import PROJECT_ROOT
from tests.unit.sync_homes import shared_view, store_at


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "READER_HOME": str(home)}


def _reader(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reader", *args]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=_env(home), capture_output=True, text=True, timeout=60
    )


def test_three_homes_converge_through_reader_sync(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    homes = [tmp_path / name for name in ("laptop", "desktop", "server")]
    for number, home in enumerate(homes):
        with store_at(home / "data") as store:
            store.add_bookmark("common", f"/{home.name}/c.txt", "Common", [home.name])
            store.set_note("common", f"/{home.name}/c.txt", "Common", f"from {home.name}")
            store.add_highlight(f"only-{number}", "/x", "X", f"quote {number}")
    # The server names the folder in its settings; the others on the command line.
    (homes[2] / "config").mkdir(parents=True)
    (homes[2] / "config" / "config.toml").write_text(f'sync_folder = "{folder}"\n')
    for _ in range(2):
        for home in homes:
            args = ("sync",) if home is homes[2] else ("sync", str(folder))
            done = _reader(home, *args)
            assert done.returncode == 0, done.stderr
            assert done.stdout.startswith("synced with ")
    views = [shared_view(home / "data") for home in homes]
    assert views[0] == views[1] == views[2]
    with store_at(homes[1] / "data") as store:
        bookmark = store.bookmark_for("common")
        assert bookmark is not None and set(bookmark.tags) == {"laptop", "desktop", "server"}
        note = store.note_for("common")
        assert note is not None and all(f"from {h.name}" in note.text for h in homes)
        assert len(store.highlights()) == 3
    status = _reader(homes[0], "sync", "--status", str(folder))
    assert status.returncode == 0
    assert status.stdout.count("last synced") == 2 and "0 changes not yet synced" in status.stdout


def test_reader_sync_errors_are_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for args, expected in (
        (("sync",), "no sync folder"),
        (("sync", str(tmp_path / "missing")), "does not exist"),
    ):
        done = _reader(home, *args)
        assert done.returncode == 2
        assert expected in done.stderr and done.stderr.count("\n") == 1


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.unit.sync_worker", *args]
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=_env(home), stdout=subprocess.PIPE, text=True
    )


def _kill(child: subprocess.Popen[str]) -> list[str]:
    child.send_signal(signal.SIGKILL)
    assert child.stdout is not None
    rest = child.stdout.read()
    child.wait()
    assert child.returncode == -signal.SIGKILL
    return rest.split("\n")[:-1]  # the last piece is empty or cut off by the kill


def test_sigkill_during_sync_loses_nothing_acknowledged(tmp_path: Path) -> None:
    # GIVEN machine A writing all the time, and its syncs killed at random moments
    folder = tmp_path / "shared"
    folder.mkdir()
    a, b = tmp_path / "a", tmp_path / "b"
    rng = random.Random(14)
    writer = _start(a, "write", "0")
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    synced = 0
    for _ in range(10):
        syncer = _start(a, "sync", str(folder))
        assert syncer.stdout is not None and syncer.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.05, 0.4))
        synced += _kill(syncer).count("synced")
        with Store.open(a / "data" / "store.json") as store:
            assert store.notices == []
    acknowledged = {line.split()[1] for line in _kill(writer) if line.startswith("+ ")}
    # WHEN both machines sync to the end
    for data in (a / "data", b / "data", a / "data", b / "data"):
        sync(folder, data=data)
    # THEN every acknowledged write reached B, and both hold the same records
    assert synced and len(acknowledged) > 10
    with store_at(b / "data") as store:
        assert acknowledged <= {m.article_id for m in store.bookmarks()}
        assert acknowledged <= {n.article_id for n in store.notes()}
    assert shared_view(a / "data") == shared_view(b / "data")


def _carry(source: Path, target: Path, rng: random.Random, whole: bool) -> None:
    """Copy other machines' files as a sync tool would: some only in part, mid-transfer."""
    for path in (source / MACHINES).glob("*/*"):
        copy = target / path.relative_to(source)
        if path.name == ".mine" or (copy.parent / ".mine").exists():
            continue  # never over a machine's own files in its own view of the folder
        copy.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if not whole and rng.random() < 0.6:
            data = data[: rng.randrange(len(data) + 1)]
        copy.write_bytes(data)


def test_half_copied_folders_still_converge(tmp_path: Path) -> None:
    # GIVEN two machines, each with its own copy of the folder, carried over while written
    rng = random.Random(7)
    a, b = tmp_path / "a" / "data", tmp_path / "b" / "data"
    views = {a: tmp_path / "view-a", b: tmp_path / "view-b"}
    for data, view in views.items():
        view.mkdir()
        sync(view, data=data)
        (next((view / MACHINES).iterdir()) / ".mine").touch()
    torn = 0
    for step in range(25):
        for number, data in enumerate((a, b)):
            with store_at(data) as store:
                article = f"art{rng.randrange(8)}"
                choice = rng.randrange(4)
                if choice == 0:
                    store.add_bookmark(article, "/x", article, [f"t{step % 4}"])
                elif choice == 1:
                    store.remove_bookmark(article)
                elif choice == 2:
                    store.set_note(article, "/x", article, f"note {number} {step}")
                else:
                    store.mark_opened(article, "/x", article)
            sync(views[data], data=data)
        # WHEN the tool copies each view's files into the other, often cut short
        _carry(views[a], views[b], rng, whole=False)
        _carry(views[b], views[a], rng, whole=False)
        for data, view in views.items():
            torn += sync(view, data=data).skipped
    # THEN once the copies complete, both machines hold the same records
    _carry(views[a], views[b], rng, whole=True)
    _carry(views[b], views[a], rng, whole=True)
    for data in (a, b, a, b):
        sync(views[data], data=data)
    assert torn > 0  # torn lines were met, and skipped until whole
    assert shared_view(a) == shared_view(b)
