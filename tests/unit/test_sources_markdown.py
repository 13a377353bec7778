"""Markdown: front matter (YAML, TOML, none, bad), title and date fallbacks, blocks, marks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.models import Block, BlockKind, Mark, MarkKind
from reader.sources import load_file
from reader.web.save import Draft, url_key, write_draft


def write(folder: Path, text: str, name: str = "post.md") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def marked(block: Block, kind: MarkKind) -> list[str]:
    return [block.text[mark.start : mark.end] for mark in block.marks if mark.kind is kind]


YAML_POST = """---
title: "The Station Above the Chip Shop"
date: 2024-06-01
author: Bríd Ní Fhloinn
tags: [Culture, media]
source: The Long Wave Letter
url: https://example.org/station
layout: post
---

At six o’clock every weekday morning, the kettle goes on.
"""


def test_yaml_front_matter(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, YAML_POST))
    meta = article.meta
    assert meta.format == "markdown"
    assert meta.title == "The Station Above the Chip Shop"
    assert meta.date == date(2024, 6, 1)
    assert meta.author == "Bríd Ní Fhloinn"
    assert meta.tags == ("culture", "media")
    assert meta.source == "The Long Wave Letter"
    assert meta.url == "https://example.org/station"
    assert [block.text for block in article.blocks] == [
        "At six o’clock every weekday morning, the kettle goes on."
    ]


def test_toml_front_matter(tmp_path: Path) -> None:
    text = (
        '+++\ntitle = "Night Trains"\ndate = 2025-05-30T10:00:00Z\ntags = "Rail, Travel"\n+++\n'
        "\nBody.\n"
    )
    meta = load_file(write(tmp_path, text)).meta
    assert meta.title == "Night Trains"
    assert meta.date == date(2025, 5, 30)
    assert meta.tags == ("rail", "travel")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'2024-06-01'", date(2024, 6, 1)),
        ("2024-06-01T10:00:00Z", date(2024, 6, 1)),
        ("2024-06-01 10:00:00", date(2024, 6, 1)),
        ("'June 1st'", None),
        ("[1, 2]", None),
    ],
)
def test_front_matter_dates(tmp_path: Path, value: str, expected: date | None) -> None:
    text = f"---\ntitle: T\ndate: {value}\n---\nBody.\n"
    assert load_file(write(tmp_path, text, "post.md")).meta.date == expected


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: [unclosed\n---\n",
        "---\n- just\n- a list\n---\n",
        "+++\ntitle = = broken\n+++\n",
        "---\ndate: 2024-13-45\n---\n",
    ],
)
def test_bad_front_matter_is_no_front_matter(tmp_path: Path, front: str) -> None:
    article = load_file(write(tmp_path, front + "\n# Heading Title\n\nBody text.\n", "my-post.md"))
    assert article.meta.format == "markdown"
    assert article.title == "Heading Title"
    assert article.meta.tags == ()
    assert "Body text." in [block.text for block in article.blocks]


def test_nested_values_are_not_stringified(tmp_path: Path) -> None:
    text = "---\ntitle: {a: 1}\nauthor: [Ann, Bo]\ntags: [{x: 1}, Real]\n---\nBody.\n"
    meta = load_file(write(tmp_path, text, "fallback-name.md")).meta
    assert meta.title == "Fallback name"
    assert meta.author == "Ann, Bo"
    assert meta.tags == ("real",)


def test_escapes_in_front_matter_are_stripped(tmp_path: Path) -> None:
    text = '---\ntitle: "Red\\e[31m alert\\0"\n---\nBody.\n'
    assert load_file(write(tmp_path, text)).meta.title == "Red alert"


def test_heading_title_is_not_repeated(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "# The Quiet Room\n\nFirst paragraph.\n\n## Part two\n"))
    assert article.title == "The Quiet Room"
    assert [(block.kind, block.text) for block in article.blocks] == [
        (BlockKind.PARAGRAPH, "First paragraph."),
        (BlockKind.HEADING, "Part two"),
    ]
    assert article.blocks[1].level == 2


def test_front_matter_title_drops_an_identical_heading(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "---\ntitle: Same\n---\n# same\n\nText.\n"))
    assert [block.text for block in article.blocks] == ["Text."]


def test_file_name_title_and_date(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "Just a paragraph.\n", "2024-10-05-borrow-tomatoes.md"))
    assert article.title == "Borrow tomatoes"
    assert article.meta.date == date(2024, 10, 5)


def test_markdown_suffix(tmp_path: Path) -> None:
    article = load_file(write(tmp_path, "Text.\n", "note.markdown"))
    assert article.meta.format == "markdown"


def test_inline_marks(tmp_path: Path) -> None:
    text = "Some *soft* and **bold** with `code`, ~~gone~~ and [a link](https://x.org/a).\n"
    block = load_file(write(tmp_path, text)).blocks[0]
    assert block.text == "Some soft and bold with code, gone and a link."
    assert marked(block, MarkKind.EMPHASIS) == ["soft"]
    assert marked(block, MarkKind.STRONG) == ["bold"]
    assert marked(block, MarkKind.CODE) == ["code"]
    assert marked(block, MarkKind.STRIKE) == ["gone"]
    assert marked(block, MarkKind.LINK) == ["a link"]
    link = next(mark for mark in block.marks if mark.kind is MarkKind.LINK)
    assert link.href == "https://x.org/a"


def test_nested_marks(tmp_path: Path) -> None:
    block = load_file(write(tmp_path, "***both*** end\n")).blocks[0]
    assert block.text == "both end"
    assert {mark.kind for mark in block.marks} == {MarkKind.EMPHASIS, MarkKind.STRONG}
    assert all((mark.start, mark.end) == (0, 4) for mark in block.marks)


def test_lists(tmp_path: Path) -> None:
    text = "- one\n- two\n  - nested **deep**\n\n3. three\n4. four\n\n1) paren\n"
    blocks = load_file(write(tmp_path, text)).blocks
    assert [(b.kind, b.text, b.level, b.bullet) for b in blocks] == [
        (BlockKind.LIST_ITEM, "one", 0, "•"),
        (BlockKind.LIST_ITEM, "two", 0, "•"),
        (BlockKind.LIST_ITEM, "nested deep", 1, "•"),
        (BlockKind.LIST_ITEM, "three", 0, "3."),
        (BlockKind.LIST_ITEM, "four", 0, "4."),
        (BlockKind.LIST_ITEM, "paren", 0, "1)"),
    ]
    assert blocks[2].marks == (Mark(7, 11, MarkKind.STRONG),)


def test_loose_list_item_continues_without_bullet(tmp_path: Path) -> None:
    text = "- first\n\n  more of first\n- second\n\nAfter.\n"
    blocks = load_file(write(tmp_path, text)).blocks
    assert [(b.kind, b.text, b.bullet) for b in blocks] == [
        (BlockKind.LIST_ITEM, "first", "•"),
        (BlockKind.LIST_ITEM, "more of first", ""),
        (BlockKind.LIST_ITEM, "second", "•"),
        (BlockKind.PARAGRAPH, "After.", ""),
    ]


def test_quotes_code_and_rules(tmp_path: Path) -> None:
    text = (
        "> quoted *words*\n> > deeper\n\n"
        "```python\nx = 1\n\n    y = [2]\n```\n\n---\n\n    indented\n"
    )
    blocks = load_file(write(tmp_path, text)).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.QUOTE, "quoted words"),
        (BlockKind.QUOTE, "deeper"),
        (BlockKind.CODE, "x = 1\n\n    y = [2]"),
        (BlockKind.RULE, ""),
        (BlockKind.CODE, "indented"),
    ]


def test_images_become_alt_text_and_html_is_text(tmp_path: Path) -> None:
    text = (
        "See ![a *red* door](door.png) <b>now</b>.\n\n"
        "<div>\n<p>Block &amp; <i>html</i></p><script>alert(1)</script>\n</div>\n"
    )
    blocks = load_file(write(tmp_path, text)).blocks
    assert [block.text for block in blocks] == ["See a red door now.", "Block & html"]


def test_tables_become_rows(tmp_path: Path) -> None:
    text = "| City | Rain |\n|---|---|\n| Lima | *low* |\n"
    blocks = load_file(write(tmp_path, text)).blocks
    assert [block.text for block in blocks] == ["City | Rain", "Lima | low"]
    assert marked(blocks[0], MarkKind.STRONG) == ["City | Rain"]
    assert marked(blocks[1], MarkKind.EMPHASIS) == ["low"]


def test_markup_like_text_stays_literal(tmp_path: Path) -> None:
    block = load_file(write(tmp_path, "Say \\[bold]x\\[/bold] and [/] or [link=x].\n")).blocks[0]
    assert block.text == "Say [bold]x[/bold] and [/] or [link=x]."
    assert block.marks == ()


def test_front_matter_only_is_refused(tmp_path: Path) -> None:
    from reader.sources import LoadError

    with pytest.raises(LoadError, match="no article text"):
        load_file(write(tmp_path, "---\ntitle: Empty\n---\n\n"))


def test_syntax_dense_document_is_shown_as_plain_paragraphs(tmp_path: Path) -> None:
    # GIVEN a document that is mostly inline syntax (parsing it would take seconds)
    text = "# Heading\n\n" + "**bold** [x] " * 5000
    # THEN it is shown as plain text rather than parsed
    blocks = load_file(write(tmp_path, text)).blocks
    assert blocks[0].text == "# Heading"
    assert blocks[1].text.startswith("**bold** [x] **bold**")
    assert all(block.kind is BlockKind.PARAGRAPH and not block.marks for block in blocks)


def test_a_page_saved_without_a_date_says_its_date_is_the_save_date(tmp_path: Path) -> None:
    saved = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    undated = write_draft(
        Draft("No date here", "Body.", saved=saved), tmp_path, url_key("https://a.example/1")
    ).path
    dated = Draft("Dated", "Body.", date=date(2026, 11, 5), saved=saved)
    article = load_file(undated)
    assert article.meta.date == date(2026, 12, 2) and article.date_saved
    article = load_file(write_draft(dated, tmp_path, url_key("https://a.example/2")).path)
    assert article.meta.date == date(2026, 11, 5) and not article.date_saved
    # A date from the file name alone is the author's own naming, not a save date.
    plain = write(tmp_path, "Just text.", name="2026-12-02-notes.md")
    assert load_file(plain).meta.date == date(2026, 12, 2) and not load_file(plain).date_saved


@given(st.text(alphabet=st.sampled_from("ab \n[]*_`<>&|\\!~é—")))
def test_the_syntax_count_is_the_same_for_ascii_and_other_text(text: str) -> None:
    from reader.sources.markdown import _INLINE_SYNTAX, syntax_count

    assert syntax_count(text) == sum(text.count(char) for char in _INLINE_SYNTAX)


@given(st.text(alphabet=st.sampled_from("ab 1.-+\n\\`*_[]<>#|~&;é")))
def test_text_is_escaped_the_same_with_or_without_the_quick_check(text: str) -> None:
    from reader.sources.md_inline import _ESCAPE, escape_text

    # The quick check for text with nothing to escape gives what the substitution gives.
    assert escape_text(text) == _ESCAPE.sub(lambda found: "\\" + found.group(0), text)


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x1f\xa0\u2003é")))
def test_text_is_collapsed_the_same_with_or_without_the_quick_check(text: str) -> None:
    from reader.sources.common import collapse

    assert collapse(text) == " ".join(text.split())


def _digest_by_words(text: str) -> tuple[str, int]:
    """The content hash as the words of the NFC, casefolded text, one space between."""
    import hashlib
    import unicodedata

    words = unicodedata.normalize("NFC", text).casefold().split()
    normal = " ".join(words).encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(normal).hexdigest()[:16], len(words)


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("aB Z9\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0éÉ\u0301")),
        max_size=4,
    )
)
def test_a_body_hashes_the_same_with_or_without_the_quick_path(texts: list[str]) -> None:
    from reader.models import Block, BlockKind
    from reader.sources.common import body_digest

    blocks = tuple(Block(BlockKind.PARAGRAPH, text) for text in texts)
    assert body_digest(blocks) == _digest_by_words("\n".join(texts))
