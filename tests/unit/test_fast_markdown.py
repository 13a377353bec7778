"""The fast Markdown path gives exactly markdown-it's blocks, or declines."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.models import Block, BlockKind, Mark, MarkKind
from reader.sources.html_markdown import html_to_markdown
from reader.sources.markdown import markdown_it_blocks, parse_blocks
from reader.sources.md_fast import fast_blocks

# The document strategy is deep; its repr (only shown on failure) is large, not wrong.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(markdown: str, *, accepted: bool | None = None) -> tuple[Block, ...] | None:
    """Assert the fast path agrees with markdown-it or declines; `accepted` says which."""
    fast = fast_blocks(markdown)
    if accepted is not None:
        assert (fast is not None) == accepted, markdown
    if fast is not None:
        assert fast == markdown_it_blocks(markdown), markdown
    return fast


# Strategies: the grammar the fast path reads, and near misses around it ---------------

WORDS = st.sampled_from(
    ["word", "Über", "naïve", "日本語", "x1", "2020", "e.g.", "foo_bar", "a-b", "it's", "50%"]
)
PUNCT = st.sampled_from(list(",.;:?!'\"()/-+=%$@^{}|") + ["…", "—", "«", "»", "€", "\u00a0"])
ESCAPED = st.sampled_from([f"\\{c}" for c in "\\`*_[]<>#|~!&()-+.=:"] + ["\\a", "\\é"])
URLS = st.sampled_from(
    [
        "http://example.com/",
        "https://example.com/a/b?c=1&d=2#frag",
        "/relative/path",
        "mailto:someone@example.com",
        "https://example.com/%20space",
        "https://EXAMPLE.com/",
        "https://example.com/a%2",
        "https://exämple.com/",
        "javascript:alert(1)",
        "https://example.com/a_b*c",
        "https://example.com/~user/",
        "https://example.com/%41%2f?x='y'&z=*_",
        "https://example.com/a;b,c@d$e+f!g",
        "//example.com/x",
        "#fragment",
        "HTTP://Example.COM/",
        "data:text/plain,hi",
    ]
)
AUTOLINKS = st.sampled_from(
    [
        "<https://example.com/a?b=1>",
        "<http://example.com/>",
        "<HTTP://EXAMPLE.COM/>",
        "<mailto:someone@example.com>",
        "<someone@example.com>",
        "<https://exämple.com/>",
        "<https://example.com/%zz>",
        "<javascript:alert(1)>",
        "<ul:x>",
        "<pre:x>",
        "<p>",
        "<a href=x>",
        "<https://example.com/ a>",
    ]
)
NEAR_MISS = st.sampled_from(
    ["*", "_", "**", "__", "~", "~~", "~~~", "***", "[", "]", "!", "<", "&", "`", "``", "\\", "#"]
)


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        inner.map(lambda text: f"*{text}*"),
        inner.map(lambda text: f"**{text}**"),
        inner.map(lambda text: f"_{text}_"),
        inner.map(lambda text: f"~~{text}~~"),
        st.tuples(inner, URLS).map(lambda pair: f"[{pair[0]}]({pair[1]})"),
    )


def _code_span() -> st.SearchStrategy[str]:
    content = st.text(st.sampled_from("ab <>*_[]`\\ "), min_size=1, max_size=6)
    return st.tuples(content, st.sampled_from(["`", "``"])).map(
        lambda pair: f"{pair[1]}{pair[0]}{pair[1]}"
    )


PLAIN_ATOM = st.one_of(
    WORDS, ESCAPED, st.sampled_from([",", ".", "?", "(", ")", ":", "<https://example.com/a?b>"])
)


def _inline(atoms: st.SearchStrategy[str], joins: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    inner = st.lists(st.one_of(atoms, atoms, _code_span()), min_size=1, max_size=4).map(" ".join)
    piece = st.one_of(atoms, atoms, _wrap(inner), _wrap(_wrap(inner)), _code_span())
    return st.lists(st.tuples(piece, joins), min_size=1, max_size=8).map(
        lambda parts: "".join(text + join for text, join in parts).strip(" \n\\")
    )


PLAIN_INLINE = st.lists(PLAIN_ATOM, min_size=1, max_size=10).map(" ".join)
INLINE = _inline(
    st.one_of(WORDS, WORDS, PUNCT, ESCAPED, NEAR_MISS, AUTOLINKS),
    st.sampled_from([" ", " ", " ", "", "\n", "\\\n", "\n  ", "\n    "]),
)


def _blocks(inline: st.SearchStrategy[str], indents: list[str]) -> st.SearchStrategy[str]:
    line = inline.filter(lambda text: text.strip() == text and "\n" not in text and text)
    heading = st.tuples(st.integers(1, 6), line).map(lambda pair: "#" * pair[0] + " " + pair[1])
    body = st.text(st.sampled_from("ab <>*\n`  "), max_size=20).filter(lambda t: "```" not in t)
    code = body.map(
        lambda body: "```\n" + "\n".join(row.rstrip(" ") for row in body.split("\n")) + "\n```"
    )
    leaves = st.one_of(inline, inline, heading, code, st.sampled_from(["---", "***", "___"]))

    def containers(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        quote = children.map(
            lambda text: "\n".join("> " + row if row else ">" for row in text.split("\n"))
        )
        marker = st.sampled_from(["-", "*", "+", "1.", "2.", "1)", "10."])
        items = st.lists(children, min_size=1, max_size=3)
        return st.one_of(
            quote, st.tuples(marker, items, st.sampled_from(["\n", "\n\n"])).map(_list)
        )

    indented = st.tuples(st.sampled_from(indents), leaves).map("".join)
    block = st.recursive(indented, containers, max_leaves=6)
    return st.lists(block, min_size=1, max_size=5).map("\n\n".join)


def _list(parts: tuple[str, list[str], str]) -> str:
    marker, items, gap = parts
    out = []
    for number, item in enumerate(items):
        mark = marker if not marker[0].isdigit() else f"{int(marker[:-1]) + number}{marker[-1]}"
        pad = " " * (len(mark) + 1)
        rows = item.split("\n")
        out.append(mark + " " + "\n".join([rows[0], *(pad + r if r else "" for r in rows[1:])]))
    return gap.join(out)


# A list item opening with `---` is a rule of dashes and bullets: not the plain grammar.
PLAIN_DOCUMENT = _blocks(PLAIN_INLINE, [""]).filter(
    lambda text: re.search(r"[-*+.)] (?:---|\*\*\*|___)$", text, re.MULTILINE) is None
)
DOCUMENT = _blocks(INLINE, ["", "", "", " ", "   ", "    "])
# Raw near-misses: any mix of Markdown's syntax characters, lines and indentation.
NOISE = st.text(st.sampled_from("ab *_~`[]()<>!#\\-+=|:.1\n\t>&;é\u00a0"), max_size=60)


# Properties --------------------------------------------------------------------------


@SETTINGS
@given(DOCUMENT)
def test_documents_read_as_markdown_it_reads_them(markdown: str) -> None:
    check(markdown)


@SETTINGS
@given(NOISE)
def test_near_misses_agree_or_decline(markdown: str) -> None:
    check(markdown)


@SETTINGS
@given(INLINE)
def test_inline_markup_agrees_or_declines(markdown: str) -> None:
    check(markdown)


@SETTINGS
@given(PLAIN_DOCUMENT)
def test_plain_documents_are_accepted(markdown: str) -> None:
    check(markdown, accepted=True)


@SETTINGS
@given(st.lists(PLAIN_INLINE, min_size=1, max_size=5))
def test_plain_paragraphs_are_accepted(paragraphs: list[str]) -> None:
    check("\n\n".join(paragraphs), accepted=True)


# The converter's Markdown ----------------------------------------------------------------

TEXT = st.sampled_from(
    [
        "plain words",
        " spaced ",
        "a*b",
        "snake_case",
        "[x]",
        "1. not a list",
        "# no",
        "<tag>",
        "a & b",
        "&amp;",
        "50% off",
        "x|y",
        "`tick`",
        "back\\slash",
        "~tilde~",
        "Über naïve",
    ]
)


def _html() -> st.SearchStrategy[str]:
    def wrap(tag: str) -> st.SearchStrategy[str]:
        return st.lists(inline, min_size=1, max_size=3).map(
            lambda parts: f"<{tag}>{''.join(parts)}</{tag.split()[0]}>"
        )

    inline = st.recursive(
        st.one_of(TEXT, st.just("<br>")),
        lambda children: st.one_of(
            *(
                st.lists(children, min_size=1, max_size=3).map(
                    lambda parts, tag=tag: f"<{tag}>{''.join(parts)}</{tag.split()[0]}>"
                )
                for tag in ("em", "strong", "code", "s", 'a href="http://e.com/p?q=1"', "span")
            )
        ),
        max_leaves=6,
    )
    block = st.one_of(
        wrap("p"),
        wrap("h2"),
        wrap("blockquote"),
        wrap("pre"),
        st.just("<hr>"),
        st.lists(wrap("li"), min_size=1, max_size=3).map(
            lambda items: f"<ul>{''.join(items)}</ul>"
        ),
        st.lists(wrap("li"), min_size=1, max_size=3).map(
            lambda items: f"<ol>{''.join(items)}</ol>"
        ),
    )
    return st.lists(block, min_size=1, max_size=5).map("".join)


@SETTINGS
@given(_html())
def test_converter_output_agrees_or_declines(html: str) -> None:
    check(html_to_markdown(html, base_url="http://e.com/"))


CONVERTED = [
    "<p>Plain <em>emphasis</em>, <strong>strong</strong> and <code>code</code>.</p>",
    '<p>A <a href="/x?a=1&amp;b=2">link</a> and <a href="http://e.com/">another</a>.</p>',
    "<h2>Heading</h2><p>One<br>two</p><hr><blockquote><p>Quoted</p></blockquote>",
    "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><ol start=3><li>three</li></ol>",
    "<p>Escapes: * _ [ ] # 1. | \\ ` ~ &lt;b&gt;</p><pre>code\n  block</pre>",
    "<p><s>gone</s> <i>it</i><b>bold</b> <em><strong>both</strong></em></p>",
]


@pytest.mark.parametrize("html", CONVERTED)
def test_the_converters_common_forms_are_accepted(html: str) -> None:
    assert check(html_to_markdown(html, base_url="http://e.com/"), accepted=True)


# Examples -------------------------------------------------------------------------------


def test_marks_and_kinds_come_out_as_markdown_it_gives_them() -> None:
    blocks = check(
        "# Title\n\nSome *em* and [a **b**](http://e.com/) `c`\nnext\\\nline\n\n"
        "> quoted\n\n1. one\n2. two\n\n   more\n\n---\n\n```\nx\n```",
        accepted=True,
    )
    assert blocks is not None
    assert [block.kind for block in blocks] == [
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
        BlockKind.QUOTE,
        BlockKind.LIST_ITEM,
        BlockKind.LIST_ITEM,
        BlockKind.LIST_ITEM,
        BlockKind.RULE,
        BlockKind.CODE,
    ]
    assert blocks[1].text == "Some em and a b c next\nline"
    assert blocks[1].marks == (
        Mark(5, 7, MarkKind.EMPHASIS),
        Mark(12, 15, MarkKind.LINK, "http://e.com/"),
        Mark(14, 15, MarkKind.STRONG),
        Mark(16, 17, MarkKind.CODE),
    )
    assert [block.bullet for block in blocks[3:6]] == ["1.", "2.", ""]


@pytest.mark.parametrize(
    "markdown",
    [
        "<b>html</b>",
        "<someone@example.com>",
        "<https://exämple.com/>",
        "[ref]\n\n[ref]: http://e.com/",
        "a | b\n--|--\n1 | 2",
        "Setext\n---",
        "Setext\n===",
        "> quote\nlazy",
        "- item\nlazy",
        "&amp; entity",
        "tab\there",
        "    indented code",
        "***triple***",
        "*a **b* c**",
        "![image](http://e.com/i.png)",
        "[link](<http://e.com/>)",
        '[link](http://e.com/ "title")',
        "[link](http://e.com/a b)",
        "[link](http://exämple.com/)",
        "hard  \nbreak",
    ],
)
def test_forms_outside_the_grammar_decline(markdown: str) -> None:
    check(markdown, accepted=False)


def test_parse_blocks_uses_the_fast_path_and_falls_back() -> None:
    assert parse_blocks("plain *text*") == markdown_it_blocks("plain *text*")
    assert parse_blocks("<b>html</b> text") == markdown_it_blocks("<b>html</b> text")


def test_autolinks_read_as_links() -> None:
    blocks = check("*Not fetched yet.*\n\n<https://e.com/a?b=1> and more", accepted=True)
    assert blocks is not None
    assert blocks[1].text == "https://e.com/a?b=1 and more"
    assert blocks[1].marks == (Mark(0, 19, MarkKind.LINK, "https://e.com/a?b=1"),)


PLAIN_NOISE = st.lists(
    st.text(st.sampled_from("ab .,1#>-=:|&*\\\t\r\x0c\u00a0\u2028é"), max_size=12),
    min_size=1,
    max_size=4,
).map(lambda chunks: "\n".join(chunks).replace("\t\t", "\n\n"))


@SETTINGS
@given(PLAIN_NOISE)
def test_text_taken_for_plain_paragraphs_reads_as_markdown_it_reads_it(markdown: str) -> None:
    from reader.sources.md_fast import _plain_paragraphs

    plain = _plain_paragraphs(markdown)
    if plain is not None:
        assert plain == markdown_it_blocks(markdown), markdown


def test_one_line_paragraphs_of_words_take_the_plain_path() -> None:
    from reader.sources.md_fast import _plain_paragraphs

    text = "\nFirst words, then more.\n\nSecond: naïve café (2 of 3).\n"
    expected = (
        Block(BlockKind.PARAGRAPH, "First words, then more."),
        Block(BlockKind.PARAGRAPH, "Second: naïve café (2 of 3)."),
    )
    assert _plain_paragraphs(text) == expected
    assert _plain_paragraphs(text.replace("more.", "more.\n")) is None  # a blank line's run
