"""Property tests: any bytes load as an HTML page or fail with a LoadError; Markdown escapes."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sources.common import collapse
from reader.sources.html import html_to_markdown
from reader.sources.markdown import parse_blocks
from tests.unit.test_sources_properties import ANY_BYTES, FORBIDDEN, check_loads_cleanly

# Pieces of markup, well-formed or not, that steer generated pages into the extractor's
# and the converter's branches.
TAGS = [
    "<html>",
    "<head><title>T</title></head>",
    "<body>",
    "<meta charset='cp1251'>",
    "<meta http-equiv='Content-Type' content='text/html; charset=utf-7'>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<article>",
    "<h1>",
    "<h2>",
    "</h2>",
    "<ul><li>",
    "<ol start='99999999999'><li>",
    "</li>",
    "<blockquote>",
    "<pre>",
    "<code>",
    "<b>",
    "<i>",
    "</b>",
    "<a href='/x'>",
    "<a href='javascript:x'>",
    "<a href='http://[bad'>",
    "</a>",
    "<br>",
    "<img alt='[x]'>",
    "<table><tr><td>",
    "<th>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<?xml version='1.0'?>",
    "<input type='password'>",
    "&amp;",
    "&#0;",
    "&bogus;",
    "<",
    ">",
    "Words of the article, a whole sentence of them.",
    "# - 1. * _ ` [ ] | ~ \\ =",
    "\x00",
    "\x1b[31m",
    "\u202e",
    " ",
    "\n",
]

PAGES = st.one_of(
    ANY_BYTES,
    st.lists(st.sampled_from(TAGS), max_size=80).map(lambda parts: "".join(parts).encode()),
)
FRAGMENTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(TAGS), max_size=60).map("".join),
)
# Text a person might write, Markdown syntax characters included.
PROSE = st.text(
    alphabet=st.sampled_from("abcXYZ019 .,;:!?'\"()[]{}<>#*_`~|\\-+=&/%@^$éжß—“”"),
    max_size=80,
)


# Inline elements nested at random around text full of syntax characters.
SNIPPET = st.text(alphabet=st.sampled_from("ab1 .:\"'*_-#([]`<&~\\"), max_size=6)
INLINE_TAGS = ["b", "i", "s", "em", "strong", "span", "a href='/x'"]


def _wrap(tag: str, children: list[tuple[str, str]]) -> tuple[str, str]:
    markup = "".join(child for child, _ in children)
    return f"<{tag}>{markup}</{tag.split()[0]}>", "".join(text for _, text in children)


INLINE = st.recursive(
    SNIPPET.map(lambda text: (html.escape(text), text)),
    lambda children: st.builds(_wrap, st.sampled_from(INLINE_TAGS), st.lists(children, max_size=4)),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("html-properties")


@settings(deadline=None, max_examples=80)
@given(data=PAGES)
def test_any_bytes_as_html(folder: Path, data: bytes) -> None:
    check_loads_cleanly(folder / "any.html", data)


@settings(deadline=None, max_examples=80)
@given(fragment=FRAGMENTS, base=st.sampled_from([None, "https://site.example/a/", "::bad"]))
def test_any_fragment_converts(fragment: str, base: str | None) -> None:
    markdown = html_to_markdown(fragment, base_url=base)
    assert isinstance(markdown, str)
    for block in parse_blocks(markdown):
        assert FORBIDDEN.search(block.text) is None, repr(block.text)
        for mark in block.marks:
            assert 0 <= mark.start < mark.end <= len(block.text)


@settings(deadline=None, max_examples=100)
@given(text=PROSE)
def test_text_survives_conversion_unchanged(text: str) -> None:
    blocks = parse_blocks(html_to_markdown(f"<p>{html.escape(text)}</p>"))
    expected = collapse(text)
    if not expected:
        assert blocks == ()
        return
    assert [(block.text, block.marks) for block in blocks] == [(expected, ())]


@settings(deadline=None, max_examples=150)
@given(pieces=st.lists(INLINE, max_size=4))
def test_nested_inline_markup_never_leaks_delimiters(pieces: list[tuple[str, str]]) -> None:
    markup = "".join(piece for piece, _ in pieces)
    text = "".join(text for _, text in pieces)
    blocks = parse_blocks(html_to_markdown(f"<p>{markup}</p>"))
    assert "\n".join(block.text for block in blocks) == collapse(text)


SIMPLE_PIECES = st.sampled_from(
    [*"ab é*#>-_`[]!|\\1.", " ", "\t", "\n", "\r", "\f", "\xa0", "\u2028", "\x85", "\x00"]
    + ["\x0b", "\x7f", "\x9f", "\ud800", "\ufffe", "<p>", "</p>", "<P>", "<b>", "&", "<"]
)


SIMPLE_TEXT = st.lists(SIMPLE_PIECES.filter(lambda piece: "<" not in piece), max_size=8).map(
    "".join
)
SIMPLE_FRAGMENTS = st.one_of(
    st.lists(SIMPLE_PIECES, max_size=24).map("".join),
    SIMPLE_TEXT,
    st.lists(st.tuples(SIMPLE_TEXT, st.sampled_from(["", "\n", " \r\n", "\xa0", "x"]))).map(
        lambda pairs: "".join(f"<p>{text}</p>{gap}" for text, gap in pairs)
    ),
)


@settings(max_examples=400)
@given(SIMPLE_FRAGMENTS)
def test_simple_fragments_convert_as_the_parse_and_walk_convert_them(fragment: str) -> None:
    from reader.sources.decode import strip_controls
    from reader.sources.html_markdown import markdown_from_tree, parse_html

    data = strip_controls(fragment).encode("utf-8", errors="replace")
    root = parse_html(data) if data.strip() else None
    walked = "" if root is None else markdown_from_tree(root)
    assert html_to_markdown(fragment) == walked


def test_paragraphs_of_text_take_the_quick_path() -> None:
    from reader.sources.html_markdown import _simple_paragraphs

    assert (
        _simple_paragraphs("<p>One *two*</p>\n<p> 1. three </p>") == "One \\*two\\*\n\n1\\. three"
    )
    assert _simple_paragraphs("<p>One <b>two</b></p>") is None
