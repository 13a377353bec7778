"""File names that are not UTF-8 (any bytes on Linux) and undecodable text never break a command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.library import Library
from reader.search import SearchIndex
from reader.search.sync import open_index, sync_index
from reader.store import Store

BAD = b"bad\xffname"
"""A name with a byte that is not UTF-8: Python sees it as a lone surrogate."""


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    raw = os.fsencode(folder)
    text = b" date 2024-01-02 OSLO, Norway, Jan. 2. Ferries story. Plain body text.\n"
    Path(os.fsdecode(raw + b"/" + BAD + b".txt")).write_bytes(text)
    Path(os.fsdecode(raw + b"/" + BAD + b".md")).write_bytes(
        b"No heading, the name is the title.\n"
    )
    Path(os.fsdecode(raw + b"/" + BAD + b"-empty.txt")).write_bytes(b"")
    (folder / "good.txt").write_bytes(text.replace(b"Ferries", b"Harbour"))
    return folder


def test_the_library_keeps_such_names_exactly(news: Path) -> None:
    library = Library([news])
    result = library.scan()
    assert result.total == 3
    paths = {library.rows()[i].path for i in range(3)}
    expected = os.fsdecode(os.fsencode(news) + b"/" + BAD + b".txt")
    assert expected in paths  # the very bytes, not a lossy copy
    assert os.path.exists(expected)
    [problem] = result.problems
    assert problem.path.endswith("-empty.txt") and os.fsencode(problem.path).endswith(
        b"\xff" + b"name-empty.txt"
    )
    titles = {library.rows()[i].title for i in range(3)}
    assert all(title.encode("utf-8") for title in titles)  # shown with U+FFFD, storable
    again = library.scan()  # the stored names match the walked ones: nothing re-read
    assert (again.unchanged, again.added, again.removed) == (3, 0, 0)
    article = library.load(library.id_at(Path(expected)) or "")
    assert article.meta.path == expected
    library.close()


def test_the_index_and_a_query_with_lone_surrogates(news: Path) -> None:
    library = Library([news])
    library.scan()
    with open_index(library) as index:
        sync_index(library, index, processes=0)
        for query in ("ferries \ud800", "ferries\udcff", '"ferries \udcff story"', "\udcffferries"):
            results = index.search(query)
            assert results.total == 1, query
    assert SearchIndex.in_memory().search("\ud800").total == 0  # an empty query, no error


def test_the_store_keeps_such_a_path_exactly(tmp_path: Path) -> None:
    path = os.fsdecode(b"/library/" + BAD + b".txt")
    with Store.open(tmp_path / "store.json") as store:
        store.set_note("ab" * 8, path, "title \udcff", "text \udcff and \ud800")
        store.add_bookmark("ab" * 8, path, "title", ["tag\udcff"])
    with Store.open(tmp_path / "store.json") as store:
        [note] = store.notes()
        [mark] = store.bookmarks()
    assert note.path == path and mark.path == path
    assert note.text == "text \ufffd and \ufffd" and mark.tags == ("tag\ufffd",)


def reader(home: Path, *argv: str | bytes) -> subprocess.CompletedProcess[bytes]:
    # Strict UTF-8 output, as in most terminals' locales: an unescaped name would crash it.
    env = {**os.environ, "READER_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "reader", *argv]
    return subprocess.run(command, capture_output=True, env=env, timeout=120)


def test_every_command_works_and_shows_the_name_escaped(news: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    library = ("-l", str(news))
    listed = reader(home, "list", "--json", *library)
    assert listed.returncode == 0 and b"Traceback" not in listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 3
    bad = next(row for row in rows if row["path"].endswith(".txt") and "bad" in row["path"])
    assert os.fsencode(bad["path"]).endswith(BAD + b".txt")  # JSON gives the bytes back
    assert b"bad\\xffname" in reader(home, "list", *library).stderr  # the problem line, escaped
    found = reader(home, "search", b"ferries\xff", *library)
    assert found.returncode == 0 and b"bad\\xffname.txt" in found.stdout
    noted = reader(home, "note", bad["id"], b"seen \xff here", *library)
    assert noted.returncode == 0 and b"Traceback" not in noted.stderr
    tagged = reader(home, "bookmark", bad["id"], "--tag", b"t\xffg", *library)
    assert tagged.returncode == 0 and b"Traceback" not in tagged.stderr
    notes = reader(home, "notes", "--json", *library)
    [note] = [json.loads(line) for line in notes.stdout.splitlines()]
    assert note["text"] == "seen \ufffd here" and note["in_library"] is True
    assert note["path"] == bad["path"]
    shown = reader(home, "show", bad["id"], *library)
    assert shown.returncode == 0 and b"Ferries story" in shown.stdout


def test_one_parse_feeds_the_index_under_such_names(news: Path) -> None:
    """The scan keeps what it parsed for the index (the spool) by path: such a path too."""
    from reader.library.folders import scan_changed
    from reader.library.spool import parse_once

    library = Library([news])
    subfolder = Path(os.fsdecode(os.fsencode(news) + b"/dir" + BAD))
    subfolder.mkdir()
    (subfolder / "inner.txt").write_text("Inner title\n\nFerries below.\n", encoding="utf-8")
    with parse_once(library.catalog_path.parent), open_index(library) as index:
        scan_changed(library)
        result = sync_index(library, index)
        assert index.notice is None and result.total == 4
        assert index.search("ferries").total == 2
    library.close()
