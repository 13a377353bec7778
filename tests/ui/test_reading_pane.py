"""Pilot tests of the reading pane alone: keys, progress, placeholder, resizing, big articles."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.strip import Strip

from reader.models import Article, ArticleMeta, Block, BlockKind, Mark, MarkKind
from reader.sources import load_file
from reader.ui.widgets.reading_pane import PLACEHOLDER, ReadingPane
from reader.web.save import Draft, url_key, write_draft

SIZE = (80, 20)


def make_article(paragraphs: int = 40, words: int = 30, title: str = "Talks open") -> Article:
    """An article of numbered paragraphs, long enough to scroll."""
    blocks = tuple(
        Block(
            BlockKind.PARAGRAPH,
            f"Paragraph {n} " + " ".join(f"word{k}" for k in range(words)),
            marks=(Mark(0, 9, MarkKind.STRONG),),
        )
        for n in range(paragraphs)
    )
    meta = ArticleMeta(
        id="a1", path="a.txt", title=title, date=date(2025, 7, 3), place="Baku", words=1200
    )
    return Article(meta, blocks)


class PaneApp(App[None]):
    """Nothing but a reading pane, opening `article` on mount."""

    def __init__(self, article: Article | None = None) -> None:
        super().__init__()
        self.article = article

    def compose(self) -> ComposeResult:
        yield ReadingPane()

    def on_mount(self) -> None:
        pane = self.query_one(ReadingPane)
        pane.show(self.article)
        pane.focus()


def screen_lines(pane: ReadingPane) -> list[str]:
    """The text of every visible line of the pane, as rendered."""
    return [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]


def styles_of(strip: Strip, needle: str) -> list[Style]:
    """The styles of the segments of `strip` whose text holds `needle`."""
    return [segment.style or Style() for segment in strip if needle in segment.text]


async def open_app(pilot: Pilot[None]) -> ReadingPane:
    await pilot.pause()
    return pilot.app.query_one(ReadingPane)


class TestKeys:
    """Scrolling keys move the view by lines, pages and to either end."""

    @pytest.mark.parametrize(
        ("keys", "expected"),
        [(["j"], 1), (["down", "down"], 2), (["j", "j", "k"], 1), (["up"], 0)],
    )
    async def test_line_keys(self, keys: list[str], expected: int) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            await pilot.press(*keys)
            await pilot.pause()
            assert pane.scroll_offset.y == expected

    async def test_page_keys_keep_one_line_of_context(self) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            page = pane.scrollable_content_region.height - 1
            await pilot.press("space")
            assert pane.scroll_offset.y == page
            await pilot.press("pagedown")
            assert pane.scroll_offset.y == 2 * page
            await pilot.press("shift+space")
            assert pane.scroll_offset.y == page
            await pilot.press("pageup")
            assert pane.scroll_offset.y == 0

    @pytest.mark.parametrize(("bottom", "top"), [("G", "g"), ("end", "home")])
    async def test_ends(self, bottom: str, top: str) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            await pilot.press(bottom)
            assert pane.scroll_offset.y == pane.max_scroll_y > 0
            assert screen_lines(pane)[-1].strip().endswith("word29")
            assert any("Paragraph 39 " in line for line in screen_lines(pane))
            await pilot.press(top)
            assert pane.scroll_offset.y == 0
            assert screen_lines(pane)[0].strip() == "Talks open"


class TestProgress:
    """Progress is the bottom of the view over the whole article, announced by message."""

    async def test_progress_follows_the_view(self) -> None:
        seen: list[Message] = []
        app = PaneApp(make_article())
        async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
            pane = await open_app(pilot)
            assert pane.document is not None
            total = len(pane.document)
            height = pane.scrollable_content_region.height
            assert pane.progress == pytest.approx(height / total, abs=1e-3)
            await pilot.press("j", "j")
            await pilot.pause()
            assert pane.progress == pytest.approx((height + 2) / total, abs=1e-3)
            await pilot.press("G")
            await pilot.pause()
            assert pane.progress == 1.0
        changes = [m for m in seen if isinstance(m, ReadingPane.ProgressChanged)]
        assert changes and changes[-1].progress == 1.0
        assert all(0.0 <= m.progress <= 1.0 for m in changes)
        assert changes[-1].control is pane

    async def test_short_article_is_read_at_once(self) -> None:
        async with PaneApp(make_article(paragraphs=1, words=3)).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            assert pane.progress == 1.0
            assert pane.max_scroll_y == 0

    def test_progress_messages_collapse(self) -> None:
        older, newer = ReadingPane.ProgressChanged(0.1), ReadingPane.ProgressChanged(0.2)
        assert newer.can_replace(older)
        assert not newer.can_replace(Message())


class TestShow:
    """show() swaps articles, starts at the top, and None brings back the placeholder."""

    async def test_placeholder_without_article(self) -> None:
        async with PaneApp(None).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            lines = screen_lines(pane)
            assert pane.article is None and pane.progress == 0.0
            assert [line.strip() for line in lines if line.strip()] == [PLACEHOLDER]
            assert lines.index(next(line for line in lines if line.strip())) == len(lines) // 2

    async def test_show_none_after_an_article(self) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            await pilot.press("G")
            pane.show(None)
            await pilot.pause()
            assert pane.article is None and pane.scroll_offset.y == 0
            assert any(PLACEHOLDER in line for line in screen_lines(pane))

    async def test_new_article_starts_at_the_top(self) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            await pilot.press("G")
            other = make_article(title="Second story")
            pane.show(other)
            await pilot.pause()
            assert pane.article is other and pane.scroll_offset.y == 0
            assert screen_lines(pane)[0].strip() == "Second story"

    async def test_markup_in_article_text_shows_literally(self) -> None:
        text = "[bold]not bold[/bold] [/] [link=https://x]y[/link]"
        meta = ArticleMeta(id="m", path="m.txt", title="[red]x[/red]")
        article = Article(meta, (Block(BlockKind.PARAGRAPH, text),))
        async with PaneApp(article).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            lines = [line.strip() for line in screen_lines(pane)]
            assert lines[0] == "[red]x[/red]" and text in lines

    async def test_body_is_centred_at_the_measure(self) -> None:
        async with PaneApp(make_article()).run_test(size=(120, 20)) as pilot:
            pane = await open_app(pilot)
            assert pane.document is not None and pane.document.column == pane.measure == 72
            title = screen_lines(pane)[0]
            margin = len(title) - len(title.lstrip())
            assert margin == (pane.scrollable_content_region.width - 72) // 2
            pane.measure = 40
            await pilot.pause()
            assert pane.document.column == 40
            assert max(len(line.strip()) for line in screen_lines(pane)) <= 40

    async def test_code_and_rules_take_their_css_styles(self) -> None:
        blocks = (Block(BlockKind.CODE, "x = 1"), Block(BlockKind.RULE, ""))
        article = Article(ArticleMeta(id="c", path="c.md", title="Code"), blocks)
        async with PaneApp(article).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            assert pane.document is not None
            code, rule = (pane.render_line(i) for i in pane.document.block_lines)
            code_style = pane.get_component_rich_style("reading-pane--code")
            rule_style = pane.get_component_rich_style("reading-pane--rule")
            assert {style.bgcolor for style in styles_of(code, "x = 1")} == {code_style.bgcolor}
            assert {style.color for style in styles_of(rule, "─")} == {rule_style.color}


class TestBlocksAndResize:
    """Anchors survive re-wrapping; no size, however small, crashes the pane."""

    async def test_scroll_to_block(self) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            pane.scroll_to_block(10)
            await pilot.pause()
            assert pane.top_anchor() == (10, 0)
            assert screen_lines(pane)[0].strip().startswith("Paragraph 10 ")

    async def test_resize_keeps_the_paragraph_in_view(self) -> None:
        async with PaneApp(make_article()).run_test(size=(100, 20)) as pilot:
            pane = await open_app(pilot)
            pane.scroll_to_block(20)
            await pilot.pause()
            await pilot.resize_terminal(40, 20)
            await pilot.pause()
            anchor = pane.top_anchor()
            assert anchor is not None and anchor[0] == 20
            assert pane.document is not None and pane.document.column == 37

    async def test_the_top_paragraph_survives_sizes_that_cannot_show_it_at_the_top(self) -> None:
        # Near the end a taller or wider pane cannot put the paragraph at the top (the view
        # stops at the last line); coming back, the paragraph the reader had is on top again.
        async with PaneApp(make_article()).run_test(size=(100, 20)) as pilot:
            pane = await open_app(pilot)
            pane.scroll_to_block(33)
            await pilot.pause()
            assert pane.top_anchor() == (33, 0)
            for size in [(100, 60), (160, 20), (30, 20), (100, 40), (100, 20)]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
                top = pane.scroll_offset.y
                view = range(top, top + pane.scrollable_content_region.height)
                assert pane.document is not None
                assert pane.document.line_of(33) in view, size
            assert pane.top_anchor() == (33, 0)

    async def test_scrolling_after_a_resize_moves_from_where_the_view_is(self) -> None:
        async with PaneApp(make_article()).run_test(size=(100, 20)) as pilot:
            pane = await open_app(pilot)
            pane.scroll_to_block(33)
            await pilot.pause()
            await pilot.resize_terminal(100, 60)
            await pilot.pause()
            await pilot.press("k")  # the reader moves: their new place is kept from now on
            await pilot.pause()
            moved = pane.top_anchor()
            await pilot.resize_terminal(100, 20)
            await pilot.pause()
            assert pane.top_anchor() == moved

    @pytest.mark.parametrize("article", [make_article(), None], ids=["article", "placeholder"])
    async def test_any_size_renders_without_crashing(self, article: Article | None) -> None:
        async with PaneApp(article).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            for width, height in [(1, 1), (5, 3), (20, 6), (40, 12), (120, 40), (2, 1), (80, 24)]:
                await pilot.resize_terminal(width, height)
                await pilot.press("j", "space")
                await pilot.pause()
                pilot.app.export_screenshot()
                assert all(
                    len(line) <= max(0, pane.scrollable_content_region.width)
                    for line in screen_lines(pane)
                )
            if article is not None:
                assert "Paragraph" in "".join(screen_lines(pane))

    async def test_theme_change_restyles(self) -> None:
        async with PaneApp(make_article()).run_test(size=SIZE) as pilot:
            pane = await open_app(pilot)
            before = pane.get_component_rich_style("reading-pane--meta")
            pilot.app.theme = "textual-light" if pilot.app.theme != "textual-light" else "nord"
            await pilot.pause()
            after = pane.get_component_rich_style("reading-pane--meta")
            assert after != before
            meta = [seg for seg in pane.render_line(1) if "July" in seg.text]
            assert meta and meta[0].style is not None and meta[0].style.color == after.color


async def test_megabyte_article_shows_its_first_lines() -> None:
    words = " ".join(f"word{k}" for k in range(60))
    blocks = tuple(Block(BlockKind.PARAGRAPH, f"Part {n}: {words}") for n in range(2500))
    meta = ArticleMeta(id="big", path="big.txt", title="A very long read", words=120_000)
    article = Article(meta, blocks, truncated=True)
    assert sum(len(block.text) for block in blocks) > 1_000_000
    async with PaneApp(article).run_test(size=(100, 30)) as pilot:
        pane = await open_app(pilot)
        lines = [line.strip() for line in screen_lines(pane)]
        assert lines[0] == "A very long read"
        assert any(line.startswith("Part 0: word0") for line in lines)
        await pilot.press("end")
        assert "showing its first part" in "".join(screen_lines(pane))


async def test_a_page_without_a_date_shows_its_save_date_as_such(tmp_path: Path) -> None:
    saved = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    draft = Draft("A page with no date", "Body text.", site="example.org", saved=saved)
    article = load_file(write_draft(draft, tmp_path, url_key("https://example.org/p")).path)
    async with PaneApp(article).run_test(size=SIZE) as pilot:
        pane = await open_app(pilot)
        header = screen_lines(pane)[1].strip()
        assert header == "saved 2 December 2026 · 1 min read"
        dated = Draft("Dated", "Body.", date=date(2026, 11, 5), saved=saved)
        pane.show(load_file(write_draft(dated, tmp_path, url_key("https://example.org/d")).path))
        await pilot.pause()
        assert screen_lines(pane)[1].strip().startswith("5 November 2026")


async def test_the_list_labels_a_save_date_too(tmp_path: Path) -> None:
    from reader.library import Library
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.article_list import ArticleList

    saved = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    write_draft(Draft("No date", "Body.", saved=saved), tmp_path, url_key("https://a.org/p"))
    dated = Draft("Dated", "Body.", date=date(2026, 11, 5), saved=saved)
    write_draft(dated, tmp_path, url_key("https://a.org/d"))
    with Library([tmp_path]) as library:
        library.scan()
        metas = {meta.title: meta for meta in (library.get(i) for i in library.ids()) if meta}
        assert metas["No date"].date_saved and not metas["Dated"].date_saved
        async with ReaderApp(library=library, scan_on_start=False).run_test(size=SIZE) as pilot:
            await pilot.pause()
            rows = pilot.app.screen.query_one(ArticleList)
            text = "\n".join(line.text for line in (rows.render_line(y) for y in range(4)))
            assert "saved 2026-12-02" in text and "saved 2026-11-05" not in text
            assert "2026-11-05" in text
