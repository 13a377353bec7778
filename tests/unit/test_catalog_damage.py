"""A damaged catalog (derived data) is rebuilt from the folders, never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.library import Library
from tests.unit.library_files import write_article

COUNT = 300


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """Enough articles that the catalog spans many pages."""
    folder = tmp_path / "news"
    for number in range(COUNT):
        write_article(folder / f"a{number:03}.txt", f"Story number {number} about ferries")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def damage_the_middle(catalog: Path) -> None:
    """Overwrite pages in the middle of the file, leaving its header sound."""
    data = bytearray(catalog.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16384] = b"\x5a" * 16384
    catalog.write_bytes(bytes(data))


def the_catalog() -> Path:
    [catalog] = [p for p in paths.cache_dir().iterdir() if p.suffix == ".sqlite"]
    return catalog


def test_list_rebuilds_a_catalog_damaged_in_the_middle(capsys, big: Path) -> None:
    assert run(capsys, "list", "-l", str(big))[0] == 0
    damage_the_middle(the_catalog())
    code, out, err = run(capsys, "list", "--json", "-l", str(big))
    assert code == 0 and "Traceback" not in err
    assert len(out.splitlines()) == COUNT
    titles = {json.loads(line)["title"] for line in out.splitlines()}
    assert "Story number 150 about ferries" in titles


def test_doctor_runs_quick_check_and_repairs(capsys, big: Path) -> None:
    run(capsys, "list", "-l", str(big))
    damage_the_middle(the_catalog())
    code, out, _ = run(capsys, "doctor", "-l", str(big))
    assert "catalog: was damaged" in out and f"catalog: ok, {COUNT} articles" in out
    with sqlite3.connect(the_catalog()) as conn:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    code, out, _ = run(capsys, "doctor", "-l", str(big))
    assert "was damaged" not in out


def test_reads_on_an_open_library_survive_damage(big: Path) -> None:
    """Damage met by a library already open (the app) empties it for the next scan."""
    library = Library([big])
    library.scan()
    library.close()
    damage_the_middle(library.catalog_path)
    rows = library.rows()  # the order may be read from a sound page: reading rows is not
    for index in range(len(rows)):
        assert rows[index].id
    library.scan()
    assert len(library) == COUNT and library.catalog_rebuilt
