"""Every built-in theme keeps highlights, search matches and the list cursor readable (WCAG AA).

The colours are the ones drawn: each line is rendered and every segment's foreground and
background are compared.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.strip import Strip
from textual.theme import BUILTIN_THEMES

from reader.ui.contrast import AA, RGB, contrast_ratio, readable, readable_variables
from reader.ui.extras import Decorations
from reader.ui.screens.main import MainScreen

from .conftest import settle
from .test_search import index, sample_library, search_app  # noqa: F401 - fixtures

WORD = "summit"
"""The query: its matches are marked in the result snippets and in the article."""


def rgb(style: Style, base: Style, *, background: bool) -> RGB:
    """The colour a segment is drawn in, falling back to the widget's own."""
    colour = style.bgcolor if background else style.color
    if colour is None:
        colour = base.bgcolor if background else base.color
    assert colour is not None
    triplet = colour.get_truecolor(foreground=not background)
    return triplet.red, triplet.green, triplet.blue


def too_faint(strips: list[Strip], base: Style, where: str, *, word_only: bool) -> list[str]:
    """The segments of `strips` whose contrast is under AA, described for the report."""
    found = []
    for strip in strips:
        for segment in strip:
            text, style = segment.text.strip(), segment.style or Style()
            if not text or (word_only and text.lower() != WORD):
                continue
            fg, bg = rgb(style, base, background=False), rgb(style, base, background=True)
            if (ratio := contrast_ratio(fg, bg)) < AA:
                found.append(f"{where} {text[:20]!r}: {ratio:.2f}")
    return found


def list_problems(main: MainScreen, where: str) -> list[str]:
    """Faint text on the cursor row (the first result) and faint matches in the next rows."""
    articles = main.article_list
    height, base = articles.row_height, articles.rich_style
    cursor = [articles.render_line(y) for y in range(height)]
    others = [articles.render_line(y) for y in range(height, 3 * height)]
    return too_faint(cursor, base, f"{where} cursor row", word_only=False) + too_faint(
        others, base, f"{where} list match", word_only=True
    )


def pane_problems(main: MainScreen, block: int) -> list[str]:
    """Faint text in the highlighted paragraph and faint matches anywhere in view."""
    pane = main.reading_pane
    assert pane.document is not None
    top, lines = pane.scroll_offset.y, pane.document.lines
    shown = range(min(pane.scrollable_content_region.height, len(lines) - top))
    marked = [pane.render_line(y) for y in shown if lines[top + y].block == block]
    every = [pane.render_line(y) for y in shown]
    return too_faint(marked, pane.rich_style, "highlighted paragraph", word_only=False) + (
        too_faint(every, pane.rich_style, "pane match", word_only=True)
    )


async def test_highlight_match_and_cursor_styles_meet_wcag_aa_in_every_theme(search_app) -> None:  # noqa: F811
    app = search_app()
    problems: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *WORD)
        await settle(pilot)
        await pilot.press("enter", "enter")  # to the results, then open the first one
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        pane = main.reading_pane
        assert pane.article is not None and pane.matches
        block = pane.matches.spans[0][0]  # highlight a paragraph with a match in it
        pane.set_decorations(Decorations({block: [(0, len(pane.article.blocks[block].text))]}))
        await pilot.press("n")  # and make its first match the current one
        assert pane.matches.current == 0
        for focused in (False, True):
            if focused:
                main.article_list.focus()
            for theme in sorted(BUILTIN_THEMES):
                app.theme = theme
                await pilot.pause()
                found = list_problems(main, "focused" if focused else "blurred")
                found += [] if focused else pane_problems(main, block)
                problems += [f"{theme}: {problem}" for problem in found]
    assert problems == []


def test_contrast_ratio_matches_wcag() -> None:
    assert round(contrast_ratio((0, 0, 0), (255, 255, 255)), 2) == 21.0
    assert contrast_ratio((118, 118, 118), (118, 118, 118)) == 1.0
    assert round(contrast_ratio((118, 118, 118), (255, 255, 255)), 2) == 4.54  # #767676


channel = st.integers(0, 255)


@given(st.tuples(channel, channel, channel), st.tuples(channel, channel, channel))
def test_readable_always_reaches_aa_on_one_background(text: RGB, back: RGB) -> None:
    colour = readable(Color(*text), [Color(*back)])
    assert contrast_ratio(colour.rgb, back) >= AA


def test_a_theme_with_colours_that_cannot_be_parsed_keeps_textuals_pairs() -> None:
    theme = {**App().get_css_variables(), "warning": "not a colour"}
    variables = readable_variables(theme)
    assert variables["reader-highlight"] == theme["warning-muted"]
    assert variables["reader-cursor"] == theme["block-cursor-background"]
