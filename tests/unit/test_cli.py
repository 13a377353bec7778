"""The command line: list, show, paths, ids, exit codes and clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from tests.conftest import SAMPLE_DATA

HOUSE = (
    " date 2024-03-04 OSLO, Norway, March 4. {first} The ferry left on time.\n\nSecond paragraph.\n"
)


def write_house(folder: Path, name: str, first: str, day: str = "2024-03-04") -> Path:
    path = folder / name
    path.write_text(HOUSE.format(first=first).replace("2024-03-04", day), encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    write_house(folder, "a.txt", "Electric ferries cross the fjord.", "2024-03-04")
    write_house(folder, "b.txt", "Shipyards hire welders again.", "2025-01-10")
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_json_prints_one_object_per_article(capsys, library: Path) -> None:
    code, out, err = run(capsys, "list", "--json", "-l", str(library))
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["title"] for r in records] == [
        "Shipyards hire welders again",
        "Electric ferries cross the fjord",
    ]
    first = records[0]
    assert first["date"] == "2025-01-10"
    assert first["place"] == "Oslo, Norway"
    assert Path(first["path"]).is_absolute()
    assert {"id", "source", "words", "tags"} <= first.keys()
    assert err.count("\n") == 1 and "broken.txt" in err


def test_list_plain_shows_ids_and_titles(capsys, library: Path) -> None:
    code, out, _ = run(capsys, "list", "-l", str(library))
    assert code == 0
    assert "Electric ferries cross the fjord" in out
    assert len(out.splitlines()) == 2


def test_show_accepts_an_id_prefix(capsys, library: Path) -> None:
    _, out, _ = run(capsys, "list", "--json", "-l", str(library))
    article_id = json.loads(out.splitlines()[0])["id"]
    code, text, _ = run(capsys, "show", article_id[:6], "--plain", "-l", str(library))
    assert code == 0
    assert text.startswith("Shipyards hire welders again\n")
    assert "Second paragraph." in text


def test_show_unknown_id_is_one_line_and_exit_2(capsys, library: Path) -> None:
    code, out, err = run(capsys, "show", "ffffffffff", "-l", str(library))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("reader: ")


def test_bad_path_is_one_line_and_exit_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "list", "-l", str(tmp_path / "missing"))
    assert code == 2
    assert err == f"reader: no such file or folder: {tmp_path / 'missing'}\n"


def test_markup_in_an_article_prints_literally(capsys, tmp_path: Path) -> None:
    write_house(tmp_path, "m.txt", "Tags [bold]x[/bold] and [/] and [link=x] stay.")
    _, out, _ = run(capsys, "list", "--json", "-l", str(tmp_path))
    article_id = json.loads(out)["id"]
    code, text, _ = run(capsys, "show", article_id, "-l", str(tmp_path))
    assert code == 0
    assert "[bold]x[/bold] and [/] and [link=x]" in text


def test_default_library_is_the_bundled_samples(capsys) -> None:
    code, out, _ = run(capsys, "list", "--json")
    paths = [json.loads(line)["path"] for line in out.splitlines()]
    assert code == 0
    assert len(paths) >= 30
    assert all(Path(p).is_relative_to(SAMPLE_DATA.resolve()) for p in paths)


def test_version_and_help_run_as_a_program() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "reader", "--version"], capture_output=True, text=True
    )
    assert version.returncode == 0 and version.stdout.startswith("reader ")
    helped = subprocess.run(
        [sys.executable, "-m", "reader", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "list" in helped.stdout and "show" in helped.stdout


def test_command_names_match_the_parsers() -> None:
    import argparse

    from reader.cli import build_parser, command_names

    parser = build_parser()
    choices = next(
        action.choices
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    assert set(choices) == command_names()


def test_a_command_loads_only_its_own_module_and_help_lists_every_command() -> None:
    # `reader search` must not pay for the modules of `show` or `add` (rich, the fetcher).
    code = (
        "import sys; from reader.cli import parse_command; "
        "args = parse_command(['search', 'ferry']); "
        "print(args.command, sorted(m for m in ('reader.render', 'reader.web.fetch', "
        "'reader.cli.articles', 'reader.store') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "search []"
    helped = subprocess.run(
        [sys.executable, "-m", "reader", "--help", "search"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "bookmarks" in helped.stdout and "feeds" in helped.stdout


def test_output_closed_early_ends_quietly(tmp_path: Path) -> None:
    # `reader list --json | head -1`: the reader of the pipe is gone before the output.
    import os

    env = {**os.environ, "READER_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "reader", "list", "--json", "-l", str(SAMPLE_DATA)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode("utf-8", "replace")
    assert process.wait() == 0 and "Traceback" not in errors


def test_list_labels_a_date_that_is_only_the_day_the_page_was_saved(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "2026-12-02-undated.md").write_text(
        "---\ntitle: An undated page\nsaved: 2026-12-02\n---\n\nBody text.\n", encoding="utf-8"
    )
    (folder / "dated.md").write_text(
        "---\ntitle: A dated page\ndate: 2026-11-30\nsaved: 2026-12-02\n---\n\nBody.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "list", "-l", str(folder))
    lines = {line.split("  ", 2)[2]: line for line in out.splitlines()}
    assert code == 0
    assert "  saved 2026-12-02  An undated page" in lines["An undated page  (markdown)"]
    assert "  2026-11-30  A dated page" in lines["A dated page  (markdown)"]
    code, out, _ = run(capsys, "list", "--json", "-l", str(folder))
    saved = {r["title"]: r["date_saved"] for r in map(json.loads, out.splitlines())}
    assert saved == {"An undated page": True, "A dated page": False}
