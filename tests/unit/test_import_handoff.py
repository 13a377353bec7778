"""An import hands the scan the parse of the link-only files it writes: the same parse a
scan makes of them, so the catalog, ids and index are what reading them back gives."""

from __future__ import annotations

import sqlite3
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.cli.common import open_library
from reader.imports import drafts, handoff
from reader.imports.handoff import link_parsed
from reader.imports.items import ImportedItem
from reader.library import parse_pool
from reader.store import Store
from reader.web.save import render_draft, write_draft
from tests.unit.test_library_spool import counting_loads

_URL_CHARS = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=% <>\\\"`{}|^é\t"
_hosts = st.sampled_from(
    ["example.com", "Example.COM", "h1.example.com", "xn--bcher-kva.ch", "a.b", "[::1]"]
)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@st.composite
def items(draw: st.DrawFn) -> ImportedItem:
    scheme = draw(st.sampled_from(["https", "http", "HTTPS"]))
    path = draw(st.text(st.sampled_from(_URL_CHARS), max_size=25))
    url = f"{scheme}://{draw(_hosts)}/{path}"
    saved = draw(st.none() | st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1)))
    published = draw(st.none() | st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1)))
    return ImportedItem(
        "row 1",
        url=url,
        title=draw(st.sampled_from(["", url, "https://elsewhere.example/x"]) | _text),
        tags=tuple(draw(st.lists(_text, max_size=3))),
        saved=saved and saved.replace(tzinfo=UTC),
        published=published and published.replace(tzinfo=UTC),
    )


def written(item: ImportedItem, folder: Path) -> tuple[Path, bytes]:
    draft = drafts.link_draft(item, "pocket-csv")
    saved = write_draft(draft, folder, "0123456789ab", known={})
    return saved.path, saved.path.read_bytes()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(item=ImportedItem("row 1", url="https://h7.example.com/a/7?utm_source=pocket", title="A"))
@given(item=items())
def test_the_parse_handed_over_is_the_scans(item: ImportedItem, tmp_path: Path) -> None:
    folder = tmp_path / "web"
    path, data = written(item, folder)
    try:
        handed = link_parsed(path, data)
        if handed is not None:
            assert handed == parse_pool.parse(str(path))
    finally:
        path.unlink()


def test_a_plain_address_is_handed_over(tmp_path: Path) -> None:
    """The equality above means something only if common link files are handed over."""
    item = ImportedItem("row 1", url="https://h7.example.com/a/7?utm_source=pocket&b=(1)")
    path, data = written(item, tmp_path)
    assert link_parsed(path, data) == parse_pool.parse(str(path))
    assert link_parsed(path, data) is not None


def test_other_files_and_changed_files_are_left_to_the_scan(tmp_path: Path) -> None:
    item = ImportedItem("row 1", url="https://example.com/a", title="A")
    path, data = written(item, tmp_path)
    text = render_draft(drafts.article_draft(item, "Some *text*.", "wallabag")).encode()
    assert link_parsed(path, text) is None  # an article with text
    path.write_bytes(data + b"more\n")
    assert link_parsed(path, data) is None  # not the bytes written any more
    odd = ImportedItem("row 2", url="https://example.com/%41", title="B")
    odd_path, odd_data = written(odd, tmp_path)
    assert link_parsed(odd_path, odd_data) is None  # shown decoded: the parser's to say


def pocket(path: Path, rows: int) -> Path:
    lines = ["title,url,time_added,cursor,tags,status"]
    for n in range(rows):
        status = "archive" if n % 3 == 0 else "unread"
        tags = "harbour|long read" if n % 4 == 0 else ""
        url = f"https://h{n}.example.com/a/{n}?x=1"
        lines.append(f"Article {n},{url},{1_600_000_000 + n},c,{tags},{status}")
    lines.append("Odd,https://example.com/%7Eodd,1600000000,c,,archive")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def catalog(home: Path) -> list[tuple[object, ...]]:
    """Every catalog row, its path relative to the home (two homes are compared)."""
    query = "SELECT path, id, content_hash, title, date, source, url, tags, words FROM articles"
    with open_library([]) as library, sqlite3.connect(library.catalog_path) as conn:
        found = [(Path(row[0]), *row[1:]) for row in conn.execute(query)]
    return sorted((row[0].relative_to(home), *row[1:]) for row in found if home in row[0].parents)


def imported(
    home: Path,
    export: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    query: str = "tag:harbour",
) -> tuple[list[tuple[object, ...]], str, list[tuple[str, bool]], list[str]]:
    """Import into a fresh home: its catalog, the JSON report, the read articles, a search."""
    monkeypatch.setenv("READER_HOME", str(home))
    assert main(["import", str(export), "--json"]) == 0
    report = capsys.readouterr().out
    with Store.open() as store:
        read = sorted((state.article_id, state.read) for state in store.reading_states())
    assert main(["search", query, "--json"]) == 0
    # Hits of equal score come in the index's own order, which differs from run to run.
    found = sorted(capsys.readouterr().out.replace(str(home), "HOME").splitlines())
    return catalog(home), report, read, found


def test_an_import_handing_over_gives_what_reading_back_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    export = pocket(tmp_path / "part_000000.csv", 40)
    calls = counting_loads(monkeypatch)
    handed = imported(tmp_path / "a", export, monkeypatch, capsys)
    # Only the file whose address the parser shows otherwise than written was read back.
    (read_back,) = [path for path in calls if path.parent.name == "web"]
    assert "%7Eodd" in read_back.read_text()
    monkeypatch.setattr(handoff, "parsed_rows", lambda written, texts=None, fronts=None: [])
    read_back = imported(tmp_path / "b", export, monkeypatch, capsys)
    assert handed == read_back
    assert len(handed[0]) == 41 and '"imported": 41' in handed[1]
    assert len(handed[2]) == 15 and len(handed[3]) == 10


def highlights() -> list[tuple[object, ...]]:
    with Store.open() as store:
        return sorted(
            (h.article_id, h.quote, h.prefix, h.suffix, h.block) for h in store.highlights()
        )


def test_a_kindle_import_handing_over_its_books_gives_what_reading_back_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.bench_import_kindle import kindle_clippings

    export = tmp_path / "My Clippings.txt"
    export.write_bytes(kindle_clippings(400, books=5))
    calls = counting_loads(monkeypatch)
    handed = [*imported(tmp_path / "a", export, monkeypatch, capsys, "ferry"), highlights()]
    assert [path for path in calls if path.parent.name == "books"] == []  # none read back
    monkeypatch.setattr(handoff, "parsed_rows", lambda written, texts=None, fronts=None: [])
    read_back = [*imported(tmp_path / "b", export, monkeypatch, capsys, "ferry"), highlights()]
    assert handed == read_back
    assert len(handed[0]) == 5 and len(handed[-1]) > 300
    assert any(block > 0 for *_, block in handed[-1])  # anchored in the books' blocks
