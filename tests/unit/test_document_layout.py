"""Tests of the reading pane's layout: wrapping, centring, block styles, marks and offsets."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind
from reader.render import format_date
from reader.ui.document import (
    NO_BLOCK,
    QUOTE_BAR,
    TRUNCATED_NOTICE,
    DocumentLayout,
    DocumentStyles,
    Role,
    block_at,
    body_column,
    layout_article,
    meta_line,
    safe_href,
)
from reader.ui.wrap import sanitise, wrap

WORDS = "Ministers opened talks on a new railway link across the Caspian region on Saturday."


def article(*blocks: Block, truncated: bool = False, **meta: object) -> Article:
    """An article with the given blocks and metadata."""
    fields: dict[str, object] = {"id": "a1", "path": "a.txt", "title": "A title"} | meta
    return Article(ArticleMeta(**fields), blocks, truncated=truncated)  # type: ignore[arg-type]


def para(text: str, *marks: Mark) -> Block:
    return Block(BlockKind.PARAGRAPH, text, marks=marks)


def body(layout: DocumentLayout) -> list[int]:
    """Indices of the lines that belong to a block."""
    return [i for i, line in enumerate(layout.lines) if line.block != NO_BLOCK]


def plain(layout: DocumentLayout, index: int) -> str:
    return layout.text(index).plain


def styles_at(text: Text, offset: int) -> list[str]:
    """The spans' styles covering character `offset` of `text`, as strings."""
    return [str(span.style) for span in text.spans if span.start <= offset < span.end]


class TestWrap:
    def test_breaks_on_spaces_within_width(self) -> None:
        spans = wrap(WORDS, 20)
        lines = [WORDS[a:b] for a, b in spans]
        assert all(cell_len(line) <= 20 for line in lines)
        assert " ".join(lines) == WORDS
        assert lines[0] == "Ministers opened"

    def test_word_longer_than_width_is_split(self) -> None:
        text = "x" * 50 + " end"
        assert [text[a:b] for a, b in wrap(text, 20)] == ["x" * 20, "x" * 20, "x" * 10 + " end"]

    def test_newline_forces_a_break(self) -> None:
        text = "one\ntwo three"
        assert [text[a:b] for a, b in wrap(text, 40)] == ["one", "two three"]

    @pytest.mark.parametrize("width", [0, -3, 1])
    def test_zero_or_negative_width_wraps_at_one_cell(self, width: int) -> None:
        assert [WORDS[a:b] for a, b in wrap(WORDS, width)][:3] == ["M", "i", "n"]

    def test_cjk_characters_count_two_cells(self) -> None:
        text = "日本語のテキストです" * 3
        lines = [text[a:b] for a, b in wrap(text, 9)]
        assert all(cell_len(line) <= 9 for line in lines)
        assert lines[0] == "日本語の"
        assert "".join(lines) == text

    def test_wide_character_in_one_cell_still_progresses(self) -> None:
        assert wrap("日本", 1) == [(0, 1), (1, 2)]

    def test_wide_text_without_spaces_runs_on_from_the_line(self) -> None:
        text = "go 🙂🙂🙂 now"
        lines = [text[a:b] for a, b in wrap(text, 5)]
        assert lines == ["go 🙂", "🙂🙂", "now"]

    def test_empty_and_blank_text_give_no_lines(self) -> None:
        assert wrap("", 10) == []
        assert wrap("   \n  ", 10) == []

    @given(st.text(alphabet="ab é日 🙂\n", max_size=80), st.integers(min_value=1, max_value=12))
    def test_keeps_every_visible_character_in_order(self, text: str, width: int) -> None:
        spans = wrap(text, width)
        kept = "".join(text[a:b] for a, b in spans)
        assert kept.replace(" ", "") == text.replace(" ", "").replace("\n", "")
        for a, b in spans:
            assert b - a == 1 or cell_len(text[a:b]) <= width
            assert a <= b and text[a:b] == text[a:b].strip(" ")


class TestSanitise:
    def test_escape_sequences_become_visible_one_for_one(self) -> None:
        text = "red \x1b[31mtext\x07 and \x9b bytes"
        clean = sanitise(text)
        assert len(clean) == len(text)
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in clean)

    def test_tabs_become_spaces_unless_kept(self) -> None:
        assert sanitise("a\tb") == "a b"
        assert sanitise("a\tb", keep_tabs=True) == "a\tb"


class TestColumn:
    @pytest.mark.parametrize(
        ("width", "measure", "expected"),
        [(200, 72, (72, 64)), (74, 72, (72, 1)), (50, 72, (48, 1)), (3, 72, (1, 1)),
         (1, 72, (1, 0)), (0, 72, (1, 0)), (100, 40, (40, 30))],
    )  # fmt: skip
    def test_body_column_and_margin(
        self, width: int, measure: int, expected: tuple[int, int]
    ) -> None:
        assert body_column(width, measure) == expected

    def test_body_is_wrapped_at_the_measure_and_centred(self) -> None:
        layout = layout_article(article(para(WORDS * 10)), 200)
        assert (layout.column, layout.margin) == (72, 64)
        widths = [cell_len(plain(layout, i)) for i in body(layout)]
        assert max(widths) <= 72 and max(widths) > 60

    def test_narrow_pane_wraps_to_its_width(self) -> None:
        layout = layout_article(article(para(WORDS * 3)), 30, measure=72)
        assert all(cell_len(plain(layout, i)) <= 28 for i in range(len(layout)))


