"""Property tests: any bytes at all load as a clean article or fail with a LoadError."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.models import Article
from reader.sources import LoadError, load_file

# Pieces that steer generated files into the interesting branches of every loader.
FRAGMENTS = [
    b"date 2024-06-01 ",
    b"BAKU, Azerbaijan, July 3. ",
    b"VALPARA\xc3\x8dSO, Chile, Feb. 3.",
    b"---\n",
    b"+++\n",
    b"title: ",
    b'title = "x"\n',
    b"date: 2024-13-45\n",
    b"tags: [a, b]\n",
    b"# ",
    b"> ",
    b"- ",
    b"1. ",
    b"```\n",
    b"*",
    b"**",
    b"[x](http://y)",
    b"<b>",
    b"&#27;",
    b"\n",
    b"\n\n",
    b"\r\n",
    b"\r",
    b" ",
    b"\t",
    b"Words and more words.",
    b"Dr. U.S. ",
    b"\x1b[31m",
    b"\x1b]0;t\x07",
    b"\x1b",
    b"\x00",
    b"\x9b",
    b"\xc2\x9b",
    b"\xe2\x80\x9c",
    b"\x92",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"[bold]",
    b"[/]",
]

ANY_BYTES = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(b"".join),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", errors="surrogatepass")),
)

FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("properties")


def strings_of(article: Article) -> Iterator[str]:
    meta = article.meta
    yield from (meta.title, meta.place or "", meta.source or "", meta.author or "")
    yield from (meta.url or "", *meta.tags)
    for block in article.blocks:
        yield block.text
        yield block.bullet
        yield from (mark.href or "" for mark in block.marks)


def check_loads_cleanly(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        article = load_file(path)
    except LoadError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert article.title
    assert article.blocks
    for text in strings_of(article):
        assert FORBIDDEN.search(text) is None, repr(text)
        assert "\r" not in text
    for block in article.blocks:
        for mark in block.marks:
            assert 0 <= mark.start < mark.end <= len(block.text)


@settings(deadline=1000, max_examples=150)
@given(data=ANY_BYTES)
def test_any_bytes_as_text(folder: Path, data: bytes) -> None:
    check_loads_cleanly(folder / "any.txt", data)


@settings(deadline=1000, max_examples=150)
@given(data=ANY_BYTES)
def test_any_bytes_as_markdown(folder: Path, data: bytes) -> None:
    check_loads_cleanly(folder / "any.md", data)


@given(st.lists(st.sampled_from(["a", ".b", ".", "..", "", "c d", "é"]), max_size=6))
def test_an_articles_path_is_what_abspath_gives(parts: list[str]) -> None:
    import os

    from reader.sources.loader import _absolute

    for text in ("/" + "/".join(parts), "/".join(parts) or "."):
        assert _absolute(Path(text)) == os.path.abspath(Path(text))
