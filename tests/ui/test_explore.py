"""Pilot tests: `o` opens the article in the browser, `L` lists its links (enter opens one,
`a` saves one), `M` lists the articles most like the open one."""

from __future__ import annotations

import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader import paths
from reader.config import Config
from reader.library import Library
from reader.search import SearchIndex
from reader.ui.app import ReaderApp
from reader.ui.screens.links import LinksScreen
from reader.ui.screens.main import MainScreen
from reader.ui.screens.related import RelatedScreen
from tests.http_server import LoopbackServer, Route
from tests.ui.test_incoming import PAGE, TITLE
from tests.unit.test_related import labelled_articles

from .conftest import settle


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BROWSER names a script that appends each address it is given to a file (returned)."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n', encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    # webbrowser reads BROWSER once per process: let it read this test's.
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    return record


def page_article(folder: Path, url: str) -> Path:
    """A saved page with an address and three links (one relative, one repeated)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "harbour.md"
    path.write_text(
        f"---\ntitle: Harbour news\nurl: {url}\ndate: 2025-04-01\n---\n\n"
        "The [tide tables](/tides) changed. Read about the [keepers](/skerry).\n\n"
        "Again the [tide tables](/tides), and [a ferry](https://example.org/ferry?a=1).\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def page_library(tmp_path: Path, http_server: LoopbackServer) -> Iterator[Library]:
    """The user's folder (where saved pages go) beside a folder with one saved page."""
    page_article(tmp_path / "pages", http_server.url("/harbour"))
    with Library([paths.user_library_dir(), tmp_path / "pages"], processes=0) as library:
        library.scan()
        yield library


def main_screen(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def open_first(pilot: Pilot[None]) -> MainScreen:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    return main_screen(pilot)


def opened(record: Path) -> list[str]:
    return record.read_text(encoding="utf-8").splitlines() if record.exists() else []


async def test_o_opens_the_article_address_in_the_browser(
    page_library: Library, http_server: LoopbackServer, browser: Path
) -> None:
    app = ReaderApp(page_library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first(pilot)
        await pilot.press("o")
        await settle(pilot)
    assert opened(browser) == [http_server.url("/harbour")]


async def test_o_from_the_list_and_without_an_address(library: Library, browser: Path) -> None:
    app = ReaderApp(library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")  # house-format articles have no address
        await settle(pilot)
        messages = [notice.message for notice in app._notifications]
        assert "This article has no web address" in messages
    assert opened(browser) == []


async def test_L_lists_links_enter_opens_one(
    page_library: Library, http_server: LoopbackServer, browser: Path
) -> None:
    app = ReaderApp(page_library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first(pilot)
        await pilot.press("L")
        await pilot.pause()
        links = app.screen
        assert isinstance(links, LinksScreen)
        assert [link.url for link in links.links] == [
            http_server.url("/tides"),
            http_server.url("/skerry"),
            "https://example.org/ferry?a=1",
        ]
        assert [link.text for link in links.links][:2] == ["tide tables", "keepers"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is links  # opening a link keeps the list
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert opened(browser) == [http_server.url("/skerry")]


async def test_a_in_the_link_list_saves_the_page(
    page_library: Library, http_server: LoopbackServer, browser: Path
) -> None:
    http_server.routes["/skerry"] = Route(PAGE.encode())
    app = ReaderApp(page_library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        main = await open_first(pilot)
        before = len(main.article_list.rows)
        await pilot.press("L", "down", "a")
        for _ in range(3):  # the save, the scan it starts, then opening the new article
            await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(main.article_list.rows) == before + 1
        current = main.article_list.current
        assert current is not None and current.title == TITLE
    saved = list((paths.user_library_dir() / "web").glob("*.md"))
    assert len(saved) == 1
    assert opened(browser) == []


async def test_L_without_an_open_article_says_so(library: Library) -> None:
    app = ReaderApp(library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@pytest.fixture
def corpus_library(tmp_path: Path) -> Iterator[Library]:
    """The labelled related-articles corpus as Markdown files, one folder per section."""
    for section, article in labelled_articles():
        folder = tmp_path / "corpus" / section
        folder.mkdir(parents=True, exist_ok=True)
        body = article.blocks[0].text
        text = f"---\ntitle: {article.title}\ntags: [{section}]\n---\n\n{body}\n"
        (folder / f"{article.id}.md").write_text(text, encoding="utf-8")
    with Library([tmp_path / "corpus"], processes=0) as library:
        library.scan()
        yield library


async def test_M_lists_related_articles_and_enter_opens_one(
    corpus_library: Library, tmp_path: Path
) -> None:
    with SearchIndex.open(tmp_path / "index") as index:
        index.add(corpus_library.load(article_id) for article_id in corpus_library.ids())
        index.commit()
        app = ReaderApp(corpus_library, config=Config(), scan_on_start=False, index=index)
        async with app.run_test(size=(100, 30)) as pilot:
            main = await open_first(pilot)
            first = main.opened_id
            assert first is not None
            section = corpus_library.get(first).tags  # type: ignore[union-attr]
            await pilot.press("M")
            await settle(pilot)
            related = app.screen
            assert isinstance(related, RelatedScreen)
            assert related.metas
            assert first not in {meta.id for meta in related.metas}
            assert related.metas[0].tags == section
            chosen = related.metas[1].id
            await pilot.press("down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
            assert main.opened_id == chosen
            assert main.article_list.current is not None
            assert main.article_list.current.id == chosen


async def test_M_without_an_index_lists_nothing(library: Library) -> None:
    app = ReaderApp(library, config=Config(), scan_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        related = app.screen
        assert isinstance(related, RelatedScreen)
        assert related.metas == []
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
