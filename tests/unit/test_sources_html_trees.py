"""Property tests: random nested pages keep every word of their text and never crash."""

from __future__ import annotations

import html
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sources import LoadError
from reader.sources.html import extract_page, html_to_markdown
from reader.sources.markdown import parse_blocks

# Words full of the characters Markdown reads as syntax, and of text from other scripts.
WORD = st.text(
    alphabet=st.sampled_from("ab19.*_`[]<>#|+-!\\&;()~=:é中ب😀\u200b"),
    min_size=1,
    max_size=6,
).filter(lambda word: word.strip() == word)
TEXT = st.lists(WORD, max_size=4).map(" ".join)

BLOCK_TAGS = ["p", "li", "h2", "blockquote", "div", "ul", "ol", "pre", "table", "tr", "td"]
INLINE_TAGS = ["b", "i", "em", "span", "code", "a", "s", "sub", "q", "font"]
ATTRIBUTES = [
    "",
    " href='/x y(1)'",
    " href='https://site.example/a_(b)'",
    " href='javascript:x'",
    " href=''",
    " class='c' id='i'",
    " dir='rtl'",
    " start='3'",
]
# Elements whose text must reach the output.
KEPT = frozenset({"p", "li", "h2", "blockquote"})


@dataclass(frozen=True)
class Node:
    tag: str
    attributes: str
    children: tuple[Node | str, ...]

    def markup(self) -> str:
        inner = "".join(
            html.escape(child) if isinstance(child, str) else child.markup()
            for child in self.children
        )
        if self.tag == "br":
            return "<br>"
        if self.tag == "img":
            return f"<img alt='{inner}'>"
        return f"<{self.tag}{self.attributes}>{inner}</{self.tag}>"


def _node(tag: str, attributes: str, children: list[Node | str]) -> Node:
    return Node(tag, attributes, tuple(children))


NODES = st.recursive(
    st.one_of(TEXT, st.builds(_node, st.sampled_from(["br", "img"]), st.just(""), st.just([]))),
    lambda children: st.builds(
        _node,
        st.sampled_from(BLOCK_TAGS + INLINE_TAGS),
        st.sampled_from(ATTRIBUTES),
        st.lists(children, max_size=4),
    ),
    max_leaves=25,
)
TREES = st.lists(NODES, min_size=1, max_size=4)


def kept_words(node: Node | str, inside: bool) -> list[str]:
    """Words of text that sits inside a paragraph, list item, heading or quote."""
    if isinstance(node, str):
        return node.split() if inside else []
    if node.tag == "img":
        return []
    inside = inside or node.tag in KEPT
    return [word for child in node.children for word in kept_words(child, inside)]


def markup_of(tree: list[Node | str]) -> str:
    return "".join(html.escape(node) if isinstance(node, str) else node.markup() for node in tree)


@settings(deadline=None, max_examples=200)
@given(tree=TREES)
def test_no_word_of_the_text_is_lost(tree: list[Node | str]) -> None:
    blocks = parse_blocks(html_to_markdown(markup_of(tree)))
    shown = "\n".join(block.text for block in blocks)
    for node in tree:
        for word in kept_words(node, False):
            assert word in shown, (word, shown)


@settings(deadline=None, max_examples=50)
@given(tree=TREES, title=TEXT)
def test_random_pages_extract_or_refuse(tree: list[Node | str], title: str) -> None:
    page = (
        f"<html><head><title>{html.escape(title)}</title></head>"
        f"<body><article>{markup_of(tree)}</article></body></html>"
    ).encode()
    try:
        extracted = extract_page(page, url="https://site.example/a")
    except LoadError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert extracted.markdown
    parse_blocks(extracted.markdown)
