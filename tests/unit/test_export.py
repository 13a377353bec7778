"""Markdown export (one Obsidian-readable file per annotated article) and lossless JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from reader.export import SLUG_CHARS, export_json, export_markdown, import_json
from reader.library import Library
from reader.sources.common import slugify
from reader.store import Store, anchor
from tests.unit.library_files import write_article


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    folder = tmp_path / "news"
    write_article(folder / "ferry.txt", "Electric ferries cross the fjord", "2024-03-04")
    write_article(
        folder / "yard.txt", "Shipyards hire welders again", "2025-01-10", "Jobs: [b]x[/b]."
    )
    write_article(folder / "quiet.txt", "Nothing annotated here", "2023-01-01")
    with Library([folder]) as made:
        made.scan()
        yield made


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "store.json") as made:
        yield made


def meta_titled(library: Library, title: str):
    rows = library.rows()
    return next(rows[i] for i in range(len(rows)) if rows[i].title == title)


def annotate(library: Library, store: Store) -> None:
    ferry = meta_titled(library, "Electric ferries cross the fjord")
    yard = meta_titled(library, "Shipyards hire welders again")
    store.add_bookmark(ferry.id, ferry.path, ferry.title, ["boats", "energy"])
    store.set_note(ferry.id, ferry.path, ferry.title, "# Why\n\nFerries matter.")
    text = library.load(ferry.id).blocks[0].text
    start = text.index("Plain body")
    quote, prefix, suffix = anchor(text, start, start + len("Plain body text"))
    store.add_highlight(
        ferry.id, ferry.path, ferry.title, quote, prefix=prefix, suffix=suffix, note="key"
    )
    store.add_highlight(ferry.id, ferry.path, ferry.title, "words that were cut", block=1)
    store.set_note(yard.id, yard.path, yard.title, "Hiring again.")
    store.add_bookmark("0000aaaa0000aaaa", "/gone/lost.txt", "A lost article")


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def test_markdown_export_writes_one_readable_file_per_annotated_article(
    library: Library, store: Store, tmp_path: Path
) -> None:
    annotate(library, store)
    out = tmp_path / "vault"
    written = export_markdown(library, store, out)
    assert (
        sorted(p.name for p in out.iterdir())
        == sorted(p.name for p in written)
        == [
            "a-lost-article.md",
            "electric-ferries-cross-the-fjord.md",
            "shipyards-hire-welders-again.md",
        ]
    )
    fields, body = front_matter(out / "electric-ferries-cross-the-fjord.md")
    ferry = meta_titled(library, "Electric ferries cross the fjord")
    assert fields == {
        "title": "Electric ferries cross the fjord",
        "date": "2024-03-04",
        "place": "Oslo, Norway",
        "tags": ["boats", "energy"],
        "path": ferry.path,
        "id": ferry.id,
        "bookmarked": True,
    }
    assert "## Note\n\n# Why\n\nFerries matter.\n" in body
    assert "> Plain body text\n\nkey\n" in body
    assert "> words that were cut\n>\n> *(orphaned" in body
    assert "Plain body text\n>\n> *(orphaned" not in body


def test_an_article_gone_from_the_library_is_exported_and_marked(
    library: Library, store: Store, tmp_path: Path
) -> None:
    annotate(library, store)
    export_markdown(library, store, tmp_path / "vault")
    fields, body = front_matter(tmp_path / "vault" / "a-lost-article.md")
    assert fields["orphaned"] is True and fields["path"] == "/gone/lost.txt"
    assert "no longer in the library" in body


def test_exporting_again_rewrites_the_same_files(
    library: Library, store: Store, tmp_path: Path
) -> None:
    annotate(library, store)
    first = export_markdown(library, store, tmp_path / "vault")
    second = export_markdown(library, store, tmp_path / "vault")
    assert first == second and len(list((tmp_path / "vault").iterdir())) == 3


def test_same_titles_get_distinct_file_names(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "dupes"
    write_article(folder / "a.txt", "Same title", "2024-01-01", "One.")
    write_article(folder / "b.txt", "Same title", "2024-01-02", "Two.")
    with Library([folder]) as library:
        library.scan()
        for index in range(2):
            meta = library.rows()[index]
            store.set_note(meta.id, meta.path, meta.title, f"note {index}")
        written = export_markdown(library, store, tmp_path / "out")
    names = [p.name for p in written]
    assert len(set(names)) == 2 and "same-title.md" in names


def test_slugify_keeps_words_of_any_script_and_drops_unsafe_characters() -> None:
    assert slugify("Peace talks: what's next? [1/2]", SLUG_CHARS) == "peace-talks-what-s-next-1-2"
    assert slugify("Bakı sammiti — ECO", SLUG_CHARS) == "bakı-sammiti-eco"
    assert slugify("…", SLUG_CHARS) == ""
    assert len(slugify("word " * 40, SLUG_CHARS)) <= SLUG_CHARS


def test_json_export_round_trips_into_an_empty_store_idempotently(
    library: Library, store: Store, tmp_path: Path
) -> None:
    annotate(library, store)
    data = json.loads(json.dumps(export_json(store, library)))
    assert {a["title"] for a in data["articles"]} >= {"Electric ferries cross the fjord"}
    assert all({"id", "title", "path"} <= a.keys() for a in data["articles"])
    with Store.open(tmp_path / "other.json") as other:
        first = import_json(other, data)
        second = import_json(other, data)
        assert (first.added, first.updated, first.skipped) == (6, 0, ())
        assert (second.added, second.updated, second.unchanged) == (0, 0, 6)
        assert other.export_all() == store.export_all()
