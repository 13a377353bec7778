"""`reader related`: the articles most like one, as lines or JSON Lines; unknown ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.library import Library
from tests.unit.test_related import labelled_articles


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """The labelled corpus as Markdown files, one folder per section."""
    for section, article in labelled_articles():
        folder = tmp_path / "corpus" / section
        folder.mkdir(parents=True, exist_ok=True)
        body = article.blocks[0].text
        text = f"---\ntitle: {article.title}\ntags: [{section}]\n---\n\n{body}\n"
        (folder / f"{article.id}.md").write_text(text, encoding="utf-8")
    return tmp_path / "corpus"


def ids_by_path(folder: Path) -> dict[str, str]:
    with Library([folder]) as library:
        library.scan()
        rows = library.rows()
        return {Path(rows[i].path).stem: rows[i].id for i in range(len(rows))}


def test_related_json_lists_the_same_section_first(capsys, corpus_dir: Path) -> None:
    ids = ids_by_path(corpus_dir)
    code, out, _ = run(capsys, "related", "-l", str(corpus_dir), ids["sailing-2"], "--json")
    assert code == 0
    found = [json.loads(line) for line in out.splitlines()]
    assert 0 < len(found) <= 10
    assert ids["sailing-2"] not in {record["id"] for record in found}
    assert found[0]["tags"] == ["sailing"]
    assert {"id", "title", "path", "score"} <= set(found[0])


def test_related_lines_and_limit(capsys, corpus_dir: Path) -> None:
    ids = ids_by_path(corpus_dir)
    prefix = ids["baking-0"][:8]
    code, out, _ = run(capsys, "related", "-l", str(corpus_dir), prefix, "--limit", "3")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(len(line.split("  ")[0]) == 8 for line in lines)


def test_unknown_id_is_one_line(capsys, corpus_dir: Path) -> None:
    code, out, err = run(capsys, "related", "-l", str(corpus_dir), "ffffffffffff")
    assert (code, out) == (2, "")
    assert err.startswith("reader: ") and err.count("\n") == 1


def test_bad_limit_is_a_usage_error(capsys, corpus_dir: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["related", "-l", str(corpus_dir), "abc", "--limit", "0"])
    assert exit_.value.code == 2
