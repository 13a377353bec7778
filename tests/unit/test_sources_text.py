"""Titled plain text: title line, optional date, file-name fallbacks, paragraphs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reader.models import BlockKind
from reader.sources import load_file
from reader.sources.common import title_from_filename


def write(folder: Path, text: str, name: str = "notes.txt") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_first_short_line_is_the_title(tmp_path: Path) -> None:
    text = (
        "\n  Four Hours Before Dawn  \n\n"
        "The ovens are lit at two.\nFlour everywhere.\n\nThen bread."
    )
    article = load_file(write(tmp_path, text))
    assert article.meta.format == "text"
    assert article.title == "Four Hours Before Dawn"
    assert article.meta.date is None
    assert [block.text for block in article.blocks] == [
        "The ovens are lit at two. Flour everywhere.",
        "Then bread.",
    ]
    assert {block.kind for block in article.blocks} == {BlockKind.PARAGRAPH}


@pytest.mark.parametrize(
    "text",
    [
        "Date: 2024-06-01\n\nBody text.",
        "\nDate: 2024-06-01\n\nBody text.",
        "\n\ndate:2024-06-01\nBody text.",
    ],
)
def test_date_line_after_title(tmp_path: Path, text: str) -> None:
    article = load_file(write(tmp_path, "A Title\n" + text))
    assert article.title == "A Title"
    assert article.meta.date == date(2024, 6, 1)
    assert [block.text for block in article.blocks] == ["Body text."]


@pytest.mark.parametrize(
    "text",
    [
        "This opening line is a full sentence.\n\nAnd more follows.",
        "A line straight into\nthe next line without a gap.",
        "x" * 101 + "\n\nBody.",
        "Only one line",
        "Lonely Title\n\n",
    ],
)
def test_no_title_line_falls_back_to_file_name(tmp_path: Path, text: str) -> None:
    article = load_file(write(tmp_path, text, "the-lighthouse_log.txt"))
    assert article.title == "The lighthouse log"
    assert article.blocks[0].text.startswith(text.strip()[:10])


def test_file_name_date_prefix(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "Just text, no title.", "2023-11-05-harbour-notes.txt"))
    assert article.meta.date == date(2023, 11, 5)
    assert article.title == "Harbour notes"


def test_date_line_wins_over_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Title\nDate: 2020-01-02\n\nBody.", "2023-11-05-x.txt")
    assert load_file(path).meta.date == date(2020, 1, 2)


def test_dot_text_suffix_is_text(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "Heading\n\nBody.", "a.TEXT"))
    assert article.meta.format == "text"
    assert article.title == "Heading"


def test_house_needs_a_real_date(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "Date night ideas\n\nCook together."))
    assert article.meta.format == "text"
    assert article.title == "Date night ideas"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("the-lighthouse_log.txt", "The lighthouse log"),
        ("2024-06-01-night trains.md", "Night trains"),
        ("v1.2-notes.txt", "V1.2 notes"),
        ("___.txt", "___"),
    ],
)
def test_title_from_filename(name: str, title: str) -> None:
    assert title_from_filename(Path(name)) == title
