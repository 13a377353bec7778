"""Wrapping in linear time: right lines for any text, and work that grows with the text
(counted in executed lines of Python, never timed)."""

from __future__ import annotations

import gc
import io
import random
import sys
from collections.abc import Callable
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind
from reader.render import article_lines, print_article
from reader.render_layout import lay_out
from reader.wrapping import cells, wrap

WORDS = ["the", "harbour", "board", "met", "on", "Tuesday", "négociations", "—", "日本語", "x"]


def paragraph(words: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def check_lines(text: str, width: int) -> list[str]:
    lines = [text[start:end] for start, end in wrap(text, width)]
    for line in lines:
        assert cells(line) <= width or len(line) == 1  # a wide character in a narrow column
    return lines


def test_a_long_paragraph_wraps_greedily_and_keeps_every_word() -> None:
    text = paragraph(20_000)
    lines = check_lines(text, 72)
    assert " ".join(lines).split() == text.split()
    for line, following in zip(lines, lines[1:], strict=False):
        first_word = following.split()[0]
        assert cells(line) + 1 + cells(first_word) > 72  # the next word did not fit


@given(st.text(alphabet=st.sampled_from([*"ab ", "\n", "日", "é", "\u0301"]), max_size=200))
def test_any_text_wraps_within_the_width_and_loses_nothing(text: str) -> None:
    for width in (1, 2, 5, 30):
        lines = check_lines(text, width)
        assert "".join("".join(lines).split()) == "".join(text.split())
        assert len(lines) >= text.count("\n") + 1


def operations(work: Callable[[], object]) -> int:
    """Lines of Python executed by `work`: a count of its steps that does not depend on time."""
    count = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        count += 1
        return trace

    work()  # once untraced, so caches filled on first use count for no size
    gc.collect()
    gc.disable()  # collector callbacks (hypothesis has one) would run traced code at random
    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(None)
        gc.enable()
    return count


def growth(work: Callable[[int], Callable[[], object]], size: int) -> float:
    """How much more work doubling the size adds the second time than the first.

    About 2 when the work grows linearly (with any fixed cost), 4 when it grows with the square.
    """
    small, medium, large = (operations(work(size * n)) for n in (1, 2, 4))
    return (large - medium) / (medium - small)


def test_wrapping_work_grows_linearly_with_the_paragraph() -> None:
    def wrapping(words: int) -> Callable[[], object]:
        text = paragraph(words)
        return lambda: wrap(text, 72)

    assert 1.8 < growth(wrapping, 5_000) < 2.2


def one_paragraph_article(words: int) -> Article:
    text = paragraph(words)
    marks = tuple(Mark(i, i + 3, MarkKind.LINK, f"https://e.org/{i}") for i in range(0, 4000, 40))
    meta = ArticleMeta(id="x", path="x.txt", title="Long", date=date(2025, 1, 2), words=words)
    return Article(meta, (Block(BlockKind.PARAGRAPH, text, marks=marks),))


def test_printing_hands_rich_short_lines_only() -> None:
    article = one_paragraph_article(20_000)
    layout = lay_out(article, markers=False)
    lines = list(article_lines(article, layout, 72))
    assert len(lines) > 1000
    assert max(line.cell_len for line in lines) <= 72


def test_printing_work_grows_linearly_with_the_paragraph() -> None:
    def printed(words: int) -> Callable[[], None]:
        article = one_paragraph_article(words)
        console = Console(file=io.StringIO(), width=80, force_terminal=True, color_system="256")
        return lambda: print_article(article, console)

    assert 1.8 < growth(printed, 4_000) < 2.2


def greedy(line: str, width: int) -> list[str]:
    """The textbook greedy wrap of one line, by cells; a word too long is cut."""
    out: list[str] = []
    current = ""
    for word in line.split():
        if current and cells(current) + 1 + cells(word) <= width:
            current += " " + word
            continue
        if current:
            out.append(current)
        while cells(word) > width:
            cut = max(n for n in range(1, len(word) + 1) if cells(word[:n]) <= width)
            out.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        out.append(current)
    return out


@given(
    st.text(alphabet=st.sampled_from([*"abc ", "é", "—", "日"]), max_size=120), st.integers(2, 12)
)
def test_text_wraps_as_the_textbook_greedy_wrap(text: str, width: int) -> None:
    text = " ".join(text.split())  # the textbook keeps no run of spaces
    lines = [text[start:end] for start, end in wrap(text, width)]
    assert [line for line in lines if line] == greedy(text, width)