class TestHeader:
    def test_title_meta_tags_rule_then_blank(self) -> None:
        art = article(
            para("Body."),
            title="Talks open",
            date=date(2025, 7, 3),
            place="Baku",
            author="A. Writer",
            words=920,
            tags=("politics", "rail"),
        )
        layout = layout_article(art, 80)
        roles = [line.role for line in layout.lines[:6]]
        assert roles == [Role.TITLE, Role.META, Role.TAGS, Role.RULE, Role.BLANK, Role.PARAGRAPH]
        assert plain(layout, 0) == "Talks open"
        assert styles_at(layout.text(0), 0) == [str(DocumentStyles().title)]
        assert plain(layout, 1) == "3 July 2025 · Baku · A. Writer · 4 min read"
        assert plain(layout, 2) == "#politics  #rail"
        assert plain(layout, 3) == "─" * layout.column

    def test_meta_falls_back_to_source_and_skips_missing_parts(self) -> None:
        assert meta_line(article(source="The Wire")) == "The Wire · 1 min read"

    def test_date_is_written_in_full(self) -> None:
        assert format_date(date(2024, 12, 25)) == "25 December 2024"

    def test_title_and_tags_lose_escapes_and_bidi_overrides(self) -> None:
        art = article(title="Invoice \u202egnp.exe\x1b]2;x\x07", tags=("a\u2066b",))
        layout = layout_article(art, 80)
        assert plain(layout, 0) == "Invoice gnp.exe"
        assert plain(layout, 2) == "#ab"

    def test_long_title_wraps(self) -> None:
        layout = layout_article(article(title=WORDS * 2), 40)
        titles = [line for line in layout.lines if line.role is Role.TITLE]
        assert len(titles) > 2

    def test_truncated_article_ends_with_a_notice(self) -> None:
        layout = layout_article(article(para("Short."), truncated=True), 100)
        assert plain(layout, len(layout) - 1) == TRUNCATED_NOTICE
        assert "4 MB" in TRUNCATED_NOTICE
        assert layout.lines[-2].role is Role.BLANK


class TestBlocks:
    def test_paragraphs_are_separated_by_one_blank_line(self) -> None:
        layout = layout_article(article(para("One."), para("Two.")), 80)
        texts = [plain(layout, i) for i in range(len(layout))][-3:]
        assert texts == ["One.", "", "Two."]

    @pytest.mark.parametrize("level", [1, 2, 3, 6])
    def test_headings_are_styled_by_level(self, level: int) -> None:
        layout = layout_article(article(Block(BlockKind.HEADING, "Results", level=level)), 80)
        index = body(layout)[0]
        text = layout.text(index)
        assert text.plain == "Results"
        assert styles_at(text, 0) == [str(DocumentStyles().heading(level))]
        assert DocumentStyles().heading(1) != DocumentStyles().heading(3)

    def test_quote_lines_carry_the_bar_and_quote_style(self) -> None:
        layout = layout_article(article(Block(BlockKind.QUOTE, WORDS * 2)), 40)
        lines = body(layout)
        assert len(lines) > 2
        for index in lines:
            text = layout.text(index)
            assert text.plain.startswith(QUOTE_BAR)
            assert cell_len(text.plain) <= layout.column
            assert "italic" in styles_at(text, len(QUOTE_BAR))[0]

    def test_list_items_hang_under_their_bullet_and_nest(self) -> None:
        items = (
            Block(BlockKind.LIST_ITEM, WORDS, level=0, bullet="•"),
            Block(BlockKind.LIST_ITEM, "Inner item", level=1, bullet="10."),
            Block(BlockKind.PARAGRAPH, "After."),
        )
        layout = layout_article(article(*items), 40)
        texts = [plain(layout, i) for i in range(len(layout))]
        first = texts.index("• Ministers opened talks on a new")
        assert texts[first + 1].startswith("  railway")
        assert texts[first + 3] == "  10. Inner item"
        assert texts[first + 4 : first + 6] == ["", "After."]

    def test_code_is_verbatim_cropped_and_padded_with_a_background(self) -> None:
        code = "def f():\n\treturn 1  # " + "x" * 100
        layout = layout_article(article(Block(BlockKind.CODE, code)), 40)
        lines = body(layout)
        assert len(lines) == 2
        first, second = (layout.text(i) for i in lines)
        assert first.plain == "def f():".ljust(38)
        assert second.plain.startswith("    return 1  # xxx") and cell_len(second.plain) == 38
        assert first.style == DocumentStyles().code_block

    def test_rule_block_is_a_line_across_the_column(self) -> None:
        layout = layout_article(article(Block(BlockKind.RULE, "")), 30)
        assert plain(layout, body(layout)[0]) == "─" * 28


