"""Crafted store files and exports: one line and a salvage, never a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import paths
from reader.store import Store, StoreError
from reader.store.api import EXPORT_FORMAT
from tests.conftest import PROJECT_ROOT
from tests.unit.hostile_files import reader
from tests.unit.library_files import write_article

FIXTURE_CHECK = HealthCheck.function_scoped_fixture
GOOD_NOTE = {"uuid": "n1", "article_id": "0123456789abcdef", "path": "/a", "title": "A"}
DEEP = "[" * 5000 + "]" * 5000


def _store(tables: str) -> str:
    return '{"meta":{"1":{"schema_version":1}},' + tables + "}"


CRAFTED = {
    "deeply nested": _store('"notes":{"1":{"uuid":"u","article_id":"a","text":' + DEEP + "}}"),
    "a 5,000-digit schema version": '{"meta":{"1":{"schema_version":' + "9" * 5000 + "}}}",
    "a negative schema version": '{"meta":{"1":{"schema_version":-3}},"notes":{}}',
    "a dict article id": _store('"bookmarks":{"1":{"uuid":"u","article_id":{"x":1}}}'),
    "a dict uuid": _store('"notes":{"1":{"uuid":{"a":[]},"article_id":"a","text":"t"}}'),
    "an int over 64 bits": _store(
        '"reading":{"1":{"uuid":"u","article_id":"a","position":{"block":' + "7" * 30 + "}}}"
    ),
    "a record numbered with letters": _store('"notes":{"abc":{"uuid":"u","article_id":"a"}}'),
    "a note that is a number": _store('"notes":{"1":{"uuid":"u","article_id":"a","text":5}}'),
    "tags that are an object": _store('"bookmarks":{"1":{"uuid":"u","article_id":"a","tags":{}}}'),
}


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_article(folder / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04")
    return folder


@pytest.mark.parametrize("kind", sorted(CRAFTED))
def test_a_crafted_store_file_is_moved_aside_in_one_line(kind: str, library: Path) -> None:
    data = paths.data_dir()
    (data / "store.json").write_text(CRAFTED[kind], encoding="utf-8")
    for command in ("notes", "bookmarks"):
        done = reader(command, "-l", str(library))
        assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr
    assert [p.name for p in data.iterdir() if ".damaged-" in p.name]
    # The repaired store takes writes again.
    with Store.open(data / "store.json") as store:
        store.add_bookmark("0123456789abcdef", "/a", "A", ["t"])
        store.append_note("0123456789abcdef", "/a", "A", "text")
        store.relink("0123456789abcdef", "fedcba9876543210", "/b", "B")


def test_a_lone_surrogate_in_a_note_prints_and_saves(library: Path) -> None:
    data = paths.data_dir()
    note = {**GOOD_NOTE, "text": "bad \ud800 note"}
    (data / "store.json").write_text(_store('"notes":{"1":' + json.dumps(note) + "}"))
    done = reader("notes", "-l", str(library))
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert "bad \ufffd note" in done.stdout.decode()
    with Store.open(data / "store.json") as store:
        store.add_bookmark("0123456789abcdef", "/a", "A")  # the file can still be written
    with Store.open(data / "store.json") as store:
        assert store.notices == []
        found = store.note_for("0123456789abcdef")
        assert found is not None and found.text == "bad \ufffd note"


def _read_only_run(folder: Path, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """Run reader with `folder` read-only: by permissions, or for root by a read-only mount."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & 0o555)
        try:
            return reader(*argv)
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no way to make a read-only folder here")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    probe = subprocess.run([unshare, "-m", "sh", "-c", script, str(folder), "true"], check=False)
    if probe.returncode != 0:
        pytest.skip("cannot mount a read-only folder here")
    command = [unshare, "-m", "sh", "-c", script, str(folder), sys.executable, "-m", "reader"]
    return subprocess.run(
        [*command, *argv], capture_output=True, cwd=PROJECT_ROOT, env=os.environ.copy(), timeout=60
    )


def test_a_read_only_data_dir_reads_and_refuses_writes_in_one_line(library: Path) -> None:
    data = paths.data_dir()
    with Store.open(data / "store.json") as store:
        store.add_bookmark("0123456789abcdef", "/a", "Kept", ["t"])
    (data / "store.json.lock").unlink()  # as on a copy of the data with no lock file yet
    listed = _read_only_run(data, "list", "--json", "-l", str(library))
    article = json.loads(listed.stdout.splitlines()[0])["id"]
    for command in (["bookmarks"], ["notes"], ["search", "ferries"], ["show", article]):
        done = _read_only_run(data, *command, "-l", str(library))
        assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr
    assert b"Kept" in _read_only_run(data, "bookmarks", "-l", str(library)).stdout
    done = _read_only_run(data, "note", "0123456789abcdef", "text", "-l", str(library))
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(b"reader: ")


def test_a_backups_path_that_is_a_file_gives_one_line(library: Path) -> None:
    data = paths.data_dir()
    with Store.open(data / "store.json") as store:
        store.add_bookmark("0123456789abcdef", "/a", "A")
    shutil.rmtree(data / "backups")
    (data / "backups").write_text("not a folder")
    done = reader("bookmarks", "-l", str(library))
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert done.stderr.count(b"\n") <= 1


