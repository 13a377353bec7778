"""The dated house format: date, dateline place, derived title and paragraphs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reader.models import BlockKind
from reader.sources import load_file
from reader.sources.common import content_hash, cut_title, first_sentence

SEED_LIKE = (
    " date 2025-07-03 BAKU, Azerbaijan, July 3. Azerbaijan is not only a key strategic hub in "
    "the region but also one of the most active and influential players in international "
    "affairs. The upcoming summit, to be held on July 3–4, carries meaning — political and "
    "economic.\n"
    "\n"
    "Hosting the summit strengthens the country’s standing. “It matters,” an official said.\n"
    "\n"
    "The summit is not just a step forward\n"
    "in cooperation efforts.\n"
)


def write(folder: Path, text: str, name: str = "article.txt") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_seed_like_article(tmp_path: Path) -> None:
    # GIVEN a file shaped like the house samples WHEN loaded
    article = load_file(write(tmp_path, SEED_LIKE))
    # THEN date, place, title and paragraphs come out of it
    meta = article.meta
    assert meta.format == "house"
    assert meta.date == date(2025, 7, 3)
    assert meta.place == "Baku, Azerbaijan"
    assert meta.title == (
        "Azerbaijan is not only a key strategic hub in the region but also one of the…"
    )
    assert [block.kind for block in article.blocks] == [BlockKind.PARAGRAPH] * 3
    assert article.blocks[0].text.startswith("BAKU, Azerbaijan, July 3. Azerbaijan is")
    assert article.blocks[2].text == "The summit is not just a step forward in cooperation efforts."


def test_typography_is_kept(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, SEED_LIKE))
    body = "\n".join(block.text for block in article.blocks)
    for mark in ("’", "“", "”", "–", "—"):
        assert mark in body


def test_file_facts_and_identity(tmp_path: Path) -> None:
    path = write(tmp_path, SEED_LIKE)
    article = load_file(path)
    info = path.stat()
    assert article.meta.path == str(path.absolute())
    assert article.meta.size == info.st_size
    assert article.meta.mtime_ns == info.st_mtime_ns
    assert article.meta.words == sum(len(block.text.split()) for block in article.blocks)
    assert len(article.id) == 16
    assert article.id == article.content_hash == content_hash(article.blocks)


def test_id_survives_rewrapping_and_renaming(tmp_path: Path) -> None:
    first = load_file(write(tmp_path, SEED_LIKE, "one.txt"))
    rewrapped = SEED_LIKE.replace("strategic hub in ", "strategic hub in\n")
    shouted = rewrapped.replace("Azerbaijan is not", "AZERBAIJAN is not")
    second = load_file(write(tmp_path, shouted, "two.txt"))
    assert first.id == second.id
    edited = load_file(write(tmp_path, SEED_LIKE.replace("political", "cultural"), "three.txt"))
    assert edited.id != first.id


@pytest.mark.parametrize(
    ("dateline", "place"),
    [
        ("BAKU, Azerbaijan, July 3.", "Baku, Azerbaijan"),
        ("VALPARAÍSO, Chile, Feb. 3.", "Valparaíso, Chile"),
        ("CAPE TOWN, South Africa, July 11.", "Cape Town, South Africa"),
        ("ST. JOHN'S, Newfoundland, Canada, Sept. 9.", "St. John's, Newfoundland, Canada"),
        ("ZÜRICH, Switzerland, December 1.", "Zürich, Switzerland"),
    ],
)
def test_dateline_place(tmp_path: Path, dateline: str, place: str) -> None:
    article = load_file(write(tmp_path, f"date 2025-02-03 {dateline} The port was quiet."))
    assert article.meta.place == place
    assert article.title == "The port was quiet"
    assert article.blocks[0].text == f"{dateline} The port was quiet."


@pytest.mark.parametrize(
    "opening",
    [
        "Baku, Azerbaijan, July 3. Lower-case cities are not datelines.",
        "BAKU said on July 3. That is a sentence.",
        "The talks went on.",
    ],
)
def test_no_dateline_no_place(tmp_path: Path, opening: str) -> None:
    article = load_file(write(tmp_path, f"date 2025-07-03 {opening}"))
    assert article.meta.place is None
    assert article.blocks[0].text == opening


def test_short_first_sentence_is_not_cut(tmp_path: Path) -> None:
    text = "\n\n  date 2024-01-15 OSLO, Norway, Jan. 15. Ferries run on time. Nobody minds.\n"
    article = load_file(write(tmp_path, text))
    assert article.title == "Ferries run on time"
    assert article.meta.date == date(2024, 1, 15)


def test_title_skips_abbreviations(tmp_path: Path) -> None:
    text = (
        "date 2024-01-15 LIMA, Peru, Jan. 15. "
        "Dr. Rosa Huamán met U.S. envoys at 9 a.m. sharp. Then rain."
    )
    article = load_file(write(tmp_path, text))
    assert article.title == "Dr. Rosa Huamán met U.S. envoys at 9 a.m. sharp"


def test_title_from_next_paragraph_when_dateline_stands_alone(tmp_path: Path) -> None:
    text = "date 2024-01-15 LIMA, Peru, Jan. 15.\n\nThe glacier is retreating. Fast."
    article = load_file(write(tmp_path, text))
    assert article.meta.place == "Lima, Peru"
    assert article.title == "The glacier is retreating"


def test_impossible_date_is_dropped(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "date 2024-02-30 Some text here."))
    assert article.meta.format == "house"
    assert article.meta.date is None


def test_markup_like_text_stays_literal(tmp_path: Path) -> None:
    text = "date 2024-01-01 Use [bold]x[/bold] and [/] or [link=http://x]y[/link] freely."
    article = load_file(write(tmp_path, text))
    assert article.blocks[0].text == text.removeprefix("date 2024-01-01 ")


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("Short one.", "Short one"),
        ("Is it?", "Is it?"),
        ("a " * 50, ("a " * 40).strip() + "…"),
        ("x" * 120, "x" * 80 + "…"),
        ("Wait...", "Wait..."),
    ],
)
def test_cut_title(sentence: str, title: str) -> None:
    assert cut_title(sentence) == title


def test_cut_title_stays_near_the_limit() -> None:
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november"
    title = cut_title(words)
    assert title.endswith("…")
    assert 60 <= len(title) <= 81
    assert words.startswith(title[:-1])


def test_first_sentence_ends_at_quote_and_exclamation() -> None:
    assert first_sentence("“Stop.” He did. More.") == "“Stop.”"
    assert first_sentence("Look! There.") == "Look!"
    assert first_sentence("No end at all") == "No end at all"