class TestMarks:
    def test_marks_become_styles(self) -> None:
        text = "bold ital code link gone"
        marks = (
            Mark(0, 4, MarkKind.STRONG),
            Mark(5, 9, MarkKind.EMPHASIS),
            Mark(10, 14, MarkKind.CODE),
            Mark(15, 19, MarkKind.LINK, href="https://example.org/a"),
            Mark(20, 24, MarkKind.STRIKE),
        )
        layout = layout_article(article(para(text, *marks)), 80)
        rendered = layout.text(body(layout)[0])
        assert rendered.plain == text
        spans = {rendered.plain[s.start : s.end]: s.style for s in rendered.spans if s.start < 15}
        assert spans["bold"].bold and spans["ital"].italic  # type: ignore[union-attr]
        assert spans["code"] == DocumentStyles().code_inline
        link = rendered.get_style_at_offset(Console(), 16)
        assert link.underline and link.link == "https://example.org/a"
        assert rendered.get_style_at_offset(Console(), 21).strike

    def test_mark_across_a_line_break_styles_both_lines(self) -> None:
        text = "aaaa bbbb cccc dddd"
        layout = layout_article(article(para(text, Mark(5, 14, MarkKind.STRONG))), 11)
        first, second = (layout.text(i) for i in body(layout))
        assert (first.plain, second.plain) == ("aaaa bbbb", "cccc dddd")
        assert [(s.start, s.end) for s in first.spans if str(s.style) == "bold"] == [(5, 9)]
        bold = [(s.start, s.end) for s in second.spans if str(s.style) == "bold"]
        assert bold == [(0, 4)]

    @pytest.mark.parametrize("href", ["javascript\x1b]8;;x", "a\nb", None, ""])
    def test_unsafe_or_missing_link_targets_are_dropped(self, href: str | None) -> None:
        assert safe_href(href) is None
        layout = layout_article(article(para("link", Mark(0, 4, MarkKind.LINK, href))), 40)
        assert layout.text(body(layout)[0]).get_style_at_offset(Console(), 1).link is None


class TestOffsets:
    def test_every_line_maps_back_to_its_block_text(self) -> None:
        blocks = (
            para(WORDS * 4),
            Block(BlockKind.QUOTE, WORDS * 2),
            Block(BlockKind.LIST_ITEM, WORDS, level=1, bullet="•"),
        )
        layout = layout_article(article(*blocks), 36)
        for index in body(layout):
            line = layout.lines[index]
            source = blocks[line.block].text[line.offset : line.end]
            assert plain(layout, index) == line.prefix + source

    def test_block_lines_and_line_of(self) -> None:
        blocks = (para("Short."), para(WORDS * 3), para("End."))
        layout = layout_article(article(*blocks), 30)
        second = layout.block_lines[1]
        assert layout.lines[second].block == 1 and layout.lines[second].offset == 0
        assert layout.lines[second - 1].role is Role.BLANK
        offset = len(WORDS) * 2
        found = layout.lines[layout.line_of(1, offset)]
        assert found.block == 1 and found.start <= offset < found.end + 2
        assert layout.line_of(99) == layout.block_lines[2]
        assert block_at(layout, second + 1) == 1
        assert block_at(layout, 0) == NO_BLOCK

    def test_anchor_skips_header_and_blank_lines(self) -> None:
        layout = layout_article(article(para("One."), para("Two.")), 40)
        assert layout.anchor(0) == (0, 0)
        assert layout.anchor(layout.block_lines[1] - 1) == (1, 0)
        assert layout.anchor(len(layout)) is None

    def test_empty_article_has_only_its_header(self) -> None:
        layout = layout_article(article(), 40)
        assert layout.block_lines == [] and layout.line_of(3) == 0
        assert [line.role for line in layout.lines][-1] is Role.RULE


class TestUntrustedText:
    def test_markup_lookalikes_show_literally(self) -> None:
        text = "[bold]x[/bold] and [/] and [link=https://evil]y[/link] :smile:"
        art = article(para(text), title="[red]Title[/red]", author="[/]")
        layout = layout_article(art, 100)
        rendered = [plain(layout, i) for i in range(len(layout))]
        assert rendered[0] == "[red]Title[/red]"
        assert "[/]" in rendered[1]
        assert text in rendered
        assert layout.text(rendered.index(text)).spans == []

    def test_control_characters_never_reach_the_terminal(self) -> None:
        text = "before \x1b[2J\x1b]8;;http://x\x07after\r\n"
        layout = layout_article(article(para(text), title="t\x1bitle"), 60)
        console = Console(force_terminal=False, width=60, file=None)
        for index in range(len(layout)):
            line = layout.text(index)
            assert "\x1b" not in line.plain and "\x07" not in line.plain
            with console.capture() as capture:
                console.print(line)
            assert "\x1b" not in capture.get()
        paragraph = layout.lines[body(layout)[0]]
        assert paragraph.end - paragraph.start == len(text.rstrip())


def test_layout_needs_no_textual() -> None:
    code = "import sys, reader.ui.document; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