def test_a_data_dir_that_is_a_file_gives_one_line(tmp_path: Path, library: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "data").write_text("not a folder")
    env = {**os.environ, "READER_HOME": str(home)}
    import sys

    from tests.conftest import PROJECT_ROOT

    for argv in (["bookmarks"], ["note", "0123456789abcdef", "x"]):
        done = subprocess.run(
            [sys.executable, "-m", "reader", *argv, "-l", str(library)],
            capture_output=True,
            cwd=PROJECT_ROOT,
            env=env,
            timeout=60,
        )
        assert done.returncode != 0 and b"Traceback" not in done.stderr, done.stderr
        assert done.stderr.count(b"\n") == 1


# Crafted exports ------------------------------------------------------------------------


def _export(**tables: Any) -> dict[str, Any]:
    return {"format": EXPORT_FORMAT, "schema_version": 1, **tables}


def test_import_skips_records_of_the_wrong_shape_with_the_reason(tmp_path: Path) -> None:
    good = {"uuid": "g", "article_id": "0123456789abcdef", "text": "kept", "path": "/a"}
    data = _export(
        notes=[good, {**good, "uuid": "x", "text": 5}, {**good, "uuid": {"a": 1}}, 7, None],
        bookmarks=[{"uuid": "b", "article_id": "a", "tags": "not a list"}],
        highlights=[{"uuid": "h", "article_id": "a", "block": "3", "quote": "q"}],
        reading=[{"uuid": "r", "article_id": "a", "position": {"block": 2**70}}],
        searches=[{"uuid": "s", "name": ["x"], "query": "q"}],
    )
    with Store.open(tmp_path / "s.json") as store:
        result = store.import_all(data)
        assert result.added == 1 and len(result.skipped) == 8
        assert any("notes record 2" in reason and "text" in reason for reason in result.skipped)
        assert [n.text for n in store.notes()] == ["kept"]


@pytest.mark.parametrize("version", [-1, True, 10**40, "1", None])
def test_import_refuses_an_impossible_schema_version(tmp_path: Path, version: Any) -> None:
    with Store.open(tmp_path / "s.json") as store, pytest.raises(StoreError):
        store.import_all({"format": EXPORT_FORMAT, "schema_version": version})


def test_reader_import_of_a_crafted_export_names_what_it_skipped(
    tmp_path: Path, library: Path
) -> None:
    crafted = tmp_path / "crafted.json"
    good = {"uuid": "g", "article_id": "0123456789abcdef", "text": "kept"}
    crafted.write_text(json.dumps(_export(notes=[good, {**good, "uuid": "x", "text": [1]}])))
    done = reader("import", str(crafted), "-l", str(library))
    assert done.returncode == 0, done.stderr
    assert b"1 added" in done.stdout and b"1 skipped" in done.stdout
    assert b"skipped notes record 2" in done.stderr
    deep = tmp_path / "deep.json"
    deep.write_text('{"format":"reader-store","schema_version":1,"notes":[' + DEEP + "]}")
    done = reader("import", str(deep), "-l", str(library))
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1


# Random documents ------------------------------------------------------------------------

FIELDS = [
    "uuid", "article_id", "path", "title", "text", "quote", "prefix", "suffix", "note",
    "block", "tags", "read", "position", "created", "updated", "last_opened", "name",
    "query", "schema_version", "fingerprint",
]  # fmt: skip
TABLES = ["meta", "bookmarks", "notes", "highlights", "reading", "searches", "other"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["\ud800", "a\udcff", "0123456789abcdef", "2024-01-02T00:00:00+00:00"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tables=st.dictionaries(st.sampled_from(TABLES), st.lists(documents | values, max_size=4)),
    version=st.one_of(st.integers(-3, 3), values),
)
def test_import_of_any_json_document_merges_or_refuses_cleanly(
    tmp_path: Path, tables: dict[str, Any], version: Any
) -> None:
    data = {"format": EXPORT_FORMAT, "schema_version": version, **tables}
    path = tmp_path / "import.json"
    path.unlink(missing_ok=True)
    with Store.open(path) as store:
        store.append_note("0123456789abcdef", "/a", "A", "already here")
        with contextlib.suppress(StoreError):
            store.import_all(json.loads(json.dumps(data)))
        store.relink("0123456789abcdef", "fedcba9876543210", "/b", "B")
        store.notes(), store.bookmarks(), store.highlights(), store.reading_states()
        store.saved_searches(), store.export_all()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tables=st.dictionaries(
        st.sampled_from(TABLES),
        st.dictionaries(st.sampled_from(["1", "2", "x", "-1"]), documents | values, max_size=3)
        | values,
    ),
    version=st.one_of(st.integers(-3, 3), values),
)
def test_opening_any_json_document_as_the_store_never_raises_anything_else(
    tmp_path: Path, tables: dict[str, Any], version: Any
) -> None:
    folder = tmp_path / "opened"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    document = {**tables, "meta": {"1": {"schema_version": version}}}
    (folder / "store.json").write_text(json.dumps(document), encoding="utf-8")
    try:
        store = Store.open(folder / "store.json")
    except StoreError:
        return
    with store:
        store.notes(), store.bookmarks(), store.highlights(), store.reading_states()
        store.saved_searches(), store.export_all()
        store.add_bookmark("0123456789abcdef", "/a", "A", ["t"])
        store.append_note("0123456789abcdef", "/a", "A", "text")
        store.mark_opened("0123456789abcdef", "/a", "A")
        store.relink("0123456789abcdef", "fedcba9876543210", "/b", "B")
